import Foundation

/// A real HTTP(S) server on 127.0.0.1 for tests: a small Python 3 standard-library script (python3
/// is on every machine that builds the project), started on a free port and stopped by ``stop()``
/// or when the value is released; it also exits by itself when the test process ends, since it
/// watches its stdin.
///
/// It serves two kinds of paths, and counts the requests of every path (``requestCount(_:)``):
/// - files registered with ``serve(_:at:)`` (or given to ``start(_:tls:)``): `GET /<name>` answers
///   their bytes as `application/octet-stream`;
/// - scripted routes for the download tests (see the script): `/bytes/<n>[/<tag>]`,
///   `/slow/<n>/<ms>[/<tag>]`, `/redirect/<k>/<n>`, `/loop/<tag>`, `/status/<code>`,
///   `/flaky/<fails>/<n>/<tag>`, `/stall`, `/hang`, `/truncated/<n>`, `/chunked-big/<n>`,
///   `/typed/<n>`, and the hostile or gated ones: `/hold/<n>/<first>/<tag>` (held until
///   ``release(_:)`` or the client hangs up, ``clientHungUp(_:)``), `/gate/<tag>/<name>` (a
///   registered file, served once ``release(_:)`` opens the gate), `/excess/<n>/<extra>`,
///   `/redirect-to/<tag>?to=<url>`, `/endless/<tag>` and `/endless-declared/<tag>` (2 GB,
///   ``bytesSent(_:)``).
///
/// Anything else is a 404. The test process talks to the script over its stdin and stdout (one
/// command and one answer at a time), so registering a file or reading a count needs no HTTP client.
public final class TestHTTPServer: @unchecked Sendable {
    /// The port the server listens on.
    public let port: Int
    /// `http://127.0.0.1:<port>` (`https` when started with a certificate), no trailing slash.
    public let baseURL: String

    private let server: ScriptedServer

    private static let sharedServer = SharedInstance { try await TestHTTPServer.start() }

    /// The server shared by every test of the process, started on first use. Tests put a unique
    /// tag in the paths whose requests they count.
    /// - Throws: `ServerError` when the server does not start.
    public static func shared() async throws -> TestHTTPServer {
        try await sharedServer.value()
    }

    /// Starts a server of its own serving `files` (name → bytes; a name is a path with or without
    /// its leading `/`) and waits for it to report its port, on a thread of its own (the wait blocks).
    /// - Parameter tls: a PEM certificate and key (file paths) to serve HTTPS with.
    /// - Throws: `ServerError` when the server does not start or does not take the files.
    public static func start(
        _ files: [String: Data] = [:], tls: (certificate: String, key: String)? = nil
    ) async throws -> TestHTTPServer {
        let tlsFiles = tls.map { [$0.certificate, $0.key] }
        return try await onOwnThread {
            let server = try TestHTTPServer(tls: tlsFiles)
            for (name, data) in files { try server.serve(data, at: name) }
            return server
        }
    }

    private init(tls: [String]?) throws {
        do {
            server = try ScriptedServer(script: Self.script, arguments: tls ?? [], name: "test HTTP server")
        } catch let error as ScriptedServer.ServerError {
            throw ServerError(description: error.description)
        }
        port = server.port
        baseURL = "\(tls == nil ? "http" : "https")://127.0.0.1:\(port)"
    }

    /// Stops the server (it exits as soon as it reads the end of its stdin); idempotent.
    public func stop() { server.stop() }

    /// `<baseURL>/<path>`; the leading `/` of `path` is optional.
    public func url(_ path: String) -> String { baseURL + Self.absolute(path) }

    /// Serves `data` at `name` (a path, its leading `/` optional) from now on, in place of any
    /// scripted route or earlier file there.
    /// - Throws: `ServerError` when the server has stopped or does not confirm.
    public func serve(_ data: Data, at name: String) throws {
        let answer = try command("SERVE \(data.count) \(Self.absolute(name))", payload: data)
        guard answer == "OK" else { throw ServerError(description: "the test HTTP server refused \(name): \(answer)") }
    }

    /// How many requests reached `path` so far (its leading `/` optional; query strings are not part
    /// of the path), whatever was answered.
    /// - Throws: `ServerError` when the server has stopped or gives no count.
    public func requestCount(_ path: String) throws -> Int {
        let answer = try command("COUNT \(Self.absolute(path))")
        guard let count = Int(answer) else {
            throw ServerError(description: "the test HTTP server gave no count for \(path): \(answer)")
        }
        return count
    }

    /// Lets the held `/hold/<n>/<first>/<tag>` send the rest of its body, and `/gate/<tag>/…` its
    /// file (also before they were requested).
    /// - Throws: `ServerError` when the server has stopped.
    public func release(_ tag: String) throws {
        let answer = try command("RELEASE \(tag)")
        guard answer == "OK" else { throw ServerError(description: "the test HTTP server did not release \(tag): \(answer)") }
    }

    /// Whether a client hung up on the held or streaming route of `tag` (`/hold/…/<tag>`,
    /// `/endless/<tag>`) before it was finished.
    /// - Throws: `ServerError` when the server has stopped.
    public func clientHungUp(_ tag: String) throws -> Bool {
        try command("GONE \(tag)") == "1"
    }

    /// The body bytes `/endless/<tag>` (or `/endless-declared/<tag>`) has written so far.
    /// - Throws: `ServerError` when the server has stopped or gives no count.
    public func bytesSent(_ tag: String) throws -> Int {
        let answer = try command("SENT \(tag)")
        guard let count = Int(answer) else { throw ServerError(description: "no byte count for \(tag): \(answer)") }
        return count
    }

    /// Waits (polling, without blocking the cooperative pool for long) until `condition` holds or
    /// `limit` passes; returns whether it held. For conditions the server reports, such as
    /// ``clientHungUp(_:)``; the limit only bounds a test that would otherwise hang.
    public func eventually(limit: Duration = .seconds(60), _ condition: (TestHTTPServer) throws -> Bool) async throws -> Bool {
        let deadline = ContinuousClock.now + limit
        while ContinuousClock.now < deadline {
            if try condition(self) { return true }
            try await Task.sleep(for: .milliseconds(20))
        }
        return try condition(self)
    }

    /// The bytes `/bytes/<n>` serves: byte i is i % 251.
    public static func body(_ count: Int) -> Data { Data((0..<count).map { UInt8($0 % 251) }) }

    /// The server did not start, has stopped, or did not answer a command as expected.
    public struct ServerError: Error, CustomStringConvertible {
        public let description: String
    }

    private func command(_ line: String, payload: Data = Data()) throws -> String {
        do {
            return try server.command(line, payload: payload)
        } catch let error as ScriptedServer.ServerError {
            throw ServerError(description: "the test HTTP server: \(error.description)")
        }
    }

    private static func absolute(_ path: String) -> String { path.hasPrefix("/") ? path : "/" + path }
}
