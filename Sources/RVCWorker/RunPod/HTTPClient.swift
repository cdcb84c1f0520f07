import Foundation
import RVCStorage

/// A response to one ``HTTPClient`` request, for any status.
struct HTTPClientResponse: Sendable {
    var status: Int
    /// Header names lowercased.
    var headers: [String: String]
    var body: Data
}

/// Errors of ``HTTPClient`` below the HTTP level.
enum HTTPClientError: Error, Sendable, CustomStringConvertible {
    case invalidURL(String)
    case transport(url: String, message: String)
    case timedOut(url: String, seconds: Double)

    var description: String {
        switch self {
        case .invalidURL(let url): "invalid URL '\(RedactedURL.redact(url))'"
        case .transport(let url, let message): "request to \(RedactedURL.redact(url)) failed: \(message)"
        case .timedOut(let url, let seconds): "request to \(RedactedURL.redact(url)) got no answer within \(seconds) s"
        }
    }
}

/// The worker's small HTTP client for the platform's endpoints (job-take, job-stop, job-done,
/// ping), on RVCStorage's libcurl exchange: no cookies, no cache, no redirects, each request on a
/// connection of its own. (Foundation's URLSession on Linux kept about 1 kB per request, which a
/// worker polling for weeks cannot afford.) Cancelling the calling task cancels the request.
struct HTTPClient: Sendable {
    let userAgent: String

    init(userAgent: String = "rvc-nano/\(RVCWorkerInfo.version)") {
        self.userAgent = userAgent
    }

    /// Sends one request.
    /// - Parameter timeout: the limit for the whole request, in seconds; a request still open then
    ///   (a server that hangs) is abandoned.
    /// - Throws: ``HTTPClientError`` for transport failures and timeouts, `CancellationError` when
    ///   cancelled.
    func send(
        _ method: String, _ url: String, headers: [(String, String)] = [], body: Data? = nil,
        timeout: Double
    ) async throws -> HTTPClientResponse {
        let lowered = url.lowercased()
        guard lowered.hasPrefix("http://") || lowered.hasPrefix("https://"), URL(string: url)?.host != nil else {
            throw HTTPClientError.invalidURL(url)
        }
        do {
            let response = try await HTTPExchange.send(
                method, url, headers: headers.map { (name: $0.0, value: $0.1) }, body: body,
                timeout: .milliseconds(Int64(timeout * 1000)), userAgent: userAgent)
            return HTTPClientResponse(status: response.status, headers: response.headers, body: response.body)
        } catch StorageError.cancelled {
            throw CancellationError()
        } catch StorageError.timedOut(_, .total, let seconds) {
            throw HTTPClientError.timedOut(url: url, seconds: seconds)
        } catch let error as StorageError {
            if Task.isCancelled { throw CancellationError() }
            throw HTTPClientError.transport(url: url, message: error.description)
        }
    }
}
