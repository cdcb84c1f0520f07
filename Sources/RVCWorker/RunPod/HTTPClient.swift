import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

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

    var description: String {
        switch self {
        case .invalidURL(let url): "invalid URL '\(RedactedURL.redact(url))'"
        case .transport(let url, let message): "request to \(RedactedURL.redact(url)) failed: \(message)"
        }
    }
}

/// The worker's small HTTP client for the platform's endpoints (job-take, job-done, ping), built on
/// Foundation's URLSession (libcurl on Linux), so it adds no package dependency. No cookies or
/// cached responses are kept. Cancelling the calling task cancels the request.
final class HTTPClient: Sendable {
    private let session: URLSession
    let userAgent: String

    init(userAgent: String = "rvc-nano/\(RVCWorkerInfo.version)") {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.httpCookieStorage = nil
        configuration.httpShouldSetCookies = false
        configuration.urlCache = nil
        configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
        configuration.timeoutIntervalForResource = 3_600
        session = URLSession(configuration: configuration)
        self.userAgent = userAgent
    }

    deinit { session.invalidateAndCancel() }

    /// Sends one request.
    /// - Parameter timeout: the limit for the whole request, in seconds.
    /// - Throws: ``HTTPClientError`` for transport failures, `CancellationError` when cancelled.
    func send(
        _ method: String, _ url: String, headers: [(String, String)] = [], body: Data? = nil,
        timeout: Double
    ) async throws -> HTTPClientResponse {
        guard let target = URL(string: url) else { throw HTTPClientError.invalidURL(url) }
        var request = URLRequest(url: target, cachePolicy: .reloadIgnoringLocalCacheData, timeoutInterval: timeout)
        request.httpMethod = method
        request.setValue(userAgent, forHTTPHeaderField: "User-Agent")
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        request.httpBody = body
        let box = TaskBox()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<HTTPClientResponse, any Error>) in
                let task = session.dataTask(with: request) { data, response, error in
                    if let error {
                        if (error as NSError).code == NSURLErrorCancelled {
                            continuation.resume(throwing: CancellationError())
                        } else {
                            continuation.resume(throwing: HTTPClientError.transport(url: url, message: error.localizedDescription))
                        }
                        return
                    }
                    guard let http = response as? HTTPURLResponse else {
                        continuation.resume(throwing: HTTPClientError.transport(url: url, message: "no HTTP response"))
                        return
                    }
                    var fields: [String: String] = [:]
                    for (name, value) in http.allHeaderFields {
                        fields[String(describing: name).lowercased()] = String(describing: value)
                    }
                    continuation.resume(returning: HTTPClientResponse(status: http.statusCode, headers: fields, body: data ?? Data()))
                }
                box.set(task)
                task.resume()
            }
        } onCancel: {
            box.cancel()
        }
    }
}

/// Holds the data task so a cancellation arriving from another thread can reach it.
private final class TaskBox: @unchecked Sendable {
    private let lock = NSLock()
    private var task: URLSessionDataTask?
    private var cancelled = false

    func set(_ task: URLSessionDataTask) {
        lock.lock()
        self.task = task
        let cancelNow = cancelled
        lock.unlock()
        if cancelNow { task.cancel() }
    }

    func cancel() {
        lock.lock()
        cancelled = true
        let task = self.task
        lock.unlock()
        task?.cancel()
    }
}
