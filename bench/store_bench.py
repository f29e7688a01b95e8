"""store_bench.py: the store backends benchmark of bench/run. The same
rebound-pipe on three stores in the same run: an SQLite file, a private
PostgreSQL 15 server (tests/lib/pgsql.sh: initdb in the temporary
directory, unix socket only, fsync on as a real server has it) reached
directly, and the same server through pgbouncer in transaction mode (what
docs/install.md has each MTA run). (1) cost per bounce, one bounce after
another, the three interleaved; (2) sustained bounces per second with 8
and with 32 rebound-pipe processes at once; afterwards each store must hold
exactly one row per bounce that exited 0. (3) the store at a million
bounces, per backend: 1,000,000 bounces over 100 days for 200,000
addresses (20,000 suppressed) loaded by SQL, then `rebound stats`, `list`,
`list --since 1d --limit 10`, `show`, `suppressed` (beside the start-up
floor, `rebound config check`), and `purge` of the oldest 10% while 8
rebound-pipe processes record bounces: how long the longest of them took,
against the longest of the same 8 for 10 s just before (the baseline),
and whether any exited 75."""
import json
import os
import pwd
import shutil
import sqlite3
import sys
import subprocess
import time

from benchlib import NotMeasured, fmt_ms, fmt_rate, fmt_ratio, median, quantile, spawn_timed, table
import pipe_bench

