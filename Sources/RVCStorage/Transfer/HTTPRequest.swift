import Foundation

/// One HTTP request for ``CurlTransfer``.
struct HTTPRequest: Sendable {
    /// What is sent as the request body.
    enum Body: Sendable {
        case none
        case data(Data)
        /// The whole file at this path, streamed.
        case file(String)
    }

    /// `GET`, `HEAD`, `PUT`, `POST`, `DELETE`...
    var method: String
    /// Absolute http(s) URL, already percent-encoded.
    var url: String
    /// Extra request headers, sent as given (curl adds Host, User-Agent and the framing headers
    /// unless they are set here).
    var headers: [(name: String, value: String)] = []
    var body: Body = .none
}

/// Where a response body goes.
enum ResponseSink: Sendable {
    /// Kept in memory and returned in ``HTTPResponse/body``.
    case memory
    /// Written to this open file descriptor (which the caller owns and closes).
    case file(Int32)
}

/// The outcome of one ``CurlTransfer``, for any HTTP status.
struct HTTPResponse: Sendable {
    /// The final HTTP status, after redirects.
    var status: Int
    /// Headers of the final response, names as sent.
    var headers: [(name: String, value: String)]
    /// The body for a `.memory` sink with a 2xx status; for other statuses, the first 64 KiB of the
    /// error body (S3 puts its XML error document there).
    var body: Data
    /// Body bytes received (2xx) and written to the sink.
    var bytesReceived: Int64
    /// Lowercase hex SHA-256 of the 2xx body written to the sink.
    var sha256: String
    /// The URL of the final response, after redirects.
    var effectiveURL: String

    /// The first value of a header, matched case-insensitively.
    func header(_ name: String) -> String? {
        headers.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
    }

    var isSuccess: Bool { (200..<300).contains(status) }
}

/// Limits and policies of one transfer.
struct TransferOptions: Sendable {
    var connectTimeout: Duration
    /// Below `lowSpeedLimit` bytes per second for `lowSpeedTime`, the transfer counts as stalled.
    var lowSpeedLimit: Int
    var lowSpeedTime: Duration
    /// 0 means redirects are not followed.
    var maxRedirects: Int
    /// Largest body accepted; nil for no limit.
    var maxBytes: Int64?
    var allowPrivateAddresses: Bool
    var userAgent: String
}

extension Duration {
    /// Whole milliseconds, rounded down, at least 0.
    var milliseconds: Int {
        let (seconds, attoseconds) = components
        return max(0, Int(seconds) * 1000 + Int(attoseconds / 1_000_000_000_000_000))
    }

    var secondsValue: Double { Double(milliseconds) / 1000 }
}
