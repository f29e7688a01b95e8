"""pipe_bench.py: the store benchmark of bench/run. rebound-pipe as pipe(8)
runs it, one process per bounce, message on standard input, recipient a
valid VERP return path from `rebound verp encode`: (1) cost per bounce
including the commit, bounces one after another, against `rebound parse
--json` on the same messages (the parse alone, no store) run alternately;
(2) sustained bounces per second with 8 rebound-pipe processes at once.
Afterwards the database must hold exactly one row per bounce that exited 0.
Runs as the unprivileged user `nobody` when started as root (rebound-pipe
refuses root), in a temporary directory with its own config, secret and
database."""
import concurrent.futures
import json
import os
import pwd
import secrets
import shutil
import sqlite3
import subprocess
import sys
import time

from benchlib import NotMeasured, fmt_kib, fmt_ms, fmt_rate, fmt_ratio, median, quantile, table

BOUNCE = """\
Return-Path: <>
Received: from mx.remote.example (mx.remote.example [192.0.2.25])
\tby bounce.example.org (Postfix) with ESMTP id 4Z{qid}
\tfor <{rp}>; Fri, 27 Nov 2026 20:00:00 +0000 (UTC)
Date: Fri, 27 Nov 2026 20:00:00 +0000 (UTC)
From: MAILER-DAEMON@mx.remote.example (Mail Delivery System)
Subject: Undelivered Mail Returned to Sender
To: {rp}
Auto-Submitted: auto-replied
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status;
\tboundary="B{qid}/mx.remote.example"
Message-Id: <20261127200000.B{qid}@mx.remote.example>

This is a MIME-encapsulated message.

--B{qid}/mx.remote.example
Content-Description: Notification
Content-Type: text/plain; charset=us-ascii

This is the mail system at host mx.remote.example.

I'm sorry to have to inform you that your message could not
be delivered to one or more recipients.

<{rcpt}>: host mail.remote.example[192.0.2.26] said: 550 5.1.1
    <{rcpt}>: Recipient address rejected: User unknown in virtual mailbox
    table (in reply to RCPT TO command)

--B{qid}/mx.remote.example
Content-Description: Delivery report
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.remote.example
X-Postfix-Queue-ID: B{qid}
X-Postfix-Sender: rfc822; {rp}
Arrival-Date: Fri, 27 Nov 2026 19:59:59 +0000 (UTC)

Final-Recipient: rfc822; {rcpt}
Original-Recipient: rfc822;{rcpt}
Action: failed
Status: 5.1.1
Remote-MTA: dns; mail.remote.example
Diagnostic-Code: smtp; 550 5.1.1 <{rcpt}>: Recipient address rejected: User
    unknown in virtual mailbox table

--B{qid}/mx.remote.example
Content-Description: Undelivered Message Headers
Content-Type: text/rfc822-headers

Return-Path: <{rp}>
Received: from lists.example.org (lists.example.org [192.0.2.10])
\tby mx.remote.example (Postfix) with ESMTPS id C{qid}
\tfor <{rcpt}>; Fri, 27 Nov 2026 19:59:58 +0000 (UTC)
From: News <news@example.org>
To: <{rcpt}>
Subject: November news
Message-Id: <news-{qid}@lists.example.org>
List-Id: <news.example.org>

--B{qid}/mx.remote.example--
"""


def encode_all(rebound, conf, addrs, seconds):
    """VERP return paths from `rebound verp encode`, one call per address,
    two at a time, for as many of addrs as fit in seconds (at least 40)."""
    argv = [rebound, '-c', conf, 'verp', 'encode']
    end = time.monotonic() + seconds

    def one(a):
        if time.monotonic() > end:
            return None
        p = subprocess.run(argv + [a], capture_output=True, text=True, timeout=60)
        words = p.stdout.split()
        if p.returncode != 0 or len(words) != 1:
            raise NotMeasured('`rebound verp encode` not built (or it failed: '
                              f'exit {p.returncode}: {p.stderr.strip()[:200]})')
        return words[0]

    out = [one(a) for a in addrs[:40]]
    with concurrent.futures.ThreadPoolExecutor(2) as ex:
        out += list(ex.map(one, addrs[40:]))
    out = [x for x in out if x is not None]
    for rp, a in zip(out, addrs):
        if '@bounce.example.org' not in rp.lower():
            raise NotMeasured(f'`rebound verp encode {a}` gave {rp!r}, not a return path in bounce.example.org')
    return out


def fstype(path):
    t = subprocess.run(['findmnt', '-no', 'FSTYPE,SOURCE', '-T', path], capture_output=True, text=True).stdout.split()
    return ' '.join(t) if t else 'an unknown file system'


