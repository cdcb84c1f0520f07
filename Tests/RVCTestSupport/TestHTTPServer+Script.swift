extension TestHTTPServer {
    /// The server itself, run with `python3 -u -c`.
    static let script = #"""
# A small HTTP server for the rvc-nano tests (standard library only).
#
# Binds 127.0.0.1 on a free port, prints "PORT <n>" on stdout, then reads commands on stdin, one
# at a time, answering each with one line on stdout:
#   SERVE <size> <path>\n<size bytes>   serve those bytes at <path> from now on    -> OK
#   COUNT <path>                         how many requests reached <path> so far   -> <n>
#   RELEASE <tag>                        lets the held /hold/.../<tag> go on        -> OK
#   GONE <tag>                           1 once a client hung up on a held or
#                                        streaming route of <tag>, else 0           -> 0|1
#   SENT <tag>                           body bytes /endless/<tag> has written      -> <n>
# and exits when its stdin closes (so it never outlives the test process). With two arguments (PEM
# certificate, key) it serves HTTPS. Every GET is counted under its path (without the query).
# Files registered with SERVE come first; then the routes:
#   /bytes/<n>[/<tag>]       n deterministic bytes (byte i = i % 251); tag only makes URLs distinct
#   /slow/<n>/<ms>[/<tag>]   n bytes, sent in 8 chunks spread over ms milliseconds
#   /redirect/<k>/<n>        302 chain of k hops ending at /bytes/<n>
#   /loop/<tag>              302 to itself, forever
#   /status/<code>           that status, a short body
#   /flaky/<fails>/<n>/<tag> 500 for the first <fails> requests of this tag, then /bytes/<n>
#   /stall                   headers (Content-Length 1000) and 10 bytes, then silence until the
#                            client hangs up (at most 10 minutes)
#   /hang                    accepts the connection, sends nothing until the client hangs up
#   /hold/<n>/<first>/<tag>  Content-Length n and the first <first> bytes, then holds until
#                            RELEASE <tag> (then sends the rest) or the client hangs up (GONE)
#   /gate/<tag>/<name>       waits for RELEASE <tag> (or the client's hang-up), then serves the
#                            file registered as /<name>
#   /excess/<n>/<extra>      Content-Length n, then n + extra bytes in one write
#   /redirect-to/<tag>?to=<url>  302 to <url> (percent-encoded in the query)
#   /endless/<tag>           up to 2 GB with chunked encoding (no Content-Length), as fast as the
#                            client reads; SENT counts the bytes, GONE records the hang-up
#   /endless-declared/<tag>  the same with Content-Length 2000000000
#   /truncated/<n>           Content-Length n, sends n/2 bytes, closes
#   /chunked-big/<n>         n bytes with chunked encoding (no Content-Length)
#   /typed/<n>               n bytes with Content-Type audio/wav
# and 404 for anything else.
import os
import socket
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

COUNTS = {}
FILES = {}
GATES = {}
GONE = set()
SENT = {}
LOCK = threading.Lock()
TWO_GB = 2000000000


def gate(tag):
    with LOCK:
        return GATES.setdefault(tag, threading.Event())


def body(n):
    return bytes(i % 251 for i in range(n))


class Handler(ClientWatch, BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def send_data(self, data, content_type="application/octet-stream"):
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def send_bytes(self, n, content_type="application/octet-stream"):
        self.send_data(body(n), content_type)

    def do_GET(self):
        path = self.path.split("?", 1)[0]
        parts = [p for p in path.split("/") if p]
        with LOCK:
            COUNTS[path] = COUNTS.get(path, 0) + 1
            hits = COUNTS[path]
            served = FILES.get(path)
        try:
            if served is not None:
                self.send_data(served)
            else:
                self.route(parts, path, hits)
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
            self.wait()
            self.close_connection = True
        elif kind == "hang":
            self.wait()
            self.close_connection = True
        elif kind == "hold":
            n, first, tag = int(parts[1]), int(parts[2]), parts[3]
            data = body(n)
            try:
                self.send_response(200)
                self.send_header("Content-Length", str(n))
                self.end_headers()
                self.wfile.write(data[:first])
                self.wfile.flush()
                released = self.wait(gate(tag))
                if released:
                    self.wfile.write(data[first:])
            except OSError:  # the client hung up while the head was being written
                released = False
            if not released:
                with LOCK:
                    GONE.add(tag)
                self.close_connection = True
        elif kind == "gate":
            tag, name = parts[1], "/" + "/".join(parts[2:])
            with LOCK:
                served = FILES.get(name)
            if self.wait(gate(tag)) and served is not None:
                self.send_data(served)
            else:
                self.close_connection = True
        elif kind == "excess":
            n, extra = int(parts[1]), int(parts[2])
            self.send_response(200)
            self.send_header("Content-Length", str(n))
            self.end_headers()
            self.wfile.write(body(n + extra))
            self.wfile.flush()
            self.close_connection = True
        elif kind == "redirect-to":
            query = urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query)
            self.redirect(query["to"][0])
        elif kind in ("endless", "endless-declared"):
            tag = parts[1]
            self.send_response(200)
            if kind == "endless":
                self.send_header("Transfer-Encoding", "chunked")
            else:
                self.send_header("Content-Length", str(TWO_GB))
            self.end_headers()
            chunk = body(1 << 16)
            sent = 0
            try:
                while sent < TWO_GB:
                    piece = chunk[:min(len(chunk), TWO_GB - sent)]
                    if kind == "endless":
                        self.wfile.write(b"%x\r\n" % len(piece) + piece + b"\r\n")
                    else:
                        self.wfile.write(piece)
                    sent += len(piece)
                    with LOCK:
                        SENT[tag] = sent
                if kind == "endless":
                    self.wfile.write(b"0\r\n\r\n")
            except OSError:
                with LOCK:
                    GONE.add(tag)
                raise
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
        else:
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()

    def redirect(self, target):
        self.send_response(302)
        self.send_header("Location", target)
        self.send_header("Content-Length", "0")
        self.end_headers()


def answer(text):
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def main():
    # The default backlog of 5 drops connections when many tests share the server: the client's
    # connect then waits a second for its retry, which a test with a short limit takes for a timeout.
    ThreadingHTTPServer.request_queue_size = 128
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    if len(sys.argv) == 3:  # certificate and key: serve HTTPS
        import ssl
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(sys.argv[1], sys.argv[2])
        server.socket = context.wrap_socket(server.socket, server_side=True)
    answer(f"PORT {server.server_address[1]}")
    threading.Thread(target=server.serve_forever, daemon=True).start()
    commands = sys.stdin.buffer
    while True:
        line = commands.readline()
        if not line:
            break  # the test process closed our stdin or exited
        command, _, argument = line.decode().rstrip("\n").partition(" ")
        if command == "SERVE":
            size, _, path = argument.partition(" ")
            data = commands.read(int(size))
            if len(data) < int(size):
                break
            with LOCK:
                FILES[path] = data
            answer("OK")
        elif command == "COUNT":
            with LOCK:
                count = COUNTS.get(argument, 0)
            answer(str(count))
        elif command == "RELEASE":
            gate(argument).set()
            answer("OK")
        elif command == "GONE":
            with LOCK:
                gone = argument in GONE
            answer("1" if gone else "0")
        elif command == "SENT":
            with LOCK:
                sent = SENT.get(argument, 0)
            answer(str(sent))
        else:
            answer(f"ERROR unknown command {command!r}")
    os._exit(0)


if __name__ == "__main__":
    main()
"""#
}
