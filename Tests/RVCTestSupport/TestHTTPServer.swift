import Foundation
import Synchronization

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
///   `/typed/<n>`.
///
/// Anything else is a 404. The test process talks to the script over its stdin and stdout (one
/// command and one answer at a time), so registering a file or reading a count needs no HTTP client.
public final class TestHTTPServer: @unchecked Sendable {
    /// The port the server listens on.
    public let port: Int
    /// `http://127.0.0.1:<port>` (`https` when started with a certificate), no trailing slash.
    public let baseURL: String

    private let process: Process
    /// The script's stdin (commands) and stdout (answers), used under the lock only.
    private let channel: Mutex<Channel>

    private struct Channel {
        let commands: FileHandle
        let answers: FileHandle
        var unread = Data()
        var stopped = false
    }

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
        try await withCheckedThrowingContinuation { continuation in
            Thread {
                continuation.resume(with: Result {
                    let server = try TestHTTPServer(tls: tls)
                    for (name, data) in files { try server.serve(data, at: name) }
                    return server
                })
            }.start()
        }
    }

    private init(tls: (certificate: String, key: String)?) throws {
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-u", "-c", Self.script] + (tls.map { [$0.certificate, $0.key] } ?? [])
        let commands = Pipe(), answers = Pipe()
        process.standardInput = commands
        process.standardOutput = answers
        process.standardError = FileHandle.nullDevice
        try process.run()
        var unread = Data()
        let text = Self.readLine(answers.fileHandleForReading, unread: &unread) ?? ""
        guard text.hasPrefix("PORT "), let port = Int(text.dropFirst(5)) else {
            try? commands.fileHandleForWriting.close()
            throw ServerError(description: "the test HTTP server did not start (python3 said '\(text)')")
        }
        self.port = port
        baseURL = "\(tls == nil ? "http" : "https")://127.0.0.1:\(port)"
        channel = Mutex(Channel(
            commands: commands.fileHandleForWriting, answers: answers.fileHandleForReading, unread: unread))
    }

    /// Closing its stdin makes the server exit; Foundation reaps the process.
    deinit { stop() }

    /// Stops the server (it exits as soon as it reads the end of its stdin); idempotent.
    public func stop() {
        channel.withLock { channel in
            guard !channel.stopped else { return }
            channel.stopped = true
            try? channel.commands.close()
        }
    }

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

    /// The bytes `/bytes/<n>` serves: byte i is i % 251.
    public static func body(_ count: Int) -> Data { Data((0..<count).map { UInt8($0 % 251) }) }

    /// The server did not start, has stopped, or did not answer a command as expected.
    public struct ServerError: Error, CustomStringConvertible {
        public let description: String
    }

    /// Sends one command line (and its payload) and reads the one-line answer, holding the lock
    /// so that answers cannot be interleaved.
    private func command(_ line: String, payload: Data = Data()) throws -> String {
        try channel.withLock { channel throws -> String in
            guard !channel.stopped else { throw ServerError(description: "the test HTTP server was stopped") }
            try channel.commands.write(contentsOf: Data((line + "\n").utf8) + payload)
            guard let answer = Self.readLine(channel.answers, unread: &channel.unread) else {
                throw ServerError(description: "the test HTTP server exited (no answer to '\(line)')")
            }
            return answer
        }
    }

    /// The next line of `handle` (without its newline), keeping what follows it in `unread`; nil at
    /// the end of the stream.
    private static func readLine(_ handle: FileHandle, unread: inout Data) -> String? {
        while true {
            if let newline = unread.firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: unread[unread.startIndex..<newline], as: UTF8.self)
                unread = Data(unread[unread.index(after: newline)...])
                return line.trimmingCharacters(in: .whitespaces)
            }
            let chunk = handle.availableData
            guard !chunk.isEmpty else { return nil }
            unread.append(chunk)
        }
    }

    private static func absolute(_ path: String) -> String { path.hasPrefix("/") ? path : "/" + path }
}
