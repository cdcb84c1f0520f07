import Foundation
import Synchronization

/// A loopback server written as a Python 3 standard-library script (python3 is on every machine
/// that builds the project), run with `python3 -u -c`: it prints `PORT <n>` once it listens, then
/// answers one line on stdout for each command line (and payload) on stdin, and exits when its
/// stdin closes, so it never outlives the test process. ``TestHTTPServer`` and ``FaultProxy`` are
/// built on it; both hold requests open, and ``prelude`` (run before each script) gives their
/// request handlers the one way of noticing a client that hung up.
final class ScriptedServer: @unchecked Sendable {
    /// The port the script reported.
    let port: Int

    private let process: Process
    /// The script's stdin (commands) and stdout (answers), used under the lock only.
    private let channel: Mutex<Channel>

    private struct Channel {
        let commands: FileHandle
        let answers: FileHandle
        var unread = Data()
        var stopped = false
    }

    /// Starts the script and waits for its port (blocking: call from a thread of its own).
    /// - Throws: ``ServerError`` when the script does not report a port.
    init(script: String, arguments: [String] = [], name: String) throws {
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-u", "-c", Self.prelude + script] + arguments
        let commands = Pipe(), answers = Pipe()
        process.standardInput = commands
        process.standardOutput = answers
        process.standardError = FileHandle.nullDevice
        try process.run()
        var unread = Data()
        let text = Self.readLine(answers.fileHandleForReading, unread: &unread) ?? ""
        guard text.hasPrefix("PORT "), let port = Int(text.dropFirst(5)) else {
            try? commands.fileHandleForWriting.close()
            throw ServerError(description: "the \(name) did not start (python3 said '\(text)')")
        }
        self.port = port
        channel = Mutex(Channel(commands: commands.fileHandleForWriting, answers: answers.fileHandleForReading, unread: unread))
    }

    deinit { stop() }

    /// Closes the script's stdin, which makes it exit; idempotent.
    func stop() {
        channel.withLock { channel in
            guard !channel.stopped else { return }
            channel.stopped = true
            try? channel.commands.close()
        }
    }

    /// Sends one command line (and its payload) and reads the one-line answer, holding the lock
    /// so that answers cannot be interleaved.
    /// - Throws: ``ServerError`` when the script has stopped or exited.
    func command(_ line: String, payload: Data = Data()) throws -> String {
        try channel.withLock { channel throws -> String in
            guard !channel.stopped else { throw ServerError(description: "the server was stopped") }
            try channel.commands.write(contentsOf: Data((line + "\n").utf8) + payload)
            guard let answer = Self.readLine(channel.answers, unread: &channel.unread) else {
                throw ServerError(description: "the server exited (no answer to '\(line)')")
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

    /// Python run before every script: `ClientWatch`, a mixin for request handlers that hold a
    /// request open (until a gate opens, or forever), with `client_gone()` (the client closed
    /// its end: EOF on a peek that does not block) and `wait(event, limit)` (True once `event` is
    /// set; False when the client hangs up or `limit` seconds pass; with no event it waits for those).
    static let prelude = #"""
import select as _select
import socket as _socket
import time as _time


class ClientWatch:
    def client_gone(self):
        readable, _, _ = _select.select([self.connection], [], [], 0)
        if not readable:
            return False
        try:
            return self.connection.recv(1, _socket.MSG_PEEK | _socket.MSG_DONTWAIT) == b""
        except BlockingIOError:
            return False
        except OSError:
            return True

    def wait(self, event=None, limit=600.0):
        deadline = _time.monotonic() + limit
        while _time.monotonic() < deadline:
            if event is not None and event.is_set():
                return True
            if self.client_gone():
                return False
            _time.sleep(0.02)
        return False


"""#

    /// The script did not start, has stopped, or did not answer a command as expected.
    struct ServerError: Error, CustomStringConvertible {
        let description: String
    }
}
