#!/usr/bin/python3
"""flufl-batch.py: benchmark peer. Parses each FILE with flufl.bounce
(Mailman's bounce detectors, Debian's python3-flufl.bounce) in one process,
printing one line per recipient found: file, recipient."""
import email
import email.policy
import sys

from flufl.bounce import scan_message


def text(addr):
    """flufl.bounce gives bytes or str depending on the detector."""
    return addr.decode('utf-8', 'replace') if isinstance(addr, bytes) else addr


def main():
    out = sys.stdout
    for path in sys.argv[1:]:
        with open(path, 'rb') as fp:
            msg = email.message_from_binary_file(fp)
        found = scan_message(msg)
        if not found:
            out.write(f'{path}\t\n')
        for addr in sorted(found):
            out.write(f'{path}\t{text(addr)}\n')


main()
