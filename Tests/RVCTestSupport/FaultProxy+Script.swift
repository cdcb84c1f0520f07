extension FaultProxy {
    /// The proxy itself, run with `python3 -u -c <script> <upstream host> <upstream port>`.
    static let script = #"""
# A fault-injecting HTTP/1.1 proxy for the rvc-nano tests (standard library only).
#
# Listens on 127.0.0.1 (a free port, printed as "PORT <n>") and forwards every request to the
# upstream given as arguments, unchanged (the Host header too, so S3 signatures still match),
# relaying the answer with a Content-Length. Before forwarding it looks for a fault rule: rules are
# consumed in the order they were added, each by the first request whose method and path prefix
# match. Faults:
#   status <code>   answer that status with a short body, forward nothing
#   reset           read the request, then close the connection with a TCP reset
#   garbage         answer bytes that are not HTTP, then close
#   hang            answer nothing until the client hangs up (at most 10 minutes)
#   hold <gate>     wait until RELEASE <gate> (then forward as usual) or the client hangs up
#   slow            forward, then send the answer a few bytes at a time (about 400 bytes/s)
#   pass            forward untouched (lets a request through before the faults meant for later ones)
# While DOWN is 1, every request is read and its connection reset, as if the server had stopped.
# Commands on stdin, one line each, answered with one line on stdout:
#   FAULT <method|*> <path-prefix> <fault> [argument]   -> OK
#   DOWN <0|1>                                          -> OK
#   RELEASE <gate>                                      -> OK
#   PENDING                                             -> number of rules not yet used
#   LOG                                                 -> JSON list of {method, path, fault, t}
# It exits when its stdin closes.
import http.client
import json
import os
import socket
import socketserver
import struct
import sys
import threading
import time

UPSTREAM = (sys.argv[1], int(sys.argv[2]))
LOCK = threading.Lock()
RULES = []
LOG = []
GATES = {}
STATE = {"down": False}
HOP = {"connection", "keep-alive", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade",
       "content-length", "expect"}


def gate(name):
    with LOCK:
        return GATES.setdefault(name, threading.Event())


class Closed(Exception):
    pass


class Handler(ClientWatch, socketserver.StreamRequestHandler):
    def handle(self):
        try:
            while self.one_request():
                pass
        except (Closed, OSError):
            pass

    def finish(self):
        try:
            super().finish()
        except OSError:
            pass

    def read_request(self):
        line = self.rfile.readline(65537)
        if not line:
            return None
        parts = line.decode("latin-1").rstrip("\r\n").split(" ")
        if len(parts) != 3:
            raise Closed()
        method, target, _ = parts
        headers = []
        while True:
            header = self.rfile.readline(65537)
            if header in (b"\r\n", b"\n", b""):
                break
            name, _, value = header.decode("latin-1").partition(":")
            headers.append((name.strip(), value.strip()))
        fields = {name.lower(): value for name, value in headers}
        if fields.get("expect", "").lower() == "100-continue":
            self.wfile.write(b"HTTP/1.1 100 Continue\r\n\r\n")
            self.wfile.flush()
        body = b""
        if "chunked" in fields.get("transfer-encoding", "").lower():
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip(), 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    break
                body += self.rfile.read(size)
                self.rfile.readline()
        elif "content-length" in fields:
            body = self.rfile.read(int(fields["content-length"]))
        return method, target, headers, body

    def one_request(self):
        request = self.read_request()
        if request is None:
            return False
        method, target, headers, body = request
        path = target.split("?", 1)[0]
        fault = None
        with LOCK:
            down = STATE["down"]
            if not down:
                for index, rule in enumerate(RULES):
                    if rule["method"] in ("*", method) and path.startswith(rule["prefix"]):
                        fault = RULES.pop(index)
                        break
            name = "down" if down else (fault["kind"] if fault else None)
            LOG.append({"method": method, "path": path, "fault": name, "t": time.monotonic()})
        if down:
            self.reset()
            return False
        if fault is None:
            return self.forward(method, target, headers, body)
        kind, argument = fault["kind"], fault["argument"]
        if kind == "status":
            payload = b"injected fault"
            self.wfile.write(b"HTTP/1.1 %d Injected\r\nContent-Type: text/plain\r\nContent-Length: %d\r\n\r\n"
                             % (int(argument), len(payload)) + payload)
            self.wfile.flush()
            return True
        if kind == "reset":
            self.reset()
            return False
        if kind == "garbage":
            self.wfile.write(b"\x00\x01 this is not HTTP at all \xff\xfe\r\n\r\n{{{")
            self.wfile.flush()
            return False
        if kind == "hang":
            self.wait(None)
            return False
        if kind == "hold":
            if not self.wait(gate(argument)):
                return False
            with LOCK:
                down = STATE["down"]
            if down:  # went down while the request was held
                self.reset()
            return self.forward(method, target, headers, body)
        if kind == "pass":
            return self.forward(method, target, headers, body)
        if kind == "slow":
            return self.forward(method, target, headers, body, slow=True)
        raise Closed()

    def reset(self):
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.connection.close()
        raise Closed()

    def forward(self, method, target, headers, body, slow=False):
        try:
            upstream = http.client.HTTPConnection(*UPSTREAM, timeout=600)
            upstream.putrequest(method, target, skip_host=True, skip_accept_encoding=True)
            for name, value in headers:
                if name.lower() not in HOP:
                    upstream.putheader(name, value)
            if body or method in ("POST", "PUT"):
                upstream.putheader("Content-Length", str(len(body)))
            upstream.endheaders(body if body else None)
            response = upstream.getresponse()
            data = response.read()
            status, reason = response.status, response.reason
            answer_headers = [(n, v) for n, v in response.getheaders() if n.lower() not in HOP]
            upstream.close()
        except OSError:
            # The upstream is down: the client sees what it would see without the proxy.
            self.reset()
        head = "HTTP/1.1 %d %s\r\n" % (status, reason)
        for name, value in answer_headers:
            head += "%s: %s\r\n" % (name, value)
        if method == "HEAD" or status in (204, 304):
            head += "\r\n"
            data = b""
        else:
            head += "Content-Length: %d\r\n\r\n" % len(data)
        message = head.encode("latin-1") + data
        if slow:
            for index in range(0, len(message), 8):
                self.wfile.write(message[index:index + 8])
                self.wfile.flush()
                time.sleep(0.02)
        else:
            self.wfile.write(message)
            self.wfile.flush()
        return True


class Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True
    # The default backlog of 5 drops connections under parallel tests (the client retries a second later).
    request_queue_size = 128


def answer(text):
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def main():
    server = Server(("127.0.0.1", 0), Handler)
    answer("PORT %d" % server.server_address[1])
    threading.Thread(target=server.serve_forever, daemon=True).start()
    while True:
        line = sys.stdin.readline()
        if not line:
            break
        words = line.strip().split(" ")
        command = words[0]
        if command == "FAULT" and len(words) >= 4:
            with LOCK:
                RULES.append({"method": words[1], "prefix": words[2], "kind": words[3],
                              "argument": words[4] if len(words) > 4 else None})
            answer("OK")
        elif command == "DOWN" and len(words) == 2:
            with LOCK:
                STATE["down"] = words[1] == "1"
            answer("OK")
        elif command == "RELEASE" and len(words) == 2:
            gate(words[1]).set()
            answer("OK")
        elif command == "PENDING":
            with LOCK:
                answer(str(len(RULES)))
        elif command == "LOG":
            with LOCK:
                answer(json.dumps(LOG))
        else:
            answer("ERROR unknown command %r" % line.strip())
    os._exit(0)


if __name__ == "__main__":
    main()
"""#
}
