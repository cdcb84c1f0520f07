import Foundation

/// A file served by ``DownloadCache``.
public struct CachedFile: Sendable, Equatable {
    /// The file in the cache directory. It stays there until evicted: open it promptly, or copy it
    /// if it must outlive later downloads into a small cache.
    public let fileURL: URL
    /// Lowercase hexadecimal SHA-256 of the content.
    public let sha256: String
    /// Size in bytes.
    public let byteCount: Int64
    /// True when no transfer was made for this request (the file was cached, or another request
    /// for the same URL downloaded it).
    public let cacheHit: Bool
    /// The media type reported when the file was downloaded by this process; nil when unknown.
    public let mediaType: String?
}
