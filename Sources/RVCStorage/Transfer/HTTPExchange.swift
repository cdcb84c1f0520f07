import Foundation

/// One HTTP request to a service the operator configured (the RunPod platform's endpoints, the
/// local API in tests), with libcurl: the body is sent and the answer kept in memory, redirects are
/// not followed, private addresses are allowed, and the whole exchange is bounded by a timeout.
/// Each exchange has a connection of its own. Cancelling the calling task aborts it at once.
///
/// For URLs from strangers use ``Downloader``, which applies the private-address policy.
public enum HTTPExchange {
    /// An answer, for any status.
    public struct Response: Sendable {
        public var status: Int
        /// Header names lowercased (the last value of a repeated header).
        public var headers: [String: String]
        /// The body (for a status outside 2xx, its first 64 KiB).
        public var body: Data
    }

    /// Sends one request and returns the answer, whatever its status.
    /// - Parameters:
    ///   - headers: sent as given (libcurl adds Host, Accept and the framing headers).
    ///   - body: sent with its length; a POST or PUT without one sends an empty body.
    ///   - timeout: limit of the whole exchange (a long-poll's limit); the connection must be made
    ///     within 15 s of it.
    ///   - maxBytes: largest 2xx body accepted.
    /// - Throws: ``StorageError`` for transport failures (``StorageError/timedOut(url:phase:seconds:)``
    ///   with phase `total` or `connect`, `network`, `tls`, `tooLarge`, `cancelled`).
    public static func send(
        _ method: String, _ url: String, headers: [(name: String, value: String)] = [], body: Data? = nil,
        timeout: Duration, userAgent: String = "rvc-nano", maxBytes: Int64 = 64 << 20
    ) async throws -> Response {
        var options = DownloadOptions()
        options.allowPrivateAddresses = true
        options.maxRedirects = 0
        options.maxBytes = maxBytes
        options.userAgent = userAgent
        options.connectTimeout = min(options.connectTimeout, timeout)
        var transfer = options.transferOptions
        // A long-poll is silent until it answers: only the total limit applies.
        transfer.lowSpeedTime = timeout
        transfer.totalTimeout = timeout
        let payload: HTTPRequest.Body = body.map { .data($0) } ?? (["POST", "PUT"].contains(method) ? .data(Data()) : .none)
        let response = try await CurlTransfer.run(
            HTTPRequest(method: method, url: url, headers: headers, body: payload), options: transfer,
            sink: .memory, progress: nil)
        var fields: [String: String] = [:]
        for (name, value) in response.headers { fields[name.lowercased()] = value }
        return Response(status: response.status, headers: fields, body: response.body)
    }
}
