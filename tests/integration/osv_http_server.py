#!/usr/bin/env python3
"""A tiny HTTP server for tests/integration/test_db_update.sh.

Serves files under --root on 127.0.0.1 only (an ephemeral port, written to
--port-file), the way a bucket or a mirror would: ETag (quoted MD5 hex),
Last-Modified, x-goog-hash: md5=<base64>, and 304 Not Modified when
If-None-Match matches (or, without it, If-Modified-Since is not older than
the file). Every request is appended to --log as one line:

    GET /Debian/all.zip inm=<If-None-Match or -> ims=<If-Modified-Since or -> 200

Faults are switched per top-level path segment (the ecosystem) by a file
--control/<segment> holding one line:

    fail503 N     answer 503 to the next N requests, then serve normally
    truncate      announce the full Content-Length, send half, close
    corrupt       flip bytes mid-body, announce the MD5 of the original
    corruptzip    serve garbage whose MD5 header matches (a bad file upstream)
    slow S        send 64 bytes, wait S seconds (at most 60), send the rest

The server stops by itself after --lifetime seconds (default 300).
"""
import argparse
import base64
import email.utils
import hashlib
import os
import socket
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    lock = threading.Lock()

    def log_message(self, fmt, *args):  # quiet: the request log is ours
        pass

    def _log(self, status):
        inm = self.headers.get("If-None-Match") or "-"
        ims = self.headers.get("If-Modified-Since") or "-"
        with self.lock, open(self.server.log_path, "a") as f:
            f.write(f"{self.command} {self.path} inm={inm} ims={ims} {status}\n")

    def _control(self, segment):
        path = os.path.join(self.server.control, segment)
        with self.lock:
            try:
                with open(path) as f:
                    words = f.read().split()
            except OSError:
                return None, 0
            if not words:
                return None, 0
            mode, arg = words[0], int(words[1]) if len(words) > 1 else 0
            if mode == "fail503":
                if arg <= 1:
                    os.unlink(path)
                else:
                    with open(path, "w") as f:
                        f.write(f"fail503 {arg - 1}\n")
            return mode, arg

    def _simple(self, code, body=b""):
        self.send_response(code)
        self.send_header("Content-Length", str(len(body)))
        if code == 503:
            self.send_header("Retry-After", "0")
        self.end_headers()
        if self.command == "GET" and body:
            self.wfile.write(body)
        self._log(code)

    def do_HEAD(self):
        self.do_GET()

    def do_GET(self):
        rel = urllib.parse.unquote(urllib.parse.urlsplit(self.path).path).lstrip("/")
        parts = rel.split("/")
        if not rel or any(p in ("", ".", "..") for p in parts):
            return self._simple(404, b"not found\n")
        full = os.path.join(self.server.root, *parts)
        if not os.path.isfile(full):
            return self._simple(404, b"not found\n")
        mode, arg = self._control(parts[0])
        if mode == "fail503":
            return self._simple(503, b"try again\n")
        with open(full, "rb") as f:
            body = f.read()
        st = os.stat(full)
        etag = '"%s"' % hashlib.md5(body).hexdigest()
        lastmod = email.utils.formatdate(int(st.st_mtime), usegmt=True)
        inm = self.headers.get("If-None-Match")
        ims = self.headers.get("If-Modified-Since")
        not_modified = False
        if inm is not None:
            not_modified = inm.strip() == "*" or etag in [t.strip() for t in inm.split(",")]
        elif ims is not None:
            try:
                not_modified = int(st.st_mtime) <= email.utils.parsedate_to_datetime(ims).timestamp()
            except (TypeError, ValueError):
                pass
        if not_modified:
            self.send_response(304)
            self.send_header("ETag", etag)
            self.send_header("Last-Modified", lastmod)
            self.end_headers()
            return self._log(304)
        md5 = base64.b64encode(hashlib.md5(body).digest()).decode()
        if mode == "corrupt":
            mid = len(body) // 2
            body = body[:mid] + bytes(b ^ 0x5A for b in body[mid:mid + 16]) + body[mid + 16:]
        elif mode == "corruptzip":
            body = b"PK\x03\x04" + bytes((i * 131 + 7) & 0xFF for i in range(len(body)))
            md5 = base64.b64encode(hashlib.md5(body).digest()).decode()
        self.send_response(200)
        self.send_header("Content-Type", "application/zip")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("ETag", etag)
        self.send_header("Last-Modified", lastmod)
        self.send_header("x-goog-hash", "md5=" + md5)
        self.end_headers()
        if self.command == "HEAD":
            return self._log(200)
        if mode == "truncate":
            self.wfile.write(body[: len(body) // 2])
            self.wfile.flush()
            self._log("200-truncated")
            self.close_connection = True
            try:
                self.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            return
        if mode == "slow":
            self.wfile.write(body[:64])
            self.wfile.flush()
            self._log("200-slow")
            time.sleep(min(max(arg, 1), 60))
            try:
                self.wfile.write(body[64:])
            except OSError:
                pass
            return
        self.wfile.write(body)
        self._log(200)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--root", required=True)
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--control", required=True)
    ap.add_argument("--log", required=True)
    ap.add_argument("--lifetime", type=float, default=300)
    a = ap.parse_args()
    srv = ThreadingHTTPServer(("127.0.0.1", 0), Handler)  # loopback only
    srv.daemon_threads = True
    srv.root, srv.control, srv.log_path = a.root, a.control, a.log
    tmp = a.port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write(str(srv.server_address[1]))
    os.rename(tmp, a.port_file)
    t = threading.Thread(target=srv.serve_forever, daemon=True)
    t.start()
    time.sleep(a.lifetime)
    srv.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())