BACKENDS = ['SQLite', 'PostgreSQL', 'PostgreSQL via pgbouncer']
# BENCH_STORE_ROWS: fewer bounces, for trying the harness (not a result)
N_BOUNCES = int(os.environ.get('BENCH_STORE_ROWS', '1000000'))
N_ADDRS = max(1000, N_BOUNCES // 5)
DAYS = 100


def pg_up(ctx, d):
    """The private server and pgbouncer; their stop is in ctx['cleanups']
    before they start. Returns (direct conninfo, pgbouncer conninfo)."""
    top = ctx['top']

    def stop():
        if os.path.exists(os.path.join(d, 'pgb', 'pgbouncer.pid')):
            subprocess.run(['sh', '-c', f'kill "$(cat {d}/pgb/pgbouncer.pid)"'], timeout=30)
        if os.path.isdir(os.path.join(d, 'pg', 'data')):
            subprocess.run(['runuser', '-u', 'postgres', '--', '/usr/lib/postgresql/15/bin/pg_ctl', '-D',
                            os.path.join(d, 'pg', 'data'), '-m', 'fast', '-w', 'stop'],
                           capture_output=True, timeout=120)
    ctx['cleanups'].append(stop)
    script = (f'. "{top}/tests/lib/pgsql.sh" && pg_start "{d}/pg" && pgb_start "{d}/pgb" && '
              'echo "$PG_ADMIN" && echo "$PGB_CONN" || { echo "$PG_ERR" >&2; exit 1; }')
    p = subprocess.run(['sh', '-c', script], capture_output=True, text=True, timeout=300)
    if p.returncode != 0:
        raise NotMeasured(f'the private PostgreSQL server did not start: {p.stderr.strip()[-300:]}')
    admin, pgb = p.stdout.strip().split('\n')[-2:]
    return admin, pgb


def psql(conn, sql, timeout=600):
    p = subprocess.run(['psql', '-X', '-A', '-t', '-q', '-v', 'ON_ERROR_STOP=1', conn, '-c', sql],
                       capture_output=True, text=True, timeout=timeout)
    if p.returncode != 0:
        raise RuntimeError(f'psql: {p.stderr.strip()[-300:]}')
    return p.stdout.strip()


def write_conf(d, name, database, secret):
    conf = os.path.join(d, f'{name}.conf')
    with open(conf, 'w') as f:
        f.write(f'# written by bench/store_bench.py\nreturn_domain = bounce.example.org\n'
                f'secret_file = {secret}\ndatabase = {database}\ndatabase_timeout = 30s\n')
    return conf


def rows_of(kind, database):
    if kind == 'sqlite':
        con = sqlite3.connect(f'file:{database}?mode=ro', uri=True)
        try:
            return con.execute('SELECT count(*) FROM bounces').fetchone()[0]
        finally:
            con.close()
    return int(psql(database, 'SELECT count(*) FROM bounces'))


# the million: the same rows on both backends
FILL_SQLITE = f"""
WITH RECURSIVE seq(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM seq WHERE i < {N_BOUNCES - 1})
INSERT INTO bounces (received_at, recipient, verified, return_path, queue_id, kind, action, status, smtp_code,
                     reason, class, permanent, diagnostic, remote_mta, reporting_mta, effect)
SELECT strftime('%Y-%m-%dT%H:%M:%SZ', :now - i * {DAYS * 86400} / {N_BOUNCES} - 600, 'unixepoch'),
       'user' || (i % {N_ADDRS}) || '@d' || (i % {N_ADDRS} % 500) || '.example', 1, 'bounces+x@bounce.example.org',
       printf('F%08X', i), 'dsn', 'failed', CASE WHEN i % 3 THEN '5.1.1' ELSE '4.2.2' END, '550',
       CASE i % 5 WHEN 0 THEN 'mailboxfull' WHEN 1 THEN 'blocked' ELSE 'userunknown' END,
       CASE WHEN i % 3 THEN 'hard' ELSE 'soft' END, i % 3 <> 0, '550 5.1.1 user unknown', 'mx.remote.example',
       'mx.remote.example', CASE WHEN i % 10 = 0 THEN 'suppressed' ELSE 'already-suppressed' END
FROM seq;
WITH RECURSIVE seq(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM seq WHERE i < {N_ADDRS - 1})
INSERT INTO recipients (address, state, hard_bounces, soft_bounces, first_bounce_at, last_bounce_at,
                        suppressed_at, suppressed_reason)
SELECT 'user' || i || '@d' || (i % 500) || '.example', CASE WHEN i % 10 = 0 THEN 'suppressed' ELSE 'active' END,
       3, 2, '2026-08-01T00:00:00Z', strftime('%Y-%m-%dT%H:%M:%SZ', :now - 700, 'unixepoch'),
       CASE WHEN i % 10 = 0 THEN '2026-09-01T00:00:00Z' END,
       CASE WHEN i % 10 = 0 THEN 'hard bounce (5.1.1 userunknown)' END
FROM seq;
"""
FILL_PG = f"""
INSERT INTO bounces (received_at, recipient, verified, return_path, queue_id, kind, action, status, smtp_code,
                     reason, class, permanent, diagnostic, remote_mta, reporting_mta, effect)
SELECT to_timestamp(NOW_EPOCH - i::bigint * {DAYS * 86400} / {N_BOUNCES} - 600),
       'user' || (i % {N_ADDRS}) || '@d' || (i % {N_ADDRS} % 500) || '.example', true, 'bounces+x@bounce.example.org',
       'F' || lpad(to_hex(i), 8, '0'), 'dsn', 'failed', CASE WHEN i % 3 <> 0 THEN '5.1.1' ELSE '4.2.2' END, '550',
       CASE i % 5 WHEN 0 THEN 'mailboxfull' WHEN 1 THEN 'blocked' ELSE 'userunknown' END,
       CASE WHEN i % 3 <> 0 THEN 'hard' ELSE 'soft' END, i % 3 <> 0, '550 5.1.1 user unknown', 'mx.remote.example',
       'mx.remote.example', CASE WHEN i % 10 = 0 THEN 'suppressed' ELSE 'already-suppressed' END
FROM generate_series(0, {N_BOUNCES - 1}) AS i;
INSERT INTO recipients (address, state, hard_bounces, soft_bounces, first_bounce_at, last_bounce_at,
                        suppressed_at, suppressed_reason)
SELECT 'user' || i || '@d' || (i % 500) || '.example', CASE WHEN i % 10 = 0 THEN 'suppressed' ELSE 'active' END,
       3, 2, '2026-08-01T00:00:00Z', to_timestamp(NOW_EPOCH - 700),
       CASE WHEN i % 10 = 0 THEN timestamptz '2026-09-01T00:00:00Z' END,
       CASE WHEN i % 10 = 0 THEN 'hard bounce (5.1.1 userunknown)' END
FROM generate_series(0, {N_ADDRS - 1}) AS i;
"""


def fill(kind, database, owner):
    now = int(time.time())
    t0 = time.monotonic()
    if kind == 'sqlite':
        con = sqlite3.connect(database)
        try:
            for stmt in FILL_SQLITE.split(';\n'):
                if stmt.strip():
                    con.execute(stmt, {'now': now})
            con.commit()
            con.execute('ANALYZE')
        finally:
            con.close()
        for f in os.listdir(os.path.dirname(database)):
            if f.startswith(os.path.basename(database)):
                os.chown(os.path.join(os.path.dirname(database), f), owner.pw_uid, owner.pw_gid)
    else:
        psql(database, FILL_PG.replace('NOW_EPOCH', str(now)), timeout=1800)
        psql(database, 'VACUUM ANALYZE', timeout=1800)
    return time.monotonic() - t0


def cli_times(rebound, conf, argv, n):
    """Median seconds of n runs of `rebound -c conf ARGV` (output to /dev/null)."""
    ts = []
    for _ in range(n):
        r = spawn_timed([rebound, '-c', conf] + argv)
        if r[1] != 0:
            raise RuntimeError(f'rebound {" ".join(argv)}: exit {r[1]}')
        ts.append(r[0])
    return median(ts)


def run(ctx):
    build, tmp, quick = ctx['build'], ctx['tmp'], ctx['quick']
    pipe = os.path.join(build, 'bin', 'rebound-pipe')
    rebound = os.path.join(build, 'bin', 'rebound')
    if not os.access(pipe, os.X_OK) or not os.access(rebound, os.X_OK):
        raise NotMeasured('rebound-pipe or rebound not built')
    if os.geteuid() != 0:
        raise NotMeasured('needs root (the PostgreSQL server runs as user postgres, rebound-pipe as nobody)')
    user = pwd.getpwnam('nobody')
    d = os.path.join(tmp, 'store')
    os.mkdir(d, 0o755)
    # copies that nobody can run (as bench/pipe_bench.py makes them)
    here = os.path.dirname(os.path.abspath(__file__))
    for src in (pipe, rebound, os.path.join(here, 'pipe_worker.py'), os.path.join(here, 'benchlib.py')):
        dst = os.path.join(d, os.path.basename(src))
        shutil.copy2(src, dst)
        os.chmod(dst, 0o755)
    pipe = os.path.join(d, 'rebound-pipe')
    rebound = os.path.join(d, 'rebound')
    admin, pgb = pg_up(ctx, os.path.join(d, 'server'))
    secret = os.path.join(d, 'secret')
    with open(secret, 'w') as f:
        f.write(os.urandom(32).hex() + '\n')
    os.chmod(secret, 0o600)
    os.chown(secret, user.pw_uid, user.pw_gid)
    sqldir = os.path.join(d, 'db')
    os.mkdir(sqldir, 0o755)
    os.chown(sqldir, user.pw_uid, user.pw_gid)
    psql(admin, 'CREATE DATABASE bench_direct')
    psql(admin, 'CREATE DATABASE bench_pgb')
    dbs = {'SQLite': ('sqlite', os.path.join(sqldir, 'rebound.db')),
           'PostgreSQL': ('pgsql', admin.replace('dbname=postgres', 'dbname=bench_direct')),
           'PostgreSQL via pgbouncer': ('pgsql', pgb + ' dbname=bench_pgb')}
    direct = {'SQLite': dbs['SQLite'][1], 'PostgreSQL': dbs['PostgreSQL'][1],
              'PostgreSQL via pgbouncer': admin.replace('dbname=postgres', 'dbname=bench_pgb')}
    confs = {b: write_conf(d, f'c{i}', dbs[b][1], secret) for i, b in enumerate(BACKENDS)}
    for c in confs.values():
        os.chown(c, user.pw_uid, user.pw_gid)

    naddr = 120 if quick else 300
    addrs = [f'user{i:05d}@remote{i % 7}.example' for i in range(naddr)]
    rps = pipe_bench.encode_all(rebound, confs['SQLite'], addrs, 20 if quick else 40)
    naddr = len(rps)
    msgs = []
    for i, (a, rp) in enumerate(zip(addrs, rps)):
        path = os.path.join(d, f'bounce-{i:05d}.eml')
        with open(path, 'w') as f:
            f.write(pipe_bench.BOUNCE.format(qid=f'{i:08X}', rp=rp, rcpt=a))
        os.chown(path, user.pw_uid, user.pw_gid)
        msgs.append(path)
    serial = [0]

    def job(b):
        """one bounce to backend b: its own queue id, an address in turn"""
        i = serial[0]
        serial[0] += 1
        return [[pipe, '-c', confs[b], '-q', f'5Z{i:08X}', rps[i % naddr]], msgs[i % naddr]]

    accepted = {b: 0 for b in BACKENDS}
    if os.environ.get('BENCH_STORE_ONLY') == 'million':  # trying the harness
        return million(ctx, d, admin, secret, user, sqldir, pipe, rebound, rps, msgs, ['(million only)'], {})
    # warm-up: `rebound init` and a few bounces per store (schema, caches)
    for b in BACKENDS:
        w = pipe_bench.run_worker({'jobs': [job(b) for _ in range(3)], 'concurrency': 1, 'deadline_s': 60}, user, d)
        bad = [r for r in w['results'] if r and r[1] != 0]
        if bad:
            raise NotMeasured(f'rebound-pipe on {b} exited {bad[0][1]}')
        accepted[b] += 3
    # (1) one at a time, the three interleaved
    nseq = 30 if quick else 90
    order = [BACKENDS[i % 3] for i in range(nseq)]
    s = pipe_bench.run_worker({'jobs': [job(b) for b in order], 'concurrency': 1,
                               'deadline_s': 40 if quick else 90}, user, d)
    seq = {b: [] for b in BACKENDS}
    cpu = {b: [] for b in BACKENDS}
    exits = {b: {} for b in BACKENDS}
    for b, r in zip(order, s['results']):
        if not r:
            continue
        exits[b][r[1]] = exits[b].get(r[1], 0) + 1
        if r[1] == 0:
            seq[b].append(r[0])
            cpu[b].append(r[2])
            accepted[b] += 1
    # (2) 8 and 32 at once
    rates = {}
    for conc in (8, 32):
        for b in BACKENDS:
            n = (150 if quick else 400) * (1 if conc == 8 else 2)
            c = pipe_bench.run_worker({'jobs': [job(b) for _ in range(n)], 'concurrency': conc,
                                       'deadline_s': 25 if quick else 45}, user, d)
            ok = [r for r in c['results'] if r and r[1] == 0]
            for r in c['results']:
                if r:
                    exits[b][r[1]] = exits[b].get(r[1], 0) + 1
            accepted[b] += len(ok)
            rates[(b, conc)] = (len(ok) / c['wall_s'], len(ok), c['wall_s'],
                                quantile([r[0] for r in ok], 0.99) if ok else 0)
    rows = {b: rows_of(dbs[b][0], direct[b]) for b in BACKENDS}

    med = {b: median(seq[b]) for b in BACKENDS}
    raw = {'sequential_median_s': med, 'cpu_median_s': {b: median(cpu[b]) for b in BACKENDS},
           'rates': {f'{b} x{c}': v for (b, c), v in rates.items()}, 'exit_statuses': exits,
           'rows': rows, 'accepted': accepted}
    out_rows = []
    for b in BACKENDS:
        out_rows.append([f'{b}: one bounce at a time, median (90th percentile)',
                         f'{fmt_ms(med[b])} ({fmt_ms(quantile(seq[b], 0.9))})',
                         f'{len(seq[b])} bounces; CPU {fmt_ms(median(cpu[b]))}'
                         + ('' if b == 'SQLite' else f'; {fmt_ratio(med[b] / med["SQLite"])} SQLite')])
    for conc in (8, 32):
        for b in BACKENDS:
            r, n, wall, p99 = rates[(b, conc)]
            out_rows.append([f'{b}: {conc} rebound-pipe at once, sustained', fmt_rate(r),
                             f'{n} bounces in {wall:.1f} s; 99th percentile per bounce {fmt_ms(p99)}'
                             + ('' if b == 'SQLite' else
                                f'; {fmt_ratio(r / rates[("SQLite", conc)][0])} SQLite\'s rate')])
    md = [f'The same rebound-pipe, the same Postfix-style DSNs ({naddr} recipients in turn, each bounce its own '
          'queue id), as user nobody, on three stores in one run: a fresh SQLite file in the temporary '
          'directory (WAL, synchronous=FULL); a private PostgreSQL 15 started in the temporary directory '
          '(tests/lib/pgsql.sh: unix socket, fsync on, synchronous_commit on), each process connecting to it; '
          'and the same server through pgbouncer 1.18 in transaction mode (a unix socket; what docs/install.md '
          'has each MTA run). One at a time the three take turns, bounce by bounce.\n',
          table(['measure', 'figure', 'notes'], out_rows),
          '\nCheck: ' + '; '.join(f'{b}: exits {", ".join(f"{k}: {v}" for k, v in sorted(exits[b].items()))}, '
                                  f'{rows[b]} rows for {accepted[b]} bounces accepted'
                                  + ('' if rows[b] == accepted[b] else ' **(MISMATCH)**') for b in BACKENDS) + '.']

    if quick and 'BENCH_STORE_ROWS' not in os.environ:
        md.append('\nThe million-bounce figures are not measured with BENCH_QUICK=1.')
        return '\n'.join(md), raw
    return million(ctx, d, admin, secret, user, sqldir, pipe, rebound, rps, msgs, md, raw)


def million(ctx, d, admin, secret, user, sqldir, pipe, rebound, rps, msgs, md, raw):
    """(3) the store at a million bounces, per backend."""
    naddr = len(rps)
    raw['million'] = {}
    big_dbs = {'SQLite': ('sqlite', os.path.join(sqldir, 'million.db')),
               'PostgreSQL': ('pgsql', admin.replace('dbname=postgres', 'dbname=million'))}
    psql(admin, 'CREATE DATABASE million')
    for b, (kind, database) in big_dbs.items():
        conf = write_conf(d, f'm{kind}', database, secret)
        os.chown(conf, user.pw_uid, user.pw_gid)
        # the schema, made as rebound-pipe makes it
        p = subprocess.run(['runuser', '-u', 'nobody', '--', rebound, '-c', conf, 'init'], capture_output=True,
                           text=True, timeout=120)
        if p.returncode != 0:
            raise RuntimeError(f'rebound init on {b}: {p.stderr.strip()}')
        load_s = fill(kind, database, user)
        r = {'load_s': load_s}
        r['stats'] = cli_times(rebound, conf, ['stats'], 5)
        r['stats --since 1d'] = cli_times(rebound, conf, ['stats', '--since', '1d'], 5)
        r['list'] = cli_times(rebound, conf, ['list'], 5)
        r['list --since 1d --limit 10'] = cli_times(rebound, conf, ['list', '--since', '1d', '--limit', '10'], 5)
        r['show'] = cli_times(rebound, conf, ['show', 'user123@d123.example'], 5)
        r['suppressed'] = cli_times(rebound, conf, ['suppressed'], 3)
        r['startup'] = cli_times(rebound, conf, ['config', 'check'], 5)
        # purge of the oldest 10% (90 of 100 days kept) while 8 pipes record,
        # after as long a run of the same 8 pipes without it (the baseline:
        # how long a bounce takes on this machine now, without the purge)
        before = rows_of(kind, database)
        serial = [0]

        def pipes(seconds=None, during=None):
            """8 rebound-pipe at once until stopped: after seconds, or when
            during() returns; their (seconds, exit) results"""
            pj = [[[pipe, '-c', conf, '-q', f'6Z{serial[0] + i:08X}', rps[(serial[0] + i) % naddr]],
                   msgs[(serial[0] + i) % naddr]] for i in range(20000)]
            stop = os.path.join(d, f'stop-{kind}-{serial[0]}')
            worker = subprocess.Popen(['runuser', '-u', 'nobody', '--', sys.executable,
                                       '-B', os.path.join(d, 'pipe_worker.py')],
                                      stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
            worker.stdin.write(json.dumps({'jobs': pj, 'concurrency': 8, 'deadline_s': 900, 'stop_file': stop}))
            worker.stdin.close()
            time.sleep(1.0)
            value = during() if during else time.sleep(seconds)
            time.sleep(0.5)
            with open(stop, 'w'):
                pass
            out = json.loads(worker.stdout.read())
            worker.wait()
            done = [x for x in out['results'] if x]
            serial[0] += len(done)
            return done, value

        def purge():
            t0 = time.monotonic()
            pr = subprocess.run([rebound, '-c', conf, 'purge', '--older-than', f'{DAYS * 9 // 10}d'],
                                capture_output=True, text=True, timeout=1200)
            if pr.returncode != 0:
                raise RuntimeError(f'purge on {b}: {pr.stderr.strip()}')
            return time.monotonic() - t0

        base, _ = pipes(seconds=10)
        done, r['purge'] = pipes(during=purge)
        r['pipes'] = len(done)
        r['pipes_75'] = sum(1 for x in done if x[1] == 75)
        r['pipes_other'] = sum(1 for x in done if x[1] not in (0, 75))
        r['pipe_max_s'] = max(x[0] for x in done) if done else 0
        r['pipe_median_s'] = median([x[0] for x in done]) if done else 0
        r['rows_during'] = sum(1 for x in done if x[1] == 0)
        r['base_max_s'] = max(x[0] for x in base) if base else 0
        r['base_median_s'] = median([x[0] for x in base]) if base else 0
        r['base_rows'] = sum(1 for x in base if x[1] == 0)
        r['base_75'] = sum(1 for x in base if x[1] == 75)
        r['purged'] = before + r['base_rows'] + r['rows_during'] - rows_of(kind, database)
        raw['million'][b] = r
    md.append(f'\n### The store at a million bounces\n\n{N_BOUNCES:,} bounces over {DAYS} days for {N_ADDRS:,} '
              f'addresses ({N_ADDRS // 10:,} suppressed), loaded by SQL into each backend (not through '
              'rebound-pipe; the counts table filled by its triggers), then each command timed from spawn to exit '
              '(median of 5, `suppressed` of 3), output to /dev/null; PostgreSQL straight to the server. '
              'The start-up floor is what any command costs here before it reads the database (loading the '
              'libraries, the configuration): the figures include it.\n')
    brow = []
    for key in ['startup', 'stats', 'stats --since 1d', 'list', 'list --since 1d --limit 10', 'show', 'suppressed',
                'purge']:
        label = {'purge': f'`rebound purge --older-than {DAYS * 9 // 10}d` (the oldest 10%)',
                 'startup': 'floor: `rebound config check` (start-up, no database)'}.get(key, f'`rebound {key}`')
        brow.append([label] + [fmt_ms(raw['million'][b][key]) for b in big_dbs])
    brow.append(['bounces deleted by the purge'] + [f'{raw["million"][b]["purged"]:,}' for b in big_dbs])
    brow.append(['8 rebound-pipe for 10 s before the purge (baseline): bounces recorded, longest (median) per '
                 'bounce, exit 75']
                + [f'{raw["million"][b]["base_rows"]}, {fmt_ms(raw["million"][b]["base_max_s"])} '
                   f'({fmt_ms(raw["million"][b]["base_median_s"])}), {raw["million"][b]["base_75"]}'
                   for b in big_dbs])
    brow.append(['8 rebound-pipe during the purge: bounces recorded, longest (median) per bounce, exit 75']
                + [f'{raw["million"][b]["rows_during"]}, {fmt_ms(raw["million"][b]["pipe_max_s"])} '
                   f'({fmt_ms(raw["million"][b]["pipe_median_s"])}), {raw["million"][b]["pipes_75"]}'
                   + (f', other exits {raw["million"][b]["pipes_other"]}' if raw["million"][b]["pipes_other"] else '')
                   for b in big_dbs])
    brow.append(['longest bounce during the purge beyond the baseline\'s longest (what the purge made a pipe wait, '
                 'at most)']
                + [fmt_ms(max(0.0, raw['million'][b]['pipe_max_s'] - raw['million'][b]['base_max_s']))
                   for b in big_dbs])
    brow.append(['loading the million (SQL)'] + [f'{raw["million"][b]["load_s"]:.0f} s' for b in big_dbs])
    md.append(table(['command'] + list(big_dbs), brow))
    goal = []
    for b in big_dbs:
        m = raw['million'][b]
        over = [k for k in ['stats', 'list --since 1d --limit 10', 'show', 'suppressed'] if m[k] >= 0.1]
        wait = max(0.0, m['pipe_max_s'] - m['base_max_s'])
        goal.append(f'{b}: ' + ('every one under 100 ms' if not over else
                                'over 100 ms: ' + ', '.join(f'`{k}` {fmt_ms(m[k])}' for k in over))
                    + f' (start-up floor {fmt_ms(m["startup"])}); the purge added at most {fmt_ms(wait)} to a '
                    f'bounce ({"met" if wait <= 1.0 else "missed"}), exit 75: {m["pipes_75"]}')
    md.append('\nGoal at a million bounces: `stats`, `list` with a limit or window, `show` and `suppressed` under '
              '100 ms; the purge never makes a concurrent rebound-pipe wait longer than 1 s. Measured (wall time, '
              'spawn to exit): ' + '; '.join(goal) + '.')
    return '\n'.join(md), raw
