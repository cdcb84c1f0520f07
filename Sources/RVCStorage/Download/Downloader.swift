import Crypto
import Foundation
import Logging
import RVCBasics

#if canImport(Glibc)
import Glibc
#endif

/// Downloads `http`, `https` and `data:` URLs to files, with the limits and policies of
/// ``DownloadOptions``: redirects, verified TLS, timeouts, bounded retries with exponential backoff,
/// a size limit, and refusal of private addresses. Other schemes are refused.
///
/// Transfers run on a dedicated thread, never on Swift's cooperative pool; cancelling the calling
/// task aborts the transfer.
public struct Downloader: Sendable {
    public let options: DownloadOptions
    private let logger: Logger
    /// See ``TransferOptions/exemptAddresses``; for tests only.
    var exemptAddresses: Set<String> = []

    public init(options: DownloadOptions = DownloadOptions(), logger: Logger = Logger(label: "rvc.storage.download")) {
        self.options = options
        self.logger = logger
    }

    /// Downloads `url` into the file at `destination` (created or replaced), and fsyncs it.
    ///
    /// On failure the destination is removed: a failed or partial download never leaves a file.
    /// - Parameter progress: called on the transfer thread with bytes received and the total.
    /// - Throws: ``StorageError``.
    public func download(
        _ url: String, to destination: URL, progress: ProgressHandler? = nil
    ) async throws -> DownloadResult {
        let path = destination.path
        do {
            return try await downloadUnchecked(url, path: path, progress: progress)
        } catch {
            _ = unlink(path)
            if error is CancellationError { throw StorageError.cancelled(url: RedactedURL(url).description) }
            throw error
        }
    }

    private func downloadUnchecked(
        _ url: String, path: String, progress: ProgressHandler?
    ) async throws -> DownloadResult {
        let scheme = try Self.scheme(of: url)
        if scheme == "data" {
            let parsed = try DataURL(url, maxBytes: min(options.maxBytes, options.maxDataURLBytes))
            try await BlockingThread.run(name: "rvc-write") {
                try FileWriter.write(parsed.data, to: path)
            }
            progress?(TransferProgress(bytesDone: Int64(parsed.data.count), totalBytes: Int64(parsed.data.count)))
            let type = ([parsed.mediaType] + parsed.parameters.map { "\($0.name)=\($0.value)" })
                .joined(separator: ";")
            return DownloadResult(
                byteCount: Int64(parsed.data.count), sha256: SHA256.hash(data: parsed.data).lowercaseHex,
                mediaType: type, attempts: 1)
        }
        try checkLiteralHost(of: url)

        var attempt = 0
        while true {
            attempt += 1
            do {
                let response = try await transferOnce(url, path: path, progress: progress)
                return DownloadResult(
                    byteCount: response.bytesReceived, sha256: response.sha256,
                    mediaType: response.header("Content-Type"), attempts: attempt)
            } catch let error as StorageError {
                guard error.isTransient, attempt <= options.maxRetries else { throw error }
                let delay = options.delay(beforeRetry: attempt)
                logger.warning(
                    "download failed, retrying",
                    metadata: [
                        "url": "\(RedactedURL(url))", "attempt": "\(attempt)",
                        "delay_ms": "\(delay.wholeMilliseconds)", "error": "\(error)",
                    ])
                try await Task.sleep(for: delay)
            }
        }
    }

    /// One attempt: truncates the file, transfers, fsyncs.
    private func transferOnce(_ url: String, path: String, progress: ProgressHandler?) async throws -> HTTPResponse {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw StorageError.fileSystem(path: path, operation: "create", message: String(cString: strerror(errno)))
        }
        defer { _ = close(descriptor) }
        var transfer = options.transferOptions
        transfer.exemptAddresses = exemptAddresses
        let response = try await CurlTransfer.run(
            HTTPRequest(method: "GET", url: url), options: transfer,
            sink: .file(descriptor), progress: progress)
        guard response.isSuccess else {
            throw StorageError.httpStatus(url: RedactedURL(url).description, status: response.status)
        }
        try await BlockingThread.run(name: "rvc-fsync") { try FileWriter.sync(descriptor, path: path) }
        return response
    }

    /// The lowercased scheme, if it is one this downloader accepts.
    static func scheme(of url: String) throws(StorageError) -> String {
        guard let colon = url.firstIndex(of: ":"), colon != url.startIndex else {
            throw .invalidURL(url: RedactedURL(url).description, reason: "it has no scheme")
        }
        let scheme = url[..<colon].lowercased()
        guard ["http", "https", "data"].contains(scheme) else {
            throw .unsupportedScheme(url: RedactedURL(url).description, scheme: scheme)
        }
        if scheme != "data" {
            guard url[url.index(after: colon)...].hasPrefix("//"), let host = host(of: url), !host.isEmpty else {
                throw .invalidURL(url: RedactedURL(url).description, reason: "it has no host")
            }
        }
        return scheme
    }

    /// Refuses a URL whose host is an IP literal in a forbidden range before any connection; hosts
    /// given by name are checked on the address connected to.
    private func checkLiteralHost(of url: String) throws(StorageError) {
        guard !options.allowPrivateAddresses, let host = Self.host(of: url) else { return }
        if let (address, range) = AddressPolicy.forbiddenRange(literal: host), !exemptAddresses.contains(address) {
            throw .privateAddress(url: RedactedURL(url).description, address: address, range: range)
        }
    }

    /// The host of an http(s) URL: between `//` (and any `user@`) and the port, path or query.
    static func host(of url: String) -> String? {
        guard let start = url.range(of: "://")?.upperBound else { return nil }
        var authority = url[start...]
        if let end = authority.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) {
            authority = authority[..<end]
        }
        if let at = authority.lastIndex(of: "@") { authority = authority[authority.index(after: at)...] }
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { return String(authority) }
            return String(authority[...close])
        }
        if let colon = authority.firstIndex(of: ":") { authority = authority[..<colon] }
        return String(authority)
    }
}

extension Downloader {
    /// The same downloader with its body limit lowered to `maxBytes` (never raised), for a caller
    /// with a tighter bound on one kind of file.
    public func limited(toBytes maxBytes: Int64) -> Downloader {
        var options = self.options
        options.maxBytes = min(options.maxBytes, max(0, maxBytes))
        return Downloader(options: options, logger: logger)
    }
}
