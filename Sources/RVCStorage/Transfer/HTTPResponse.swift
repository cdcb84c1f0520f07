import Foundation

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
