import Foundation
import RVCStorage

/// ``FileFetching`` through RVCStorage: models and indexes through the disk ``DownloadCache``,
/// vocals straight to a temporary file with the same ``Downloader`` policies (SSRF guard, size
/// limit, retries).
public struct StorageFileFetcher: FileFetching {
    public let cache: DownloadCache
    public let downloader: Downloader
    /// Where vocal files go while a job runs.
    public let temporaryDirectory: URL

    public init(cache: DownloadCache, downloader: Downloader, temporaryDirectory: URL = FileManager.default.temporaryDirectory) {
        self.cache = cache
        self.downloader = downloader
        self.temporaryDirectory = temporaryDirectory
    }

    public func fetch(_ url: String, cacheable: Bool, maxBytes: Int64) async throws -> FetchedFile {
        if cacheable {
            let file = try await cache.file(for: url, byteLimit: maxBytes)
            return FetchedFile(
                path: file.fileURL, byteCount: file.byteCount, sha256: file.sha256, cached: file.cacheHit,
                mediaType: file.mediaType)
        }
        let path = temporaryDirectory.appendingPathComponent("rvc-vocal-\(UUID().uuidString)")
        let result = try await downloader.limited(toBytes: maxBytes).download(url, to: path)
        return FetchedFile(
            path: path, byteCount: result.byteCount, sha256: result.sha256, cached: false,
            mediaType: result.mediaType, temporary: true)
    }
}
