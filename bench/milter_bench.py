"""milter_bench.py: the milter benchmark of bench/run. smtp-source (10
sessions) into a private Postfix on loopback (bench/postfix_harness.py)
that relays to smtp-sink, through three smtpd services of the same
instance: no milter, rebound-milter on a unix socket, rebound-milter on an
inet socket, and the same two through bench/peers/trivial-milter.c (the
least a sender-rewriting libmilter milter can do: the ceiling libmilter
and Postfix leave). Runs alternate between them (rotating order) and the
queue is drained between runs; the rate is messages queued per second of
smtp-source's wall time. Postfix's log tells how many messages were queued
and how many carry a VERP return path (rewritten by the milter).

Two more things per run, to show where the milter's cost goes: the CPU
time (user + system) of every process involved, per message, by process
(Postfix's processes from /proc, children of its master by name; those
that exit during a run through the master's cutime; the milters; smtp-sink;
smtp-source from wait4), from the start of smtp-source until the queue is
drained; and a connection-reuse case (`smtp-source -d`: each session sends
all its messages over one SMTP connection, as list software usually does),
labelled as such: the issue's goal is measured without it, one message per
connection, where every message pays a new milter connection."""
import os
import pwd
import re
import secrets
import signal
import subprocess
import time

from benchlib import NotMeasured, free_port, fmt_rate, median, table
from postfix_harness import Postfix, Sink, wait_port

SENDER = 'list@example.org'
CLK_TCK = os.sysconf('SC_CLK_TCK')
# the label of a connection-reuse row ends so
REUSE = ', connection reuse (smtp-source -d)'
RCPT = 'rcpt@remote.example'
QMGR_FROM = re.compile(r'qmgr\[\d+\]: [0-9A-Za-z]+: from=<([^>]*)>')


def config_milter_lines(top):
    """The milter_* settings of postfix-config/main.cf (what users are told
    to use), without milter_default_action (the harness sets tempfail)."""
    path = os.path.join(top, 'postfix-config', 'main.cf')
    out = []
    try:
        with open(path) as f:
            lines = f.read().splitlines()
    except OSError:
        return out
    for line in lines:
        m = re.match(r'^(milter_[a-z_]+)\s*=(.*)$', line)
        if m and m.group(1) != 'milter_default_action':
            out.append(line)
    return out


def build_trivial(top, d):
    """Compile bench/peers/trivial-milter.c; its path, or None."""
    out = os.path.join(d, 'trivial-milter')
    p = subprocess.run(['cc', '-std=c11', '-D_GNU_SOURCE', '-O2', '-o', out,
                        os.path.join(top, 'bench', 'peers', 'trivial-milter.c'), '-lmilter', '-pthread'],
                       capture_output=True, text=True, timeout=120)
    return out if p.returncode == 0 else None


class Milter:
    def __init__(self, binary, d, name, socket_spec, user, argv=None):
        """rebound-milter with a config of its own, or (argv given) a peer
        milter started with that argv."""
        self.binary, self.d, self.name, self.spec = binary, d, name, socket_spec
        self.proc = None
        self.logf = None
        self.log = os.path.join(d, f'milter-{name}.log')
        self.argv = argv
        if argv:
            return
        secret = os.path.join(d, f'secret-{name}')
        with open(secret, 'w') as f:
            f.write(secrets.token_hex(32) + '\n')
        os.chmod(secret, 0o600)
        self.conf = os.path.join(d, f'rebound-{name}.conf')
        with open(self.conf, 'w') as f:
            f.write('# written by bench/milter_bench.py\n'
                    'return_domain = bounce.example.org\n'
                    f'secret_file = {secret}\n'
                    f'database = {d}/db/rebound.db\n'
                    f'milter_socket = {socket_spec}\n'
                    f'user = {user.pw_name}\n'
                    f'pid_file = {d}/milter-{name}.pid\n'
                    f'list_senders = {SENDER}\n')
        if os.geteuid() == 0:
            for p in (secret, self.conf):
                os.chown(p, user.pw_uid, user.pw_gid)

    def start(self):
        self.logf = open(self.log, 'w')
        self.proc = subprocess.Popen(self.argv or [self.binary, '-c', self.conf, '-f'], stdout=self.logf,
                                     stderr=subprocess.STDOUT, start_new_session=True)
        end = time.monotonic() + 15
        while time.monotonic() < end:
            if self.proc.poll() is not None:
                raise RuntimeError(f'rebound-milter ({self.name}) exited {self.proc.returncode}: '
                                   + self.tail())
            if self.ready():
                return
            time.sleep(0.05)
        raise RuntimeError(f'rebound-milter ({self.name}) does not listen on {self.spec}: ' + self.tail())

    def ready(self):
        if self.spec.startswith('unix:'):
            return os.path.exists(self.spec[5:])
        port = int(self.spec[5:].split('@')[0])
        return wait_port(port, 0.2)

    def tail(self):
        try:
            with open(self.log, errors='replace') as f:
                return f.read()[-400:].strip()
        except OSError:
            return ''

    def stop(self):
        """SIGTERM, wait (libmilter may take seconds), then SIGKILL."""
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        if self.logf:
            self.logf.close()
            self.logf = None


