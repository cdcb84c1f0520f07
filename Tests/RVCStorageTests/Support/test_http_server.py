#!/usr/bin/env python3
"""A small HTTP server for the RVCStorage download tests (standard library only).

Binds 127.0.0.1 on a free port, prints "PORT <n>" on stdout, and exits when its stdin closes
(so it never outlives the test process). Routes:
  /bytes/<n>[/<tag>]       n deterministic bytes (byte i = i % 251); tag only makes URLs distinct
  /slow/<n>/<ms>[/<tag>]   n bytes, sent in 8 chunks spread over ms milliseconds
  /redirect/<k>/<n>        302 chain of k hops ending at /bytes/<n>
  /loop/<tag>              302 to itself, forever
  /status/<code>           that status, a short body
  /flaky/<fails>/<n>/<tag> 500 for the first <fails> requests of this tag, then /bytes/<n>
  /stall                   headers (Content-Length 1000) and 10 bytes, then silence for 30 s
  /hang                    accepts the connection, sends nothing for 30 s
  /truncated/<n>           Content-Length n, sends n/2 bytes, closes
  /chunked-big/<n>         n bytes with chunked encoding (no Content-Length)
  /typed/<n>               n bytes with Content-Type audio/wav
  /count/<path...>         JSON: how many requests hit /<path...> so far
"""
import json
import os
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

COUNTS = {}
LOCK = threading.Lock()


def body(n):
    return bytes(i % 251 for i in range(n))


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def send_bytes(self, n, content_type="application/octet-stream"):
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(n))
        self.end_headers()
        self.wfile.write(body(n))

    def do_GET(self):
        path = self.path.split("?", 1)[0]
        parts = [p for p in path.split("/") if p]
        if parts and parts[0] != "count":
            with LOCK:
                COUNTS[path] = COUNTS.get(path, 0) + 1
                hits = COUNTS[path]
        try:
            self.route(parts, path, hits if parts and parts[0] != "count" else 0)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def route(self, parts, path, hits):
        kind = parts[0] if parts else ""
        if kind == "bytes":
            self.send_bytes(int(parts[1]))
        elif kind == "typed":
            self.send_bytes(int(parts[1]), "audio/wav")
        elif kind == "slow":
            n, ms = int(parts[1]), int(parts[2])
            data = body(n)
            self.send_response(200)
            self.send_header("Content-Length", str(n))
            self.end_headers()
            step = max(1, (n + 7) // 8)
            for i in range(0, n, step):
                self.wfile.write(data[i:i + step])
                self.wfile.flush()
                time.sleep(ms / 8000.0)
        elif kind == "redirect":
            k, n = int(parts[1]), int(parts[2])
            target = f"/redirect/{k - 1}/{n}" if k > 1 else f"/bytes/{n}"
            self.redirect(target)
        elif kind == "loop":
            self.redirect(path)
        elif kind == "status":
            code = int(parts[1])
            payload = f"status {code}".encode()
            self.send_response(code)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)
        elif kind == "flaky":
            fails, n = int(parts[1]), int(parts[2])
            if hits <= fails:
                payload = b"try again"
                self.send_response(500)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)
            else:
                self.send_bytes(n)
        elif kind == "stall":
            self.send_response(200)
            self.send_header("Content-Length", "1000")
            self.end_headers()
            self.wfile.write(body(10))
            self.wfile.flush()
            time.sleep(30)
        elif kind == "hang":
            time.sleep(30)
        elif kind == "truncated":
            n = int(parts[1])
            self.send_response(200)
            self.send_header("Content-Length", str(n))
            self.end_headers()
            self.wfile.write(body(n // 2))
            self.wfile.flush()
            self.close_connection = True
        elif kind == "chunked-big":
            n = int(parts[1])
            self.send_response(200)
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            data = body(n)
            for i in range(0, n, 65536):
                chunk = data[i:i + 65536]
                self.wfile.write(b"%x\r\n" % len(chunk) + chunk + b"\r\n")
            self.wfile.write(b"0\r\n\r\n")
        elif kind == "count":
            target = "/" + "/".join(parts[1:])
            with LOCK:
                payload = json.dumps({"count": COUNTS.get(target, 0)}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)
        else:
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()

    def redirect(self, target):
        self.send_response(302)
        self.send_header("Location", target)
        self.send_header("Content-Length", "0")
        self.end_headers()


def main():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    print(f"PORT {server.server_address[1]}", flush=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    sys.stdin.read()  # returns when the test process closes our stdin or exits
    os._exit(0)


if __name__ == "__main__":
    main()
