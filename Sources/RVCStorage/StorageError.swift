/// Everything that can go wrong in RVCStorage: downloads, the disk cache and S3.
///
/// Every case names the resource (a URL with its credentials and query values redacted, a file
/// path, or an S3 operation) and what failed, so the message can be shown to a user as is.
public enum StorageError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Which phase of a transfer ran out of time.
    public enum TimeoutPhase: String, Sendable, Equatable {
        /// No connection was established within the connect timeout.
        case connect
        /// The transfer moved fewer bytes per second than the low-speed limit for too long.
        case stalled
        /// The whole exchange took longer than its limit (``HTTPExchange``).
        case total
    }

    /// The URL could not be parsed.
    case invalidURL(url: String, reason: String)
    /// The URL's scheme is not http, https or data.
    case unsupportedScheme(url: String, scheme: String)
    /// The host resolved to (or is) a loopback, link-local, private or otherwise internal address,
    /// and private addresses are not allowed (see `DownloadOptions.allowPrivateAddresses`).
    case privateAddress(url: String, address: String, range: String)
    /// The URL redirected to `target`, whose host is (or resolves to) a forbidden address, as for
    /// ``privateAddress(url:address:range:)``; nothing was requested from it.
    case redirectedToPrivateAddress(url: String, target: String, address: String, range: String)
    /// The server answered with a non-success HTTP status.
    case httpStatus(url: String, status: Int)
    /// The body is larger than the limit, by its declared Content-Length or while streaming.
    case tooLarge(url: String, limit: Int64)
    /// The connection ended before the declared Content-Length was received.
    case truncated(url: String, expected: Int64, received: Int64)
    /// The transfer timed out.
    case timedOut(url: String, phase: TimeoutPhase, seconds: Double)
    /// More redirects than allowed.
    case tooManyRedirects(url: String, limit: Int)
    /// TLS failed (certificate not trusted, handshake error...).
    case tls(url: String, message: String)
    /// Any other transport failure (connection refused, DNS failure, reset...), with libcurl's code
    /// and message.
    case network(url: String, code: Int, message: String)
    /// A `data:` URL is malformed.
    case invalidDataURL(reason: String)
    /// The downloaded content's SHA-256 is not the expected one.
    case checksumMismatch(url: String, expected: String, actual: String)
    /// An expected SHA-256 given by a caller is not 64 hexadecimal digits.
    case invalidChecksum(String)
    /// A file system operation failed.
    case fileSystem(path: String, operation: String, message: String)
    /// The transfer was cancelled by the caller.
    case cancelled(url: String)
    /// The S3 configuration is incomplete or invalid.
    case s3Configuration(reason: String)
    /// An S3 request failed; `code` and `message` come from the XML error body when there is one
    /// (e.g. `SignatureDoesNotMatch`, `NoSuchKey`).
    case s3(operation: String, url: String, status: Int, code: String?, message: String?, requestID: String?)

    public var description: String {
        switch self {
        case .invalidURL(let url, let reason):
            return "Invalid URL '\(url)': \(reason)."
        case .unsupportedScheme(let url, let scheme):
            return "Refused URL '\(url)': scheme '\(scheme)' is not supported (use http, https or data)."
        case .privateAddress(let url, let address, let range):
            return "Refused URL '\(url)': its host is \(address), a \(range) address; "
                + "set RVC_ALLOW_PRIVATE_URLS=1 (or --allow-private-urls) to allow it for local use."
        case .redirectedToPrivateAddress(let url, let target, let address, let range):
            return "Refused URL '\(url)': it redirects to '\(target)', whose host is \(address), a \(range) address; "
                + "set RVC_ALLOW_PRIVATE_URLS=1 (or --allow-private-urls) to allow it for local use."
        case .httpStatus(let url, let status):
            return "Download of '\(url)' failed: the server answered HTTP \(status)."
        case .tooLarge(let url, let limit):
            return "Download of '\(url)' refused: the body is larger than the limit of \(limit) bytes."
        case .truncated(let url, let expected, let received):
            return "Download of '\(url)' is truncated: received \(received) of \(expected) bytes."
        case .timedOut(let url, let phase, let seconds):
            switch phase {
            case .connect:
                return "Download of '\(url)' timed out: no connection within \(seconds) s."
            case .stalled:
                return "Download of '\(url)' timed out: the transfer stalled for \(seconds) s."
            case .total:
                return "Request to '\(url)' timed out: no complete answer within \(seconds) s."
            }
        case .tooManyRedirects(let url, let limit):
            return "Download of '\(url)' failed: more than \(limit) redirects."
        case .tls(let url, let message):
            return "TLS failed for '\(url)': \(message)."
        case .network(let url, let code, let message):
            return "Transfer of '\(url)' failed: \(message) (libcurl error \(code))."
        case .invalidDataURL(let reason):
            return "Invalid data: URL: \(reason)."
        case .checksumMismatch(let url, let expected, let actual):
            return "Content of '\(url)' has SHA-256 \(actual), expected \(expected)."
        case .invalidChecksum(let value):
            return "Invalid SHA-256 '\(value)': expected 64 hexadecimal digits."
        case .fileSystem(let path, let operation, let message):
            return "Could not \(operation) '\(path)': \(message)."
        case .cancelled(let url):
            return "Transfer of '\(url)' was cancelled."
        case .s3Configuration(let reason):
            return "S3 configuration: \(reason)."
        case .s3(let operation, let url, let status, let code, let message, let requestID):
            var text = "S3 \(operation) of '\(url)' failed with HTTP \(status)"
            if let code { text += ": \(code)" }
            if let message { text += " (\(message))" }
            if let requestID { text += " [request id \(requestID)]" }
            return text + "."
        }
    }

    /// Whether trying again later may succeed: 5xx, 408 and 429 answers, timeouts, truncated bodies
    /// and connection-level failures. Client errors and policy refusals are final.
    var isTransient: Bool {
        switch self {
        case .httpStatus(_, let status):
            return status >= 500 || status == 408 || status == 429
        case .s3(_, _, let status, _, _, _):
            return status >= 500 || status == 408 || status == 429
        case .timedOut, .truncated:
            return true
        case .network(_, let code, _):
            return Self.transientCurlCodes.contains(code)
        default:
            return false
        }
    }

    /// libcurl codes worth a retry: could not resolve (6) or connect (7), HTTP/2 errors (16, 92),
    /// empty reply (52), send/receive errors (55, 56).
    private static let transientCurlCodes: Set<Int> = [6, 7, 16, 52, 55, 56, 92]
}
