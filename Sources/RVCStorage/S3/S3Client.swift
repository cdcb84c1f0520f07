import Crypto
import Foundation
import Logging
import RVCBasics

#if canImport(Glibc)
import Glibc
#endif

/// What an upload produced.
public struct S3UploadResult: Sendable, Equatable {
    /// The object key.
    public let key: String
    /// The entity tag the server returned, without quotes, when it sent one.
    public let etag: String?
    /// Bytes uploaded.
    public let byteCount: Int64
    /// Lowercase hex SHA-256 of the bytes uploaded (the signed payload hash).
    public let sha256: String
}

/// A small S3 client: PutObject, GetObject and CreateBucket signed with Signature Version 4,
/// presigned GET URLs, and public URLs.
///
/// The endpoint comes from the operator's configuration, not from strangers, so private addresses
/// are allowed (a MinIO on the local network is a normal setup). Transient failures (5xx, timeouts,
/// connection errors) are retried with the backoff of ``DownloadOptions``; S3 never redirects a
/// signed request, so redirects are not followed.
public struct S3Client: Sendable {
    public let configuration: S3Configuration
    private let options: DownloadOptions
    private let signer: SigV4Signer
    private let clock: @Sendable () -> Date
    private let logger: Logger

    /// - Parameters:
    ///   - options: timeouts and retries (its private-address and redirect settings are ignored).
    ///   - clock: the time used for signatures.
    public init(
        configuration: S3Configuration, options: DownloadOptions = DownloadOptions(),
        logger: Logger = Logger(label: "rvc.storage.s3"), clock: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.configuration = configuration
        var options = options
        options.allowPrivateAddresses = true
        options.maxRedirects = 0
        self.options = options
        signer = SigV4Signer(
            accessKey: configuration.accessKey, secretKey: configuration.secretKey,
            region: configuration.region, service: "s3")
        self.clock = clock
        self.logger = logger
    }

    // MARK: Operations

    /// Uploads `data` as `key` with the given content type.
    /// - Throws: ``StorageError/s3(operation:url:status:code:message:requestID:)`` with the
    ///   server's error code, or a transport ``StorageError``.
    @discardableResult
    public func putObject(
        key: String, data: Data, contentType: String, progress: ProgressHandler? = nil
    ) async throws -> S3UploadResult {
        let hash = SHA256.hash(data: data).lowercaseHex
        let response = try await send(
            "PutObject", method: "PUT", key: key, body: .data(data), payloadHash: hash,
            contentType: contentType, progress: progress)
        return S3UploadResult(key: key, etag: Self.etag(response), byteCount: Int64(data.count), sha256: hash)
    }

    /// Uploads the file at `file` as `key`, streaming it (read once to hash it, once to send it).
    /// - Throws: as ``putObject(key:data:contentType:progress:)``, and
    ///   ``StorageError/fileSystem(path:operation:message:)`` when the file cannot be read.
    @discardableResult
    public func putObject(
        key: String, file: URL, contentType: String, progress: ProgressHandler? = nil
    ) async throws -> S3UploadResult {
        let path = file.path
        let (hash, size) = try await BlockingThread.run(name: "rvc-hash") { try Self.hashFile(path) }
        let response = try await send(
            "PutObject", method: "PUT", key: key, body: .file(path), payloadHash: hash,
            contentType: contentType, progress: progress)
        return S3UploadResult(key: key, etag: Self.etag(response), byteCount: size, sha256: hash)
    }

    /// Downloads the object `key` with an authenticated GET.
    /// - Parameter maxBytes: refuse larger objects; default the options' `maxBytes`.
    public func getObject(key: String, maxBytes: Int64? = nil) async throws -> Data {
        let response = try await send(
            "GetObject", method: "GET", key: key, body: .none, payloadHash: SigV4Signer.emptyPayloadHash,
            contentType: nil, progress: nil, maxBytes: maxBytes ?? options.maxBytes)
        return response.body
    }

    /// Creates the bucket; succeeds when it already exists and is ours. For local servers and
    /// tests: production buckets are created by their owner.
    public func createBucket() async throws {
        do {
            _ = try await send(
                "CreateBucket", method: "PUT", key: nil, body: .none, payloadHash: SigV4Signer.emptyPayloadHash,
                contentType: nil, progress: nil)
        } catch StorageError.s3(_, _, _, let code?, _, _) where code == "BucketAlreadyOwnedByYou" {
            return
        }
    }

    // MARK: URLs

    /// A presigned GET URL for `key`, valid for `expiresIn` seconds (1...604800) from `date`.
    public func presignedURL(for key: String, expiresIn: Int = 3600, date: Date? = nil) -> String {
        let location = location(for: key)
        let query = signer.presignedQuery(
            method: "GET", path: location.path, host: location.host, date: date ?? clock(), expires: expiresIn)
        let encoded = query.map { "\(SigV4Signer.uriEncode($0.name))=\(SigV4Signer.uriEncode($0.value))" }
        return location.url + "?" + encoded.joined(separator: "&")
    }

