#!/usr/bin/python3
# receiver.py: the local HTTP receiver of tests/hooks/run. Listens on
# 127.0.0.1, on a port the kernel picks (written to PORTFILE once it
# listens), and answers by path:
#   /signed   verifies X-Rebound-Signature (HMAC-SHA256 of the body with
#             SECRET, as a webhook receiver does): 204 if it matches, else 401
#   /status/N[/...] answers HTTP N
# Every request is appended to LOG as one JSON line: method, path, the
# headers, the body and whether the signature matched. Stops after
# --seconds (default 120) whatever happens, or on SIGTERM.
import argparse
import hashlib
import hmac
import json
import os
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ap = argparse.ArgumentParser()
ap.add_argument("portfile")
ap.add_argument("log")
ap.add_argument("secret")
ap.add_argument("--seconds", type=float, default=120)
opts = ap.parse_args()
lock = threading.Lock()


class Handler(BaseHTTPRequestHandler):
    def answer(self):
        n = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(min(n, 1 << 20))
        want = "sha256=" + hmac.new(opts.secret.encode(), body, hashlib.sha256).hexdigest()
        got = self.headers.get("X-Rebound-Signature", "")
        valid = hmac.compare_digest(want, got)
        if self.path == "/signed":
            code = 204 if valid else 401
        elif self.path.startswith("/status/"):
            code = int(self.path.split("/")[2])
        else:
            code = 404
        with lock, open(opts.log, "a") as f:
            f.write(json.dumps({"method": self.command, "path": self.path,
                                "headers": dict(self.headers.items()),
                                "body": body.decode("utf-8", "replace"),
                                "valid": valid, "code": code}) + "\n")
        self.send_response(code)
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_POST = do_GET = do_PATCH = answer

    def log_message(self, *args):
        pass


srv = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
threading.Timer(opts.seconds, srv.shutdown).start()
with open(opts.portfile + ".tmp", "w") as f:
    f.write("%d\n" % srv.server_address[1])
os.rename(opts.portfile + ".tmp", opts.portfile)
srv.serve_forever()