def proc_cpu():
    """{pid: (name, ppid, CPU ticks user + system, children's ticks)}
    for every process (a multithreaded process counts all its threads,
    also ended ones)."""
    out = {}
    for p in os.listdir('/proc'):
        if not p.isdigit():
            continue
        try:
            with open(f'/proc/{p}/stat') as f:
                s = f.read()
        except OSError:
            continue
        name = s[s.index('(') + 1:s.rindex(')')]
        f = s[s.rindex(')') + 2:].split()
        out[int(p)] = (name, int(f[1]), int(f[11]) + int(f[12]), int(f[13]) + int(f[14]))
    return out


def cpu_delta(a, b, master, roots):
    """CPU seconds by process group between snapshots a and b. roots: {pid:
    label} of long-running processes (milters, sink). Postfix: the master
    and its children by name; a child that exited in between is counted
    through the master's children's time (cutime + cstime), less what it
    had used at snapshot a."""
    res = {}

    def add(label, ticks):
        res[label] = res.get(label, 0.0) + ticks / CLK_TCK

    for pid, label in roots.items():
        if pid in a and pid in b:
            add(label, b[pid][2] - a[pid][2])
    if master in a and master in b:
        add('Postfix master', b[master][2] - a[master][2])
        exited = b[master][3] - a[master][3]
        for pid, (name, ppid, ticks, _) in b.items():
            if ppid == master:
                add(f'Postfix {name}', ticks - (a[pid][2] if pid in a and a[pid][1] == master else 0))
        for pid, (name, ppid, ticks, _) in a.items():
            if ppid == master and (pid not in b or b[pid][1] != master):
                exited -= ticks
        add('Postfix, processes that exited during the run', exited)
    return res


def count_log(text):
    queued = rewritten = 0
    for m in QMGR_FROM.finditer(text):
        queued += 1
        if m.group(1).lower().endswith('@bounce.example.org'):
            rewritten += 1
    rejected = len(re.findall(r'NOQUEUE: (?:milter-)?reject|milter-reject', text))
    return queued, rewritten, rejected


CPU_GROUPS = [
    ('smtp-source', ('smtp-source',)),
    ('Postfix smtpd', ('Postfix smtpd',)),
    ('Postfix cleanup', ('Postfix cleanup',)),
    ('Postfix smtp (to the sink)', ('Postfix smtp',)),
    ('other Postfix (master, qmgr, trivial-rewrite, postlogd, ..., exited)', None),
    ('smtp-sink', ('smtp-sink',)),
    ('milter', ('rebound-milter', 'trivial milter (peer)')),
]


