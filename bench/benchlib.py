"""benchlib.py: what the benchmark sections of bench/run share: running a
program with its standard input from a file and measuring its wall time and
peak memory (wait4 rusage), simple statistics, free loopback ports, the
machine description, and the "not measured" convention. Python 3 standard
library only."""
import os
import platform
import re
import socket
import statistics
import subprocess
import tempfile
import time


class NotMeasured(Exception):
    """A benchmark that cannot run: the message says why ("rebound-pipe not
    built"). bench/run prints it in place of the figures."""


def spawn_timed(argv, stdin_path=None, stdout_path=os.devnull, env=None):
    """Run argv (argv[0] a path) with stdin from stdin_path (or /dev/null)
    and stdout to stdout_path, stderr to /dev/null. Returns (seconds,
    exit status, CPU seconds: user + system of the child). The time covers
    spawn to reap, as a pipe(8) delivery pays it; the CPU time is what it
    would take on an idle machine, less sensitive to other load. (No memory figure here: with posix_spawn the child's max RSS
    from wait4 includes this Python process's, see spawn_rss.)"""
    return spawn_run(argv, stdin_path, stdout_path, env)[:3]


def spawn_run(argv, stdin_path=None, stdout_path=os.devnull, env=None):
    """spawn_timed's (seconds, exit status, CPU seconds) and the child's
    minor page faults (wait4's ru_minflt: counted from exec on, as the
    posix_spawn child shares this process's memory until then)."""
    actions = [
        (os.POSIX_SPAWN_OPEN, 0, stdin_path or os.devnull, os.O_RDONLY, 0),
        (os.POSIX_SPAWN_OPEN, 1, stdout_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600),
        (os.POSIX_SPAWN_OPEN, 2, os.devnull, os.O_WRONLY, 0),
    ]
    t0 = time.perf_counter()
    pid = os.posix_spawn(argv[0], argv, env if env is not None else os.environ, file_actions=actions)
    _, status, ru = os.wait4(pid, 0)
    t1 = time.perf_counter()
    return t1 - t0, os.waitstatus_to_exitcode(status), ru.ru_utime + ru.ru_stime, ru.ru_minflt


GNU_TIME = '/usr/bin/time'


def spawn_rss(argv, stdin_path=None):
    """Peak memory (max RSS, KiB) of argv run with stdin from stdin_path,
    measured by GNU time (Debian package time): Linux counts the memory a
    process had before exec in its max RSS, so the program must be started
    by a small process, not by Python. None if GNU time is missing or the
    program failed."""
    if not os.access(GNU_TIME, os.X_OK):
        return None
    fd, out = tempfile.mkstemp(prefix='rss.')
    os.close(fd)
    try:
        _, rc, _ = spawn_timed([GNU_TIME, '-f', '%M', '-o', out, *argv], stdin_path)
        with open(out) as f:
            text = f.read().split()
        return int(text[-1]) if rc == 0 and text else None
    except (OSError, ValueError):
        return None
    finally:
        os.unlink(out)


def median(xs):
    return statistics.median(xs) if xs else float('nan')


def quantile(xs, q):
    """The q-quantile (0..1) of xs by linear interpolation."""
    if not xs:
        return float('nan')
    s = sorted(xs)
    pos = (len(s) - 1) * q
    lo = int(pos)
    hi = min(lo + 1, len(s) - 1)
    return s[lo] + (s[hi] - s[lo]) * (pos - lo)


def free_port():
    """A TCP port on 127.0.0.1 that is free now (the kernel picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def run_out(argv, **kw):
    """stdout of argv as text, or "" if it cannot run."""
    try:
        return subprocess.run(argv, capture_output=True, text=True, timeout=30, **kw).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return ''


def pkg_version(name):
    v = run_out(['dpkg-query', '-W', '-f=${Version}', name])
    return v or 'not installed'


def machine():
    """Facts about the machine and the software measured, as (label, value)."""
    model = ''
    try:
        with open('/proc/cpuinfo') as f:
            for line in f:
                if line.startswith('model name'):
                    model = line.split(':', 1)[1].strip()
                    break
    except OSError:
        pass
    mem = ''
    try:
        with open('/proc/meminfo') as f:
            for line in f:
                if line.startswith('MemTotal:'):
                    kib = int(line.split()[1])
                    mem = f'{kib / 1024 / 1024:.1f} GiB'
                    break
    except OSError:
        pass
    debian = ''
    try:
        with open('/etc/debian_version') as f:
            debian = f.read().strip()
    except OSError:
        pass
    load = ' '.join(f'{x:.2f}' for x in os.getloadavg())
    cc = run_out(['cc', '--version']).splitlines()
    perl = run_out(['perl', '-e', 'print $^V'])
    return [
        ('CPU', model or platform.processor() or 'unknown'),
        ('cores (online)', str(os.cpu_count())),
        ('memory', mem),
        ('kernel', platform.release()),
        ('Debian', debian),
        ('load average at start (1, 5, 15 min)', load),
        ('compiler', cc[0] if cc else 'unknown'),
        ('perl / Sisimai (libsisimai-perl)', f'{perl} / {pkg_version("libsisimai-perl")}'),
        ('python3 / flufl.bounce (python3-flufl.bounce)',
         f'{platform.python_version()} / {pkg_version("python3-flufl.bounce")}'),
        ('Postfix', pkg_version('postfix')),
        ('GMime / SQLite / libmilter',
         f'{pkg_version("libgmime-3.0-0")} / {pkg_version("libsqlite3-0")} / {pkg_version("libmilter1.0.1")}'),
    ]


def fmt_rate(x):
    if x != x:  # nan
        return 'n/a'
    return f'{x:,.0f}' if x >= 100 else f'{x:.1f}'


def fmt_ms(sec):
    if sec != sec:
        return 'n/a'
    ms = sec * 1000
    return f'{ms:.2f} ms' if ms < 10 else f'{ms:.1f} ms'


def fmt_ratio(x):
    if x != x:
        return 'n/a'
    return f'{x:.1f}x' if x < 100 else f'{x:.0f}x'


def fmt_kib(kib):
    if kib is None:
        return 'not measured (GNU time missing, or the run failed)'
    return f'{kib / 1024:.1f} MiB'


def table(header, rows):
    """A Markdown table."""
    out = ['| ' + ' | '.join(header) + ' |', '|' + '|'.join('---' for _ in header) + '|']
    for r in rows:
        out.append('| ' + ' | '.join(str(c) for c in r) + ' |')
    return '\n'.join(out)


def executable(path):
    return os.path.isfile(path) and os.access(path, os.X_OK)


def has_command(binary, *args, expect=None):
    """True if binary runs with args and exits 0 (and its output matches
    the regular expression expect, if given). Used to tell whether a piece
    (e.g. `rebound parse`) is built yet."""
    if not executable(binary):
        return False
    try:
        p = subprocess.run([binary, *args], capture_output=True, text=True, timeout=20)
    except (OSError, subprocess.SubprocessError):
        return False
    if p.returncode != 0:
        return False
    return expect is None or re.search(expect, p.stdout + p.stderr) is not None