def fsync_cost(d, n=20):
    """Median seconds of a 4 KiB write + fdatasync in directory d: what a
    commit's durability costs on this file system (a disk cache that
    ignores flushes makes it near zero)."""
    path = os.path.join(d, 'fsync-probe')
    fd = os.open(path, os.O_WRONLY | os.O_CREAT, 0o600)
    ts = []
    try:
        for i in range(n):
            os.pwrite(fd, b'x' * 4096, i * 4096)
            t0 = time.perf_counter()
            os.fdatasync(fd)
            ts.append(time.perf_counter() - t0)
    finally:
        os.close(fd)
        os.unlink(path)
    return median(ts)


def run_worker(spec, user, d):
    """pipe_worker.py as user, from its copy in d (with benchlib.py)."""
    kw = {}
    if os.geteuid() == 0:
        kw = {'user': user.pw_uid, 'group': user.pw_gid, 'extra_groups': []}
    p = subprocess.run([sys.executable, '-B', os.path.join(d, 'pipe_worker.py')],
                       input=json.dumps(spec), capture_output=True, text=True, timeout=600, **kw)
    if p.returncode != 0:
        raise RuntimeError(f'pipe_worker failed: {p.stderr.strip()[-500:]}')
    return json.loads(p.stdout)


def run(ctx):
    build, tmp, quick = ctx['build'], ctx['tmp'], ctx['quick']
    pipe = os.path.join(build, 'bin', 'rebound-pipe')
    rebound = os.path.join(build, 'bin', 'rebound')
    if not os.access(pipe, os.X_OK):
        raise NotMeasured('rebound-pipe not built')
    if not os.access(rebound, os.X_OK):
        raise NotMeasured('rebound (for `rebound verp encode`) not built')
    user = pwd.getpwnam('nobody')
    d = os.path.join(tmp, 'pipe')
    os.mkdir(d, 0o755)
    # copies that nobody can run, also when the checkout is in a private
    # directory (mode 700, such as /root/rebound)
    here = os.path.dirname(os.path.abspath(__file__))
    for src in (os.path.join(build, 'bin', 'rebound-pipe'), os.path.join(build, 'bin', 'rebound'),
                os.path.join(here, 'pipe_worker.py'), os.path.join(here, 'benchlib.py')):
        dst = os.path.join(d, os.path.basename(src))
        shutil.copy2(src, dst)
        os.chmod(dst, 0o755)
    pipe = os.path.join(d, 'rebound-pipe')
    rebound = os.path.join(d, 'rebound')
    secret = os.path.join(d, 'secret')
    with open(secret, 'w') as f:
        f.write(secrets.token_hex(32) + '\n')
    os.chmod(secret, 0o600)
    conf = os.path.join(d, 'rebound.conf')
    db = os.path.join(d, 'rebound.db')
    with open(conf, 'w') as f:
        f.write(f'# written by bench/pipe_bench.py\nreturn_domain = bounce.example.org\n'
                f'secret_file = {secret}\ndatabase = {db}\ndatabase_timeout = 30s\n')
    nseq = 50 if quick else 150
    nconc = 200 if quick else 600
    nwarm = 4
    total = nwarm + nseq + nconc
    addrs = [f'user{i:05d}@remote{i % 7}.example' for i in range(total)]
    rps = encode_all(rebound, conf, addrs, 20 if quick else 45)
    if len(rps) < total:  # a slow machine: fewer bounces, same proportions
        nconc = max(8, (len(rps) - nwarm) * 3 // 4)
        nseq = len(rps) - nwarm - nconc
        total = len(rps)
    msgs = []
    for i, (a, rp) in enumerate(zip(addrs, rps)):
        path = os.path.join(d, f'bounce-{i:05d}.eml')
        with open(path, 'w') as f:
            f.write(BOUNCE.format(qid=f'{i:08X}', rp=rp, rcpt=a).replace('\n', '\n'))
        msgs.append(path)
    if os.geteuid() == 0:
        for p in [d, secret, conf] + msgs:
            os.chown(p, user.pw_uid, user.pw_gid)

    def job(i):
        return [[pipe, '-c', conf, '-q', f'4Z{i:08X}', rps[i]], msgs[i]]

    parse = [rebound, '-c', conf, 'parse', '--json']
    # warm-up: creates the schema (first open migrates), not counted
    w = run_worker({'jobs': [job(i) for i in range(nwarm - 1)], 'concurrency': 1, 'deadline_s': 60,
                    'rss_job': job(nwarm - 1)}, user, d)
    bad = [r for r in w['results'] if r and r[1] != 0]
    if bad:
        raise NotMeasured(f'rebound-pipe did not record a valid bounce (exit {bad[0][1]}; run it by hand on '
                          'bench/pipe_bench.py\'s message to see why)')
    seq = list(range(nwarm, nwarm + nseq))
    s = run_worker({'jobs': [job(i) for i in seq], 'concurrency': 1, 'deadline_s': 45 if not quick else 30,
                    'baseline': [[parse, msgs[i]] for i in seq]}, user, d)
    conc = list(range(nwarm + nseq, total))
    c = run_worker({'jobs': [job(i) for i in conc], 'concurrency': 8, 'deadline_s': 45 if not quick else 30},
                   user, d)

    fs = fsync_cost(d)
    st = [r for r in s['results'] if r]
    bl = [r for r in s['baseline'] if r]
    ct = [r for r in c['results'] if r]
    ok_seq = [r[0] for r in st if r[1] == 0]
    ok_conc = [r for r in ct if r[1] == 0]
    exits = {}
    for r in st + ct:
        exits[r[1]] = exits.get(r[1], 0) + 1
    if not ok_seq or not ok_conc:
        raise NotMeasured(f'rebound-pipe failed on the benchmark bounces (exit statuses {exits})')
    # conc wall time covers only what ran before the deadline
    rate = len(ok_conc) / c['wall_s']

    con = sqlite3.connect(f'file:{db}?mode=ro', uri=True)
    try:
        rows = con.execute('SELECT count(*), count(DISTINCT recipient) FROM bounces').fetchone()
        try:
            ver = con.execute('SELECT count(*) FROM bounces WHERE verified = 1').fetchone()[0]
        except sqlite3.Error:
            ver = None
    finally:
        con.close()
    expect = nwarm + len(ok_seq) + len(ok_conc)
    raw = {'sequential': {'n': len(st), 'ok': len(ok_seq), 'median_s': median(ok_seq),
                          'p90_s': quantile(ok_seq, 0.9),
                          'parse_median_s': median([r[0] for r in bl]),
                          'cpu_median_s': median([r[2] for r in st if r[1] == 0]),
                          'parse_cpu_median_s': median([r[2] for r in bl]),
                          'max_rss_kib': w['rss_kib']},
           'concurrent': {'n': len(ct), 'ok': len(ok_conc), 'wall_s': c['wall_s'], 'per_s': rate,
                          'median_s': median([r[0] for r in ok_conc])},
           'exit_statuses': exits, 'db_rows': rows[0], 'db_recipients': rows[1], 'db_verified': ver,
           'db_rows_expected': expect, 'fdatasync_s': fs}
    sq = raw['sequential']
    rows_md = [
        ['rebound-pipe, one bounce at a time: median per bounce (90th percentile)',
         f'{fmt_ms(sq["median_s"])} ({fmt_ms(sq["p90_s"])})',
         f'{len(ok_seq)} bounces; median CPU (user + system) {fmt_ms(sq["cpu_median_s"])}'],
        ['`rebound parse --json` on the same messages, alternating (parse only, no store)',
         f'{fmt_ms(sq["parse_median_s"])} (CPU {fmt_ms(sq["parse_cpu_median_s"])})',
         f'store and commit add {fmt_ms(sq["median_s"] - sq["parse_median_s"])} '
         f'({fmt_ratio(sq["median_s"] / sq["parse_median_s"])} the parse alone)'],
        ['8 rebound-pipe processes at once: sustained bounces/s',
         fmt_rate(rate), f'{len(ok_conc)} bounces in {c["wall_s"]:.1f} s; median per bounce '
         f'{fmt_ms(raw["concurrent"]["median_s"])}'],
        ['max RSS of one rebound-pipe', fmt_kib(sq['max_rss_kib']), ''],
    ]
    md = [f'Each bounce a Postfix-style DSN (5.1.1, one recipient, {os.path.getsize(msgs[0])} bytes) to its own '
          f'recipient, fed on standard input to `rebound-pipe -c FILE -q QUEUEID RETURN-PATH` with a return path '
          f'from `rebound verp encode`, as user nobody; a fresh SQLite database in a temporary directory on {fstype(d)}; '
          f'each exit 0 is after the commit. A 4 KiB write + fdatasync there takes {fmt_ms(fs)} (median of 20).\n',
          table(['measure', 'figure', 'notes'], rows_md),
          f'\nCheck: exit statuses {", ".join(f"{k}: {v}" for k, v in sorted(exits.items()))}; the bounces table '
          f'holds {rows[0]} rows for {rows[1]} recipients ({ver if ver is not None else "?"} verified), '
          f'expected {expect} (one per bounce that exited 0, warm-up included).']
    if rows[0] != expect:
        md.append(f'\n**The database does not hold one row per accepted bounce ({rows[0]} != {expect}).**')
    return '\n'.join(md), raw