def cpu_table(configs, runs):
    """Markdown: CPU milliseconds per message by process group, median over
    the runs of each configuration."""
    names = [n for n, _, _ in configs if runs[n] and runs[n][0].get('cpu_s') is not None]
    if not names:
        return ''
    named = [k for _, ks in CPU_GROUPS if ks for k in ks]

    def group(cpu, keys):
        if keys is None:
            return sum(v for k, v in cpu.items() if k.startswith('Postfix') and k not in named)
        return sum(cpu.get(k, 0.0) for k in keys)

    rows = []
    for n in names:
        rs = runs[n]
        per = [[group(x['cpu_s'], keys) / max(x['queued'], 1) * 1000 for x in rs] for _, keys in CPU_GROUPS]
        tot = [sum(x['cpu_s'].values()) / max(x['queued'], 1) * 1000 for x in rs]
        rows.append([n] + [f'{median(v):.2f}' for v in per] + [f'{median(tot):.2f}',
                     f'{2000 / median(tot):.0f}'])
    return ('\nCPU time (user + system) per message by process, milliseconds, median over the runs '
            '(from the start of smtp-source until the queue is drained; /proc, clock ticks of '
            f'{1000 // CLK_TCK} ms). '
            '"2 cores / CPU" is the rate the total CPU time would allow if both cores did nothing else '
            'and nothing waited.\n\n'
            + table(['configuration'] + [g for g, _ in CPU_GROUPS] + ['total', '2 cores / CPU (msg/s)'], rows))


