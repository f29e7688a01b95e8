"""milterclient.py: a small milter-protocol client (the MTA side, protocol
version 6) for rebound-milter's black-box tests. It negotiates like Postfix,
honours the steps the milter negotiates away (no-reply steps are not waited
for, skipped events are not sent) and returns the milter's replies, so
that tests can assert the sender change (SMFIR_CHGFROM) and its ESMTP
arguments, which miltertest's Lua API cannot check."""
import socket
import struct

# Actions (SMFIF_*) and protocol steps (SMFIP_*), libmilter's mfapi.h/mfdef.h.
SMFIF_ADDHDRS, SMFIF_CHGBODY, SMFIF_ADDRCPT, SMFIF_DELRCPT = 0x01, 0x02, 0x04, 0x08
SMFIF_CHGHDRS, SMFIF_QUARANTINE, SMFIF_CHGFROM = 0x10, 0x20, 0x40
SMFIF_ADDRCPT_PAR, SMFIF_SETSYMLIST = 0x80, 0x100
ALL_ACTIONS = 0x1FF

P = dict(NOCONNECT=0x1, NOHELO=0x2, NOMAIL=0x4, NORCPT=0x8, NOBODY=0x10, NOHDRS=0x20,
         NOEOH=0x40, NR_HDR=0x80, NOUNKNOWN=0x100, NODATA=0x200, SKIP=0x400, RCPT_REJ=0x800,
         NR_CONN=0x1000, NR_HELO=0x2000, NR_MAIL=0x4000, NR_RCPT=0x8000, NR_DATA=0x10000,
         NR_UNKN=0x20000, NR_EOH=0x40000, NR_BODY=0x80000, HDR_LEADSPC=0x100000)
ALL_PROTOCOL = 0x1FFFFF

# Macro stages of SMFIR_SETSYMLIST.
STAGES = {0: "connect", 1: "helo", 2: "mail", 3: "rcpt", 4: "data", 5: "eom", 6: "eoh"}
FINAL = {b"a": "accept", b"c": "continue", b"d": "discard", b"r": "reject", b"t": "tempfail",
         b"y": "replycode", b"f": "connfail", b"s": "skip", b"4": "shutdown"}


class MilterError(Exception):
    pass


class Milter:
    def __init__(self, address, timeout=10.0):
        if isinstance(address, tuple):
            self.sock = socket.create_connection(address, timeout=timeout)
        else:
            self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            self.sock.settimeout(timeout)
            self.sock.connect(address)
        self.actions = 0
        self.protocol = 0
        self.symlists = {}

    def close(self):
        try:
            self.send(b"Q", b"")
        except OSError:
            pass
        self.sock.close()

    # Framing: 4-byte length (command included), command byte, data.
    def send(self, cmd, data):
        self.sock.sendall(struct.pack(">I", len(data) + 1) + cmd + data)

    def _read(self, n):
        buf = b""
        while len(buf) < n:
            chunk = self.sock.recv(n - len(buf))
            if not chunk:
                raise MilterError("connection closed by the milter")
            buf += chunk
        return buf

    def recv(self):
        (n,) = struct.unpack(">I", self._read(4))
        if n < 1 or n > 1 << 20:
            raise MilterError("bad packet length %d" % n)
        pkt = self._read(n)
        return pkt[:1], pkt[1:]

    def negotiate(self, actions=ALL_ACTIONS, protocol=ALL_PROTOCOL, version=6):
        self.send(b"O", struct.pack(">III", version, actions, protocol))
        cmd, data = self.recv()
        if cmd != b"O":
            raise MilterError("negotiation: got %r" % cmd)
        _, self.actions, self.protocol = struct.unpack(">III", data[:12])
        rest = data[12:]
        while len(rest) >= 4:
            (stage,) = struct.unpack(">I", rest[:4])
            end = rest.index(b"\0", 4)
            self.symlists[STAGES.get(stage, stage)] = rest[4:end].decode()
            rest = rest[end + 1:]
        return self.actions, self.protocol

    def has(self, flag):
        return bool(self.protocol & P[flag])

    def macros(self, stage_cmd, macros):
        if macros:
            data = b"".join(k.encode() + b"\0" + v.encode() + b"\0" for k, v in macros.items())
            self.send(b"D", stage_cmd + data)

    def _step(self, cmd, data, skip_flag, nr_flag, macros=None):
        """One event: None if skipped or no reply expected, else the reply."""
        if skip_flag and self.has(skip_flag):
            return None
        self.macros(cmd, macros)
        self.send(cmd, data)
        if nr_flag and self.has(nr_flag):
            return None
        cmd, data = self.recv()
        return FINAL.get(cmd, cmd), data

    def connect(self, host="client.example", addr="192.0.2.10", port=25, macros=None):
        fam = b"6" if ":" in addr else b"4"
        data = host.encode() + b"\0" + fam + struct.pack(">H", port) + addr.encode() + b"\0"
        return self._step(b"C", data, "NOCONNECT", "NR_CONN", macros)

    def helo(self, name="client.example"):
        return self._step(b"H", name.encode() + b"\0", "NOHELO", "NR_HELO")

    def mail(self, sender, args=(), macros=None):
        data = b"".join(a.encode() + b"\0" for a in ["<%s>" % sender] + list(args))
        return self._step(b"M", data, "NOMAIL", "NR_MAIL", macros)

    def rcpt(self, rcpt, args=(), macros=None):
        data = b"".join(a.encode() + b"\0" for a in ["<%s>" % rcpt] + list(args))
        return self._step(b"R", data, "NORCPT", "NR_RCPT", macros)

    def data(self):
        return self._step(b"T", b"", "NODATA", "NR_DATA")

    def header(self, name, value):
        return self._step(b"L", name.encode() + b"\0" + value.encode() + b"\0", "NOHDRS", "NR_HDR")

    def eoh(self):
        return self._step(b"N", b"", "NOEOH", "NR_EOH")

    def body(self, text):
        return self._step(b"B", text.encode(), "NOBODY", "NR_BODY")

    def eom(self, macros=None):
        """End of message: (list of modification replies, final reply, data)."""
        self.macros(b"E", macros)
        self.send(b"E", b"")
        mods = []
        while True:
            cmd, data = self.recv()
            if cmd in FINAL:
                return mods, FINAL[cmd], data
            mods.append((cmd, data))

    def abort(self):
        self.send(b"A", b"")

    def message(self, sender, rcpts, mail_args=(), headers=(), mail_macros=None, eom_macros=None,
                body="Hello.\r\n"):
        """One whole transaction. Returns (mods, final, data) of end of message,
        or ("early", reply) when MAIL or RCPT was answered with other than continue."""
        r = self.mail(sender, mail_args, mail_macros)
        if r is not None and r[0] != "continue":
            return "early", r
        for rc in rcpts:
            r = self.rcpt(rc)
            if r is not None and r[0] != "continue":
                return "early", r
        self.data()
        for name, value in headers:
            self.header(name, value)
        self.eoh()
        self.body(body)
        return self.eom(eom_macros)


def chgfrom(mods):
    """The (sender, args) of the SMFIR_CHGFROM among mods, or None."""
    for cmd, data in mods:
        if cmd == b"e":
            parts = data.split(b"\0")
            return parts[0].decode(), (parts[1].decode() if len(parts) > 1 and parts[1] else "")
    return None
