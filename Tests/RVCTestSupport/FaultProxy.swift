import Foundation

/// A fault-injecting HTTP/1.1 proxy on 127.0.0.1 in front of a real server (the RunPod test
/// server, SeaweedFS): requests pass through unchanged unless a fault rule matches them, so a test
/// can make one job-done answer 503, reset one S3 upload, hold one job-take until a gate opens, or
/// take the whole upstream "down". Every request is logged with the fault it met.
///
/// A Python 3 standard-library script (see ``script``), like ``TestHTTPServer``; it exits with the
/// test process.
public final class FaultProxy: @unchecked Sendable {
    /// What to do to one matching request.
    public enum Fault: Sendable, Equatable {
        /// Answer this HTTP status (with a short text body) instead of forwarding.
        case status(Int)
        /// Read the request, then close the connection with a TCP reset.
        case reset
        /// Answer bytes that are not HTTP, then close.
        case garbage
        /// Answer nothing until the client gives up and hangs up.
        case hang
        /// Hold the request until ``release(_:)`` of `gate` (then forward it, or reset it when the
        /// proxy went down meanwhile) or the client hangs up.
        case hold(gate: String)
        /// Forward, then trickle the answer back a few bytes at a time.
        case slow
        /// Forward untouched: lets a request through before the faults meant for the next ones.
        case pass

        /// The name the proxy logs for a request that met this fault (``Request/fault``).
        public var kind: String { String(command.prefix { $0 != " " }) }

        var command: String {
            switch self {
            case .status(let code): "status \(code)"
            case .reset: "reset"
            case .garbage: "garbage"
            case .hang: "hang"
            case .hold(let gate): "hold \(gate)"
            case .slow: "slow"
            case .pass: "pass"
            }
        }
    }

    /// One request the proxy received.
    public struct Request: Sendable, Equatable {
        public var method: String
        /// Without the query.
        public var path: String
        /// The fault it met (`status`, `reset`, ..., `down`), nil when forwarded untouched.
        public var fault: String?
        /// Seconds on the proxy's monotonic clock.
        public var time: Double
    }

    /// The proxy's port.
    public let port: Int
    /// `http://127.0.0.1:<port>`, no trailing slash.
    public let baseURL: String
    private let server: ScriptedServer

    /// Starts a proxy forwarding to `upstream` (`http://host:port`, any path ignored).
    /// - Throws: ``ProxyError`` when the upstream URL has no host and port or the proxy does not start.
    public static func start(upstream: String) async throws -> FaultProxy {
        guard let url = URL(string: upstream), let host = url.host, let port = url.port else {
            throw ProxyError(description: "the upstream '\(upstream)' has no host and port")
        }
        return try await onOwnThread { try FaultProxy(host: host, port: port) }
    }

    private init(host: String, port: Int) throws {
        do {
            server = try ScriptedServer(script: Self.script, arguments: [host, String(port)], name: "fault proxy")
        } catch let error as ScriptedServer.ServerError {
            throw ProxyError(description: error.description)
        }
        self.port = server.port
        baseURL = "http://127.0.0.1:\(server.port)"
    }

    /// Stops the proxy; idempotent.
    public func stop() { server.stop() }

    /// Applies `faults`, in order, to the next requests whose path starts with `pathPrefix` (and
    /// whose method is `method`, any when nil); each fault is used once. Rules for other prefixes
    /// are independent.
    /// - Throws: ``ProxyError`` when the proxy has stopped.
    public func inject(_ faults: [Fault], on pathPrefix: String, method: String? = nil) throws {
        for fault in faults {
            try expectOK("FAULT \(method ?? "*") \(pathPrefix) \(fault.command)")
        }
    }

    /// Takes the upstream "down" (every request is read and its connection reset, as when the
    /// server has stopped) or back up.
    /// - Throws: ``ProxyError`` when the proxy has stopped.
    public func setDown(_ down: Bool) throws { try expectOK("DOWN \(down ? 1 : 0)") }

    /// Lets requests held by ``Fault/hold(gate:)`` with this gate go on (and those that come later).
    /// - Throws: ``ProxyError`` when the proxy has stopped.
    public func release(_ gate: String) throws { try expectOK("RELEASE \(gate)") }

    /// Fault rules not used yet.
    /// - Throws: ``ProxyError`` when the proxy has stopped.
    public func pendingFaults() throws -> Int {
        let answer = try command("PENDING")
        guard let count = Int(answer) else { throw ProxyError(description: "the fault proxy answered '\(answer)'") }
        return count
    }

    /// The requests received so far whose path starts with `pathPrefix`, in arrival order.
    /// - Throws: ``ProxyError`` when the proxy has stopped or its log cannot be read.
    public func requests(_ pathPrefix: String = "/") throws -> [Request] {
        let answer = try command("LOG")
        guard let items = try JSONSerialization.jsonObject(with: Data(answer.utf8)) as? [[String: Any]] else {
            throw ProxyError(description: "the fault proxy's log is not a list: \(answer.prefix(200))")
        }
        return items.compactMap { item -> Request? in
            guard let method = item["method"] as? String, let path = item["path"] as? String,
                  let time = item["t"] as? Double, path.hasPrefix(pathPrefix)
            else { return nil }
            return Request(method: method, path: path, fault: item["fault"] as? String, time: time)
        }
    }

    /// The proxy did not start, has stopped, or answered a command unexpectedly.
    public struct ProxyError: Error, CustomStringConvertible {
        public let description: String
    }

    private func expectOK(_ line: String) throws {
        let answer = try command(line)
        guard answer == "OK" else { throw ProxyError(description: "the fault proxy refused '\(line)': \(answer)") }
    }

    private func command(_ line: String) throws -> String {
        do {
            return try server.command(line)
        } catch let error as ScriptedServer.ServerError {
            throw ProxyError(description: "the fault proxy: \(error.description)")
        }
    }
}
