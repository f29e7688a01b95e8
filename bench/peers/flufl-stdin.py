#!/usr/bin/python3
"""flufl-stdin.py: benchmark peer. One message on standard input, parsed
with flufl.bounce in a fresh process; one line per recipient found."""
import email
import sys

from flufl.bounce import scan_message


def text(addr):
    """flufl.bounce gives bytes or str depending on the detector."""
    return addr.decode('utf-8', 'replace') if isinstance(addr, bytes) else addr

msg = email.message_from_binary_file(sys.stdin.buffer)
for addr in sorted(scan_message(msg)):
    sys.stdout.write(text(addr) + '\n')
