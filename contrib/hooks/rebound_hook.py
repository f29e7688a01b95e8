# rebound_hook.py: what rebound's example hooks share (contrib/hooks/):
# reading the event from standard input, the hook's private configuration
# file (its owner and mode checked), HTTP requests whose failures are sorted
# into temporary (exit 75) and permanent ones, and the exit codes of the
# hook contract (docs/example-hooks.md). Python 3 standard library only.
"""Shared helpers of rebound's example event hooks."""

import json
import os
import socket
import stat
import sys
import urllib.error
import urllib.request

# Exit codes (sysexits.h), as the hook runner reads them: 0 done, 75 retry
# later, anything else failed for good.
EX_OK = 0
EX_USAGE = 64
EX_DATAERR = 65      # the event on standard input is not one
EX_UNAVAILABLE = 69  # the far end refused the request for good (4xx)
EX_TEMPFAIL = 75     # the far end is down or answered 5xx: retry later
EX_PROTOCOL = 76     # the far end answered something that makes no sense
EX_CONFIG = 78       # the configuration file is missing, open to others, or wrong

# Bounds on what is read: an event is a few hundred bytes; an answer of
# the far end is a small JSON document.
EVENT_MAX = 64 * 1024
ANSWER_MAX = 4 * 1024 * 1024
CONFIG_MAX = 64 * 1024

PROG = os.path.basename(sys.argv[0]) if sys.argv and sys.argv[0] else "hook"


class HookError(Exception):
    """A failure with the exit code it ends the hook with."""

    def __init__(self, code, message):
        super().__init__(message)
        self.code = code


def hook_log(message):
    """One line on standard error (the runner logs it)."""
    sys.stderr.write("%s: %s\n" % (PROG, message))
    sys.stderr.flush()


def event_read(stream=None):
    """The event object from standard input (at most EVENT_MAX bytes)."""
    stream = stream or sys.stdin.buffer
    data = stream.read(EVENT_MAX + 1)
    if len(data) > EVENT_MAX:
        raise HookError(EX_DATAERR, "event longer than %d bytes" % EVENT_MAX)
    try:
        event = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as e:
        raise HookError(EX_DATAERR, "standard input is not a JSON event: %s" % e)
    if not isinstance(event, dict) or not isinstance(event.get("type"), str):
        raise HookError(EX_DATAERR, "standard input is not an event object with a type")
    return event, data


def config_load(path, required):
    """The settings of a private "name = value" file, as a dict.

    The file holds credentials: it must be a regular file owned by the
    user the hook runs as, with no permission for group or others (0600 or
    0400), else the hook refuses it. Lines starting with # and blank lines
    are ignored; every name in required must be set."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0))
    except OSError as e:
        raise HookError(EX_CONFIG, "%s: %s" % (path, e.strerror))
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise HookError(EX_CONFIG, "%s: not a regular file" % path)
        if st.st_uid != os.geteuid():
            raise HookError(EX_CONFIG, "%s: owned by uid %d, not by the hook's user (uid %d)"
                            % (path, st.st_uid, os.geteuid()))
        if st.st_mode & 0o077:
            raise HookError(EX_CONFIG, "%s: mode %04o lets others read it: chmod 600 %s"
                            % (path, stat.S_IMODE(st.st_mode), path))
        with os.fdopen(fd, "rb") as f:
            fd = -1
            data = f.read(CONFIG_MAX + 1)
    finally:
        if fd >= 0:
            os.close(fd)
    if len(data) > CONFIG_MAX:
        raise HookError(EX_CONFIG, "%s: longer than %d bytes" % (path, CONFIG_MAX))
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise HookError(EX_CONFIG, "%s: not UTF-8" % path)
    settings = {}
    for n, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        name, eq, value = line.partition("=")
        if not eq or not name.strip():
            raise HookError(EX_CONFIG, "%s, line %d: not \"name = value\"" % (path, n))
        settings[name.strip()] = value.strip()
    for name in required:
        if not settings.get(name):
            raise HookError(EX_CONFIG, "%s: %s is not set" % (path, name))
    return settings


def config_timeout(settings, path, default=10.0):
    """The timeout setting in seconds (0 < t <= 300)."""
    try:
        t = float(settings.get("timeout", default))
    except ValueError:
        raise HookError(EX_CONFIG, "%s: timeout is not a number" % path)
    if not 0 < t <= 300:
        raise HookError(EX_CONFIG, "%s: timeout must be in (0, 300] seconds" % path)
    return t


def config_path(args, env_name, default):
    """The configuration file: -c FILE, else $env_name, else default."""
    path = os.environ.get(env_name) or default
    args = list(args)
    while args:
        a = args.pop(0)
        if a == "-c" and args:
            path = args.pop(0)
        else:
            raise HookError(EX_USAGE, "usage: %s [-c CONFIG] < EVENT.json" % PROG)
    return path


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """Redirects are not followed (urllib would turn a POST into a GET):
    a 3xx answer is returned as it is."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


_OPENER = urllib.request.build_opener(_NoRedirect)


def http_request(method, url, timeout, body=None, headers=None):
    """(status, answer bytes) of one HTTP request.

    2xx, 3xx (not followed) and 4xx answers are returned; a 5xx answer, a refused or broken
    connection and a timeout raise HookError(EX_TEMPFAIL): the far end may
    answer later. The answer is read up to ANSWER_MAX bytes."""
    req = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    try:
        with _OPENER.open(req, timeout=timeout) as resp:
            answer = resp.read(ANSWER_MAX + 1)
            status = resp.status
    except urllib.error.HTTPError as e:
        status = e.code
        try:
            answer = e.read(ANSWER_MAX + 1)
        except (OSError, ValueError):
            answer = b""
        finally:
            e.close()
    except (urllib.error.URLError, socket.timeout, ConnectionError, OSError) as e:
        reason = getattr(e, "reason", e)
        raise HookError(EX_TEMPFAIL, "%s %s: %s" % (method, url, reason))
    except ValueError as e:  # a URL urllib cannot use
        raise HookError(EX_CONFIG, "%s %s: %s" % (method, url, e))
    if len(answer) > ANSWER_MAX:
        raise HookError(EX_PROTOCOL, "%s %s: answer longer than %d bytes" % (method, url, ANSWER_MAX))
    if status >= 500 or status in (408, 429):
        raise HookError(EX_TEMPFAIL, "%s %s: HTTP %d" % (method, url, status))
    return status, answer


def hook_main(run):
    """Run run() (which returns an exit code) and exit with its code, or
    with the code of the HookError it raised, logged."""
    try:
        code = run()
    except HookError as e:
        hook_log(str(e) + (" (will retry)" if e.code == EX_TEMPFAIL else ""))
        code = e.code
    except KeyboardInterrupt:
        code = EX_TEMPFAIL
    sys.exit(code)
