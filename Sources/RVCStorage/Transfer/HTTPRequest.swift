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