    /// `<S3_PUBLIC_URL>/<key>`, or nil when no public URL is configured.
    public func publicURL(for key: String) -> String? {
        configuration.publicURL.map { "\($0)/\(SigV4Signer.uriEncode(key, keepSlash: true))" }
    }

    /// The URL to hand to users: the public URL when configured, a presigned one otherwise.
    public func shareableURL(for key: String, expiresIn: Int = 3600) -> String {
        publicURL(for: key) ?? presignedURL(for: key, expiresIn: expiresIn)
    }

    /// The unsigned URL of `key` (or of the bucket when nil) at the endpoint.
    public func objectURL(for key: String?) -> String { location(for: key).url }

    // MARK: Requests

    private struct Location {
        /// Full URL, path encoded.
        var url: String
        /// Host header value: host[:port].
        var host: String
        /// Encoded path, as signed.
        var path: String
    }

    private func location(for key: String?) -> Location {
        let endpoint = configuration.endpoint
        let schemeEnd = endpoint.range(of: "://")?.upperBound ?? endpoint.startIndex
        let scheme = String(endpoint[..<schemeEnd])
        let rest = endpoint[schemeEnd...]
        let pathStart = rest.firstIndex(of: "/") ?? rest.endIndex
        var authority = String(rest[..<pathStart])
        if let at = authority.lastIndex(of: "@") { authority = String(authority[authority.index(after: at)...]) }
        let basePath = String(rest[pathStart...])
        let encodedKey = key.map { SigV4Signer.uriEncode($0, keepSlash: true) }
        let host: String
        var path: String
        if configuration.usesVirtualHost {
            host = "\(configuration.bucket).\(authority)"
            path = basePath + "/" + (encodedKey ?? "")
        } else {
            host = authority
            path = basePath + "/" + SigV4Signer.uriEncode(configuration.bucket)
            if let encodedKey { path += "/" + encodedKey }
        }
        return Location(url: scheme + host + path, host: host, path: path)
    }

    private func send(
        _ operation: String, method: String, key: String?, body: HTTPRequest.Body, payloadHash: String,
        contentType: String?, progress: ProgressHandler?, maxBytes: Int64? = nil
    ) async throws -> HTTPResponse {
        let location = location(for: key)
        let display = RedactedURL(location.url).description
        var transfer = options.transferOptions
        transfer.maxBytes = maxBytes
        var attempt = 0
        while true {
            attempt += 1
            let date = clock()
            var headers: [(name: String, value: String)] = [
                ("Host", location.host),
                ("x-amz-content-sha256", payloadHash),
                ("x-amz-date", SigV4Signer.timestamp(date).dateTime),
            ]
            if let contentType { headers.append(("Content-Type", contentType)) }
            let signature = signer.sign(
                SigV4Signer.Request(method: method, path: location.path, headers: headers, payloadHash: payloadHash),
                date: date)
            headers.append(("Authorization", signature.authorization))
            do {
                let response = try await CurlTransfer.run(
                    HTTPRequest(method: method, url: location.url, headers: headers, body: body),
                    options: transfer, sink: .memory, progress: progress)
                guard response.isSuccess else {
                    let document = S3ErrorDocument(response.body)
                    throw StorageError.s3(
                        operation: operation, url: display, status: response.status, code: document.code,
                        message: document.message, requestID: document.requestID)
                }
                return response
            } catch let error as StorageError {
                guard error.isTransient, attempt <= options.maxRetries else { throw error }
                let delay = options.delay(beforeRetry: attempt)
                logger.warning(
                    "S3 request failed, retrying",
                    metadata: [
                        "operation": "\(operation)", "url": "\(display)", "attempt": "\(attempt)",
                        "delay_ms": "\(delay.wholeMilliseconds)", "error": "\(error)",
                    ])
                do {
                    try await Task.sleep(for: delay)
                } catch {
                    throw StorageError.cancelled(url: display)
                }
            }
        }
    }

    private static func etag(_ response: HTTPResponse) -> String? {
        response.header("ETag").map { $0.trimmingCharacters(in: CharacterSet(charactersIn: "\"")) }
    }

    private static func hashFile(_ path: String) throws(StorageError) -> (String, Int64) {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw FileWriter.failure(path, "open for upload") }
        defer { _ = close(descriptor) }
        var hasher = SHA256()
        var size: Int64 = 0
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 16)
        defer { buffer.deallocate() }
        while true {
            let count = read(descriptor, buffer.baseAddress, buffer.count)
            if count < 0 {
                if errno == EINTR { continue }
                throw FileWriter.failure(path, "read")
            }
            if count == 0 { break }
            hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: buffer[..<count]))
            size += Int64(count)
        }
        return (hasher.finalize().lowercaseHex, size)
    }
}
