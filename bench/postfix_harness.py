"""postfix_harness.py: a private Postfix instance for the milter benchmark
(bench/milter_bench.py), after ../shared/notes/postfix-lab.md: its own
config and queue directories under a temporary directory, no chroot,
listening on loopback ports given by the caller, relaying everything to
an smtp-sink on another loopback port, logging to a file (postlogd). Needs
root (Postfix refuses to start otherwise). The caller registers stop() to
run on any exit; stop() is safe to call twice."""
import os
import signal
import socket
import subprocess
import time

MASTER_CF = """\
# master.cf written by bench/postfix_harness.py: Debian's services, no chroot
pickup    unix  n       -       n       60      1       pickup
cleanup   unix  n       -       n       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
tlsmgr    unix  -       -       n       1000?   1       tlsmgr
rewrite   unix  -       -       n       -       -       trivial-rewrite
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
trace     unix  -       -       n       -       0       bounce
verify    unix  -       -       n       -       1       verify
flush     unix  n       -       n       1000?   0       flush
proxymap  unix  -       -       n       -       -       proxymap
proxywrite unix -       -       n       -       1       proxymap
smtp      unix  -       -       n       -       -       smtp
relay     unix  -       -       n       -       -       smtp
showq     unix  n       -       n       -       -       showq
error     unix  -       -       n       -       -       error
retry     unix  -       -       n       -       -       error
discard   unix  -       -       n       -       -       discard
local     unix  -       n       n       -       -       local
virtual   unix  -       n       n       -       -       virtual
lmtp      unix  -       -       n       -       -       lmtp
anvil     unix  -       -       n       -       1       anvil
scache    unix  -       -       n       -       1       scache
postlog   unix-dgram n  -       n       -       1       postlogd
"""


def wait_port(port, seconds):
    """True once 127.0.0.1:port accepts a connection, within seconds."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        try:
            with socket.create_connection(('127.0.0.1', port), timeout=0.5):
                return True
        except OSError:
            time.sleep(0.05)
    return False


class Postfix:
    def __init__(self, base, relay_port, services, main_extra=None):
        """services: [(name, port, [-o settings])], one smtpd each on
        127.0.0.1:port. main_extra: more main.cf lines."""
        self.base = base
        self.conf = os.path.join(base, 'etc')
        self.queue = os.path.join(base, 'spool')
        self.data = os.path.join(base, 'data')
        self.log = os.path.join(base, 'maillog')
        self.services = services
        self.started = False
        for d in (self.conf, self.queue, self.data):
            os.makedirs(d, exist_ok=True)
        subprocess.run(['chown', 'postfix:postfix', self.data], check=True)
        main = [
            '# main.cf written by bench/postfix_harness.py',
            'compatibility_level = 3.6',
            f'queue_directory = {self.queue}',
            f'data_directory = {self.data}',
            'mail_owner = postfix',
            'setgid_group = postdrop',
            'myhostname = bench.example.org',
            'mydomain = example.org',
            'mydestination =',
            'alias_maps =',
            'alias_database =',
            'local_recipient_maps =',
            'inet_interfaces = loopback-only',
            'inet_protocols = ipv4',
            'mynetworks = 127.0.0.0/8',
            'smtp_dns_support_level = disabled',
            'smtputf8_enable = no',
            'biff = no',
            f'relayhost = [127.0.0.1]:{relay_port}',
            f'maillog_file = {self.log}',
            f'maillog_file_prefixes = {base}',
            'milter_default_action = tempfail',
        ] + list(main_extra or [])
        with open(os.path.join(self.conf, 'main.cf'), 'w') as f:
            f.write('\n'.join(main) + '\n')
        lines = [MASTER_CF]
        for name, port, opts in services:
            lines.append(f'127.0.0.1:{port} inet n - n - - smtpd\n  -o syslog_name=postfix/{name}\n'
                         + ''.join(f'  -o {o}\n' for o in opts))
        with open(os.path.join(self.conf, 'master.cf'), 'w') as f:
            f.write(''.join(lines))

    def postconf(self, *args):
        return subprocess.run(['postconf', '-c', self.conf, *args], capture_output=True, text=True,
                              timeout=30).stdout

    def start(self):
        self.started = True
        p = subprocess.run(['postfix', '-c', self.conf, 'start'], capture_output=True, text=True, timeout=60)
        if p.returncode != 0:
            raise RuntimeError(f'postfix start failed: {(p.stdout + p.stderr).strip()[-500:]}')
        for name, port, _ in self.services:
            if not wait_port(port, 15):
                raise RuntimeError(f'postfix service {name} does not listen on 127.0.0.1:{port}')

    def master_pid(self):
        try:
            with open(os.path.join(self.queue, 'pid', 'master.pid')) as f:
                return int(f.read().split()[0])
        except (OSError, ValueError, IndexError):
            return None

    def stop(self):
        if not self.started:
            return
        self.started = False
        pid = self.master_pid()
        subprocess.run(['postfix', '-c', self.conf, 'stop'], capture_output=True, timeout=60)
        end = time.monotonic() + 10
        while pid and time.monotonic() < end:
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                return
            time.sleep(0.1)
        if pid:
            try:
                os.killpg(os.getpgid(pid), signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass

    def queue_count(self):
        """Messages in the queue (incoming, active, deferred, maildrop, hold)."""
        n = 0
        for sub in ('maildrop', 'incoming', 'active', 'deferred', 'hold'):
            for _root, _dirs, files in os.walk(os.path.join(self.queue, sub)):
                n += len(files)
        return n

    def wait_empty(self, seconds):
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            if self.queue_count() == 0:
                return True
            time.sleep(0.1)
        return False

    def log_size(self):
        try:
            return os.path.getsize(self.log)
        except OSError:
            return 0

    def log_since(self, offset):
        try:
            with open(self.log, encoding='utf-8', errors='replace') as f:
                f.seek(offset)
                return f.read()
        except OSError:
            return ''


class Sink:
    """smtp-sink on 127.0.0.1:port: accepts every message and drops it."""

    def __init__(self, port):
        self.port = port
        self.proc = None

    def start(self):
        self.proc = subprocess.Popen(['/usr/sbin/smtp-sink', '-u', 'postfix', f'127.0.0.1:{self.port}', '256'],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                     start_new_session=True)
        if not wait_port(self.port, 10):
            raise RuntimeError(f'smtp-sink does not listen on 127.0.0.1:{self.port}')

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