def run(ctx):
    top, build, tmp, quick = ctx['top'], ctx['build'], ctx['tmp'], ctx['quick']
    if os.geteuid() != 0:
        raise NotMeasured('Postfix needs root; run `make bench` as root')
    for prog in ('/usr/sbin/smtp-source', '/usr/sbin/smtp-sink', '/usr/sbin/postfix'):
        if not os.access(prog, os.X_OK):
            raise NotMeasured(f'{prog} not installed (Debian package postfix)')
    binary = os.path.join(build, 'bin', 'rebound-milter')
    have_milter = os.access(binary, os.X_OK)
    # rebound-milter drops root to its `user` and makes its unix socket 0660
    # for that user: running it as postfix lets Postfix's smtpd connect.
    user = pwd.getpwnam('postfix')
    d = os.path.join(tmp, 'milter')
    os.mkdir(d, 0o755)
    cleanups = ctx['cleanups']

    trivial = build_trivial(top, d)
    # (label, milter name or None, socket kind)
    plan = [('no milter', None, None)]
    if trivial:
        plan += [('trivial milter (peer), unix socket', 'trivial', 'unix'),
                 ('trivial milter (peer), inet socket', 'trivial', 'inet')]
    if have_milter:
        plan += [('rebound-milter, unix socket', 'rebound', 'unix'),
                 ('rebound-milter, inet socket', 'rebound', 'inet')]
    # message mode: 2 recipients per message, the milter writes the store
    mm = [('no milter, 2 recipients per message', 'no milter'),
          ('rebound-milter, unix socket, 2 recipients per message (message mode)', 'rebound-milter, unix socket')]
    dbdir = os.path.join(d, 'db')
    os.mkdir(dbdir, 0o700)
    if os.geteuid() == 0:
        os.chown(dbdir, user.pw_uid, user.pw_gid)
    sink_port = free_port()
    services, milters, configs = [], [], []
    for i, (label, who, kind) in enumerate(plan):
        port = free_port()
        if who is None:
            services.append((f'svc{i}', port, ['smtpd_milters=']))
        else:
            if kind == 'unix':
                spec = f'unix:{d}/{who}.sock'
                pf_spec = spec
            else:
                mport = free_port()
                spec, pf_spec = f'inet:{mport}@127.0.0.1', f'inet:127.0.0.1:{mport}'
            name = f'{who}-{kind}'
            if who == 'trivial':
                milters.append(Milter(trivial, d, name, spec, user,
                                      argv=[trivial, spec, 'bounces+trivial=remote.example@bounce.example.org']))
            else:
                milters.append(Milter(binary, d, name, spec, user))
            services.append((f'svc{i}', port, [f'smtpd_milters={pf_spec}']))
        configs.append((label, port, 1))
    byname = {c[0]: c[1] for c in configs}
    if have_milter:
        configs += [(label, byname[base], 2) for label, base in mm]
        # connection reuse: not the configuration, an extra row
        configs += [(base + REUSE, byname[base], 1) for base in ('no milter', 'rebound-milter, unix socket')]
    extra = config_milter_lines(top)
    sink = Sink(sink_port)
    cleanups.append(sink.stop)
    sink.start()
    pf = Postfix(os.path.join(d, 'postfix'), sink_port, services, extra)
    cleanups.append(pf.stop)
    pf.start()
    for m in milters:
        cleanups.append(m.stop)
        m.start()

    nmsg = 300 if quick else 800
    rounds = 1 if quick else 4
    deadline = time.monotonic() + (150 if quick else 330)
    master = pf.master_pid()
    roots = {sink.proc.pid: 'smtp-sink'}
    for m in milters:
        roots[m.proc.pid] = 'trivial milter (peer)' if m.argv else 'rebound-milter'
    sout = os.path.join(d, 'smtp-source.out')
    runs = {c[0]: [] for c in configs}
    fails = []
    # one short warm-up run through each service (not counted)
    for name, port, nr in configs:
        subprocess.run(['/usr/sbin/smtp-source', '-s', '2', '-m', '20', '-r', str(nr), '-f', SENDER, '-t', RCPT,
                        f'127.0.0.1:{port}'], capture_output=True, timeout=60)
    pf.wait_empty(60)
    for r in range(rounds):
        t_round = time.monotonic()
        order = configs[r % len(configs):] + configs[:r % len(configs)]
        for name, port, nr in order:
            off = pf.log_size()
            argv = ['/usr/sbin/smtp-source', '-s', '10', '-m', str(nmsg), '-r', str(nr), '-f', SENDER,
                    '-t', RCPT, f'127.0.0.1:{port}']
            if name.endswith(REUSE):
                argv.insert(1, '-d')
            snap0 = proc_cpu()
            t0 = time.perf_counter()
            with open(sout, 'w') as so:
                p = subprocess.Popen(argv, stdout=so, stderr=subprocess.STDOUT)
                try:
                    _, status, ru = os.wait4(p.pid, 0)
                    p.returncode = os.waitstatus_to_exitcode(status)
                except BaseException:
                    p.kill()
                    p.wait()
                    raise
            wall = time.perf_counter() - t0
            drained = pf.wait_empty(120)
            snap1 = proc_cpu()
            time.sleep(0.5)  # let postlogd write the last lines
            queued, rewritten, rejected = count_log(pf.log_since(off))
            cpu = cpu_delta(snap0, snap1, master, roots)
            cpu['smtp-source'] = ru.ru_utime + ru.ru_stime
            runs[name].append({'wall_s': wall, 'queued': queued, 'rewritten': rewritten, 'rejected': rejected,
                               'rate': queued / wall, 'source_exit': p.returncode, 'drained': drained,
                               'cpu_s': cpu, 'load1': os.getloadavg()[0]})
            if p.returncode != 0 or queued != nmsg:
                with open(sout, errors='replace') as so:
                    err = so.read().strip()
                fails.append(f'{name}: smtp-source exit {p.returncode}, {queued} of {nmsg} queued'
                             + (f' ({err[-200:]})' if err else ''))
        # stop when another round would pass the time bound (every
        # configuration keeps the same number of runs)
        if r >= 1 and time.monotonic() + (time.monotonic() - t_round) > deadline:
            break

    res = {}
    base = median([x['rate'] for x in runs['no milter']])
    base2 = median([x['rate'] for x in runs[mm[0][0]]]) if have_milter else float('nan')
    base_reuse = median([x['rate'] for x in runs['no milter' + REUSE]]) if have_milter else float('nan')
    rows = []
    for name, _, nr in configs:
        rs = runs[name]
        rate = median([x['rate'] for x in rs])
        ref = base_reuse if name.endswith(REUSE) else base if nr == 1 else base2
        res[name] = {'runs': rs, 'median_rate': rate}
        q = sum(x['queued'] for x in rs)
        w = sum(x['rewritten'] for x in rs)
        rows.append([name, fmt_rate(rate), ', '.join(fmt_rate(x['rate']) for x in rs),
                     '-' if name.startswith('no milter') else
                     f'{rate / ref * 100:.0f}%',
                     f'{q} / {w}'])
    md = [f'`smtp-source -s 10 -m {nmsg}` (one recipient per message unless said) into Postfix '
          f'{pf.postconf("-h", "mail_version").strip()} on 127.0.0.1, relaying to `smtp-sink`; '
          f'{len(runs["no milter"])} runs per configuration, alternating, the queue drained between runs; '
          'rate = messages queued / smtp-source wall time. Everything (Postfix, sink, source, milter) '
          f'shares the {os.cpu_count()} cores. Milter settings from postfix-config/main.cf: '
          + (', '.join(f'`{x}`' for x in extra) if extra else 'none (Postfix defaults)') + '.\n',
          table(['configuration', 'median msg/s', 'runs (msg/s)', 'of no-milter rate',
                 'queued / with a VERP return path'], rows),
          '\n"of no-milter rate" compares with the no-milter runs of the same number of recipients '
          '(connection-reuse rows: with the no-milter connection-reuse runs).']
    if not trivial:
        md.append('\nNot measured: the trivial milter (bench/peers/trivial-milter.c did not compile).')
    if trivial and have_milter:
        for kind in ('unix', 'inet'):
            r = res[f'rebound-milter, {kind} socket']['median_rate'] / res[f'trivial milter (peer), {kind} socket'][
                'median_rate']
            md.append(f'\nrebound-milter against the trivial milter, {kind} socket: {r * 100:.0f}%.')
    if have_milter:
        ru = res['rebound-milter, unix socket']['median_rate'] / base
        ri = res['rebound-milter, inet socket']['median_rate'] / base
        rm = median([x['rate'] for x in runs[mm[1][0]]]) / base2
        md.append(f'\nGoal: at least 90% of the no-milter rate over a unix socket. Measured: {ru * 100:.0f}% '
                  + ('(met).' if ru >= 0.9 else f'(missed by {(0.9 - ru) * 100:.0f} points).')
                  + f' Inet socket: {ri * 100:.0f}%. Message mode (unix socket, 2 recipients): {rm * 100:.0f}%.')
    else:
        md.append('\nNot measured with the milter: rebound-milter not built (the no-milter rate above is '
                  'the baseline only).')
    reuse = [name for name, _, _ in configs if name.endswith(REUSE)]
    if reuse and all(runs[n] for n in reuse):
        b, m = (median([x['rate'] for x in runs[n]]) for n in reuse)
        md.append(f'\nConnection reuse (`smtp-source -d`, each of the 10 sessions sends its {nmsg // 10} '
                  'messages over one SMTP connection; Postfix keeps one milter connection per SMTP connection): '
                  f'rebound-milter over a unix socket at {m / b * 100:.0f}% of the no-milter rate with reuse. '
                  'This is not the configuration of the goal above (one connection per message).')
    md.append(cpu_table(configs, runs))
    if have_milter and trivial:
        def cpu_per_msg(name, key=None):
            xs = [(x['cpu_s'].get(key, 0.0) if key else sum(x['cpu_s'].values())) / max(x['queued'], 1) * 1000
                  for x in runs[name]]
            return median(xs)
        c0, c1 = cpu_per_msg('no milter'), cpu_per_msg('rebound-milter, unix socket')
        m1 = cpu_per_msg('rebound-milter, unix socket', 'rebound-milter')
        mt = cpu_per_msg('trivial milter (peer), unix socket', 'trivial milter (peer)')
        md.append(f'\nWhy (unix socket, one connection per message), medians of this run: the rebound-milter '
                  f'process uses {m1:.2f} ms of CPU per message and the trivial milter {mt:.2f} ms (libmilter\'s '
                  'per-connection work, docs/postfix.md "Where the cost of a milter goes"); all processes together '
                  f'{c0:.2f} ms per message without a milter and {c1:.2f} ms with rebound-milter (this total also '
                  'moves with how Postfix batches deliveries to the sink and with other load on the machine: '
                  'compare it across runs with care).')
    md.append(f'\nLoad average (1 min) at the end of each run: median '
              f'{median([x["load1"] for rs in runs.values() for x in rs]):.1f}, '
              f'max {max(x["load1"] for rs in runs.values() for x in rs):.1f} (this benchmark itself '
              'keeps both cores busy: about 2).')
    if fails:
        md.append('\nRuns with errors: ' + '; '.join(fails[:6]))
    return '\n'.join(md), {'configs': res, 'fails': fails, 'postfix_extra': extra}
