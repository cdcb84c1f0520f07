import Foundation
@testable import RVCStorage

/// A real HTTP server on 127.0.0.1 for the download tests: a small Python 3 standard-library
/// script (python3 is on every machine that builds the project), started on a free port and
/// stopped when the value is released; it also exits by itself when the test process ends, since
/// it watches its stdin.
///
/// Routes (see the script's docstring): `/bytes/<n>[/<tag>]`, `/slow/<n>/<ms>[/<tag>]`,
/// `/redirect/<k>/<n>`, `/loop/<tag>`, `/status/<code>`, `/flaky/<fails>/<n>/<tag>`, `/stall`,
/// `/hang`, `/truncated/<n>`, `/chunked-big/<n>`, `/typed/<n>`, `/count/<path>`.
final class TestHTTPServer: @unchecked Sendable {
    let port: Int
    private let process: Process
    private let control: Pipe

    /// The server shared by every test of the process, started on first use. Tests put a unique
    /// tag in the paths whose requests they count.
    static func shared() async throws -> TestHTTPServer {
        try await SharedHTTPServer.instance.server()
    }

    /// Starts a server of its own and waits for it to report its port (on a thread of its own:
    /// the wait blocks).
    /// - Parameter tls: a PEM certificate and key to serve HTTPS with.
    static func start(tls: (certificate: String, key: String)? = nil) async throws -> TestHTTPServer {
        try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result { try TestHTTPServer(tls: tls) }) }.start()
        }
    }

    private init(tls: (certificate: String, key: String)?) throws {
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-u", "-c", Self.script] + (tls.map { [$0.certificate, $0.key] } ?? [])
        control = Pipe()
        let output = Pipe()
        process.standardInput = control
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        var line = Data()
        while !line.contains(UInt8(ascii: "\n")) {
            let chunk = output.fileHandleForReading.availableData
            guard !chunk.isEmpty else { break }
            line.append(chunk)
        }
        let text = String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard text.hasPrefix("PORT "), let port = Int(text.dropFirst(5)) else {
            try? control.fileHandleForWriting.close()
            throw ServerError(description: "the test HTTP server did not start (python3 said '\(text)')")
        }
        self.port = port
    }

    /// Closing its stdin makes the server exit; Foundation reaps the process.
    deinit {
        try? control.fileHandleForWriting.close()
    }

    /// `http://127.0.0.1:<port><path>`.
    func url(_ path: String) -> String { "http://127.0.0.1:\(port)\(path)" }

    /// How many requests reached `path` so far.
    func requestCount(_ path: String) async throws -> Int {
        var options = DownloadOptions()
        options.allowPrivateAddresses = true
        let response = try await CurlTransfer.run(
            HTTPRequest(method: "GET", url: url("/count" + path)), options: options.transferOptions,
            sink: .memory, progress: nil)
        let object = try JSONSerialization.jsonObject(with: response.body) as? [String: Int]
        return object?["count"] ?? -1
    }

    /// The bytes `/bytes/<n>` serves: byte i is i % 251.
    static func body(_ count: Int) -> Data { Data((0..<count).map { UInt8($0 % 251) }) }

    struct ServerError: Error, CustomStringConvertible { let description: String }

    private static let script = #"""
# A small HTTP server for the RVCStorage download tests (standard library only).
#
# Binds 127.0.0.1 on a free port, prints "PORT <n>" on stdout, and exits when its stdin closes
# (so it never outlives the test process). With two arguments (PEM certificate, key) it serves
# HTTPS. Routes:
#   /bytes/<n>[/<tag>]       n deterministic bytes (byte i = i % 251); tag only makes URLs distinct
#   /slow/<n>/<ms>[/<tag>]   n bytes, sent in 8 chunks spread over ms milliseconds
#   /redirect/<k>/<n>        302 chain of k hops ending at /bytes/<n>
#   /loop/<tag>              302 to itself, forever
#   /status/<code>           that status, a short body
#   /flaky/<fails>/<n>/<tag> 500 for the first <fails> requests of this tag, then /bytes/<n>
#   /stall                   headers (Content-Length 1000) and 10 bytes, then silence for 30 s
#   /hang                    accepts the connection, sends nothing for 30 s
#   /truncated/<n>           Content-Length n, sends n/2 bytes, closes
#   /chunked-big/<n>         n bytes with chunked encoding (no Content-Length)
#   /typed/<n>               n bytes with Content-Type audio/wav
#   /count/<path...>         JSON: how many requests hit /<path...> so far
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
    if len(sys.argv) == 3:  # certificate and key: serve HTTPS
        import ssl
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(sys.argv[1], sys.argv[2])
        server.socket = context.wrap_socket(server.socket, server_side=True)
    print(f"PORT {server.server_address[1]}", flush=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    sys.stdin.read()  # returns when the test process closes our stdin or exits
    os._exit(0)


if __name__ == "__main__":
    main()
"""#
}

/// Holds the process-wide shared server.
private actor SharedHTTPServer {
    static let instance = SharedHTTPServer()
    private var starting: Task<TestHTTPServer, Error>?

    func server() async throws -> TestHTTPServer {
        if let starting { return try await starting.value }
        let task = Task { try await TestHTTPServer.start() }
        starting = task
        return try await task.value
    }
}
