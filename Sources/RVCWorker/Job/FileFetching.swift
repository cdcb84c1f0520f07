import Foundation

/// Fetches the files a job names (vocal, model, index) to local paths, through a cache.
public protocol FileFetching: Sendable {
    /// Fetches `url` (`http(s)` or `data:`) and returns where it lies.
    /// - Parameters:
    ///   - cacheable: keep the file in the download cache (models, indexes); when false (vocals)
    ///     the file is temporary and the runner deletes it after the job.
    ///   - maxBytes: the largest file accepted for this kind of file; a transfer stops past it and
    ///     leaves nothing behind.
    /// - Throws: any error; the runner reports it as `DOWNLOAD_FAILED` naming the field.
    func fetch(_ url: String, cacheable: Bool, maxBytes: Int64) async throws -> FetchedFile
}

/// A fetched file.
public struct FetchedFile: Sendable, Equatable {
    /// Local path, valid until the fetcher's cache evicts it (not during a job).
    public var path: URL
    public var byteCount: Int64
    /// Lowercase hexadecimal SHA-256 of the content.
    public var sha256: String
    /// True when the file came from the cache without a transfer.
    public var cached: Bool
    /// The Content-Type of the response or the media type of a `data:` URL, when known.
    public var mediaType: String?
    /// True when the file belongs to the job alone and is deleted after it.
    public var temporary: Bool

    public init(path: URL, byteCount: Int64, sha256: String, cached: Bool, mediaType: String? = nil, temporary: Bool = false) {
        self.temporary = temporary
        self.path = path
        self.byteCount = byteCount
        self.sha256 = sha256
        self.cached = cached
        self.mediaType = mediaType
    }
}

/// Where finished outputs go when S3 is configured.
public protocol ResultStore: Sendable {
    /// Stores `data` as the object `name` of request `requestID` (S3 key
    /// `{prefix}/request-{requestID}/{name}`) and returns a URL that fetches it (public or
    /// presigned).
    func put(_ data: Data, requestID: String, name: String, contentType: String) async throws -> String
}
