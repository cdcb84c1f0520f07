import Crypto
import Foundation
import Logging

#if canImport(Glibc)
import Glibc
#endif

/// A disk cache of downloads keyed by URL, bounded in size with least-recently-used eviction.
///
/// - Writes are atomic: a download goes to a temporary file in the cache directory, is fsynced,
///   then renamed into place, so a failed or partial download never leaves a file that looks
///   complete (leftover temporary files are removed when a cache opens the directory).
/// - Concurrent requests for the same URL share one transfer; the others wait for it.
/// - When the caller knows the content's SHA-256, a cached file with another hash is downloaded
///   again, and a download with another hash is refused and not kept.
/// - Entry files are named `<SHA-256 of the URL>.<SHA-256 of the content>`, so the content hash
///   survives restarts without reading the file again; the modification time records the last use.
public actor DownloadCache {
    /// The cache directory.
    public nonisolated let directory: URL
    /// The size bound in bytes; the most recent entry is kept even when it alone exceeds it.
    public nonisolated let maxBytes: Int64
    private let downloader: Downloader
    private let logger: Logger

    private struct Entry {
        var fileName: String
        var sha256: String
        var byteCount: Int64
        var lastUse: UInt64
        var mediaType: String?
    }

    private var entries: [String: Entry] = [:]
    /// A transfer under way and the callers waiting for it.
    private struct Transfer {
        let id = UUID()
        let task: Task<CachedFile, Error>
        let displayURL: String
        var waiters: [UUID: CheckedContinuation<CachedFile, Error>] = [:]
    }

    private var inFlight: [String: Transfer] = [:]
    private var useCounter: UInt64 = 0
    private var hits = 0
    private var misses = 0
    private var evictions = 0
    private var totalBytes: Int64 = 0

    /// Opens (creating if needed) a cache in `directory`.
    /// - Parameters:
    ///   - maxBytes: size bound in bytes (> 0).
    ///   - downloader: performs the transfers, with its options (size limit, private addresses...).
    /// - Throws: ``StorageError/fileSystem(path:operation:message:)`` when the directory cannot be
    ///   created or read.
    public init(
        directory: URL, maxBytes: Int64, downloader: Downloader = Downloader(),
        logger: Logger = Logger(label: "rvc.storage.cache")
    ) throws {
        self.directory = directory
        self.maxBytes = max(1, maxBytes)
        self.downloader = downloader
        self.logger = logger
        let fileManager = FileManager.default
        do {
            try fileManager.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw StorageError.fileSystem(path: directory.path, operation: "create the cache directory", message: "\(error)")
        }
        let names: [String]
        do {
            names = try fileManager.contentsOfDirectory(atPath: directory.path)
        } catch {
            throw StorageError.fileSystem(path: directory.path, operation: "list the cache directory", message: "\(error)")
        }
        var found: [(key: String, entry: Entry, modified: Double)] = []
        for name in names {
            let path = directory.appendingPathComponent(name).path
            if name.hasPrefix(Self.temporaryPrefix) {
                _ = unlink(path)  // an interrupted download
                continue
            }
            let parts = name.split(separator: ".")
            guard parts.count == 2, Self.isHexDigest(parts[0]), Self.isHexDigest(parts[1]) else { continue }
            var info = stat()
            guard stat(path, &info) == 0 else { continue }
            let modified = Double(info.st_mtim.tv_sec) + Double(info.st_mtim.tv_nsec) / 1e9
            found.append((
                String(parts[0]),
                Entry(fileName: name, sha256: String(parts[1]), byteCount: Int64(info.st_size), lastUse: 0),
                modified))
        }
        for item in found.sorted(by: { $0.modified < $1.modified }) {
            useCounter += 1
            var entry = item.entry
            entry.lastUse = useCounter
            if let previous = entries[item.key] {  // two contents for one URL: keep the newer
                _ = unlink(directory.appendingPathComponent(previous.fileName).path)
                totalBytes -= previous.byteCount
            }
            entries[item.key] = entry
            totalBytes += entry.byteCount
        }
    }

    /// The file for `url`, downloaded if not cached.
    /// - Parameters:
    ///   - sha256: the expected content hash (64 hex digits, any case), when known.
    ///   - byteLimit: a tighter size bound than the downloader's for this request: a transfer stops
    ///     past it, and a cached or shared file larger than it is refused (and kept).
    ///   - progress: progress of the transfer, if this request starts one.
    /// - Throws: ``StorageError`` from the download, ``StorageError/tooLarge(url:limit:)``,
    ///   ``StorageError/checksumMismatch(url:expected:actual:)`` or ``StorageError/invalidChecksum(_:)``.
    ///
    /// A transfer is shared by every request for its URL. Cancelling a caller ends its wait at once
    /// with ``StorageError/cancelled(url:)``; the transfer goes on for the other callers and is
    /// aborted when none is left.
    public func file(
        for url: String, sha256: String? = nil, byteLimit: Int64? = nil, progress: ProgressHandler? = nil
    ) async throws -> CachedFile {
        let expected = try sha256.map(Self.normalizedDigest)
        let key = SHA256.hash(data: Data(url.utf8)).lowercaseHex
        func checkSize(_ byteCount: Int64) throws {
            if let byteLimit, byteCount > byteLimit {
                throw StorageError.tooLarge(url: RedactedURL(url).description, limit: byteLimit)
            }
        }

        if let entry = entries[key], expected == nil || expected == entry.sha256 {
            let path = directory.appendingPathComponent(entry.fileName).path
            if access(path, F_OK) == 0 {
                try checkSize(entry.byteCount)
                hits += 1
                touch(key)
                return cachedFile(entries[key] ?? entry, hit: true)
            }
            remove(key)  // deleted behind our back
        }
        if inFlight[key] != nil {
            let file = try await wait(for: key)
            try checkSize(file.byteCount)
            hits += 1
            if let expected, expected != file.sha256 {
                throw StorageError.checksumMismatch(url: RedactedURL(url).description, expected: expected, actual: file.sha256)
            }
            return CachedFile(
                fileURL: file.fileURL, sha256: file.sha256, byteCount: file.byteCount, cacheHit: true,
                mediaType: file.mediaType)
        }

        misses += 1
        let temporary = directory.appendingPathComponent("\(Self.temporaryPrefix)\(UUID().uuidString)")
        let downloader = byteLimit.map { self.downloader.limited(toBytes: $0) } ?? self.downloader
        let directory = self.directory
        // Detached: the transfer and the file moves run off this actor, which stays free to
        // answer other requests (and to queue those for the same URL behind this task).
        let task = Task<CachedFile, Error>.detached {
            let result = try await downloader.download(url, to: temporary, progress: progress)
            return try await BlockingThread.run(name: "rvc-cache-commit") {
                if let expected, expected != result.sha256 {
                    _ = unlink(temporary.path)
                    throw StorageError.checksumMismatch(
                        url: RedactedURL(url).description, expected: expected, actual: result.sha256)
                }
                let final = directory.appendingPathComponent("\(key).\(result.sha256)")
                guard rename(temporary.path, final.path) == 0 else {
                    let failure = FileWriter.failure(final.path, "move the download into")
                    _ = unlink(temporary.path)
                    throw failure
                }
                FileWriter.syncDirectory(directory.path)
                return CachedFile(
                    fileURL: final, sha256: result.sha256, byteCount: result.byteCount, cacheHit: false,
                    mediaType: result.mediaType)
            }
        }
        let transfer = Transfer(task: task, displayURL: RedactedURL(url).description)
        inFlight[key] = transfer
        Task { await self.complete(key, transfer: transfer.id, with: await task.result) }
        return try await wait(for: key)
    }

    /// Waits for the transfer of `key` as one of its callers; cancelling the calling task ends the
    /// wait at once.
    private func wait(for key: String) async throws -> CachedFile {
        let waiter = UUID()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                guard inFlight[key] != nil else {
                    continuation.resume(throwing: StorageError.cancelled(url: key))
                    return
                }
                inFlight[key]?.waiters[waiter] = continuation
                // Cancelled before the wait began: the handler below ran before there was a waiter.
                if Task.isCancelled { abandon(key, waiter: waiter) }
            }
        } onCancel: {
            Task { await self.abandon(key, waiter: waiter) }
        }
    }

    /// A caller stopped waiting; the transfer is aborted when it was the last.
    private func abandon(_ key: String, waiter: UUID) {
        guard var transfer = inFlight[key], let continuation = transfer.waiters.removeValue(forKey: waiter) else { return }
        continuation.resume(throwing: StorageError.cancelled(url: transfer.displayURL))
        if transfer.waiters.isEmpty {
            // A later request for the URL starts a transfer of its own.
            inFlight[key] = nil
            transfer.task.cancel()
        } else {
            inFlight[key] = transfer
        }
    }

    /// The transfer ended: its file (if any) becomes the entry, and its remaining callers get the
    /// result.
    private func complete(_ key: String, transfer id: UUID, with result: Result<CachedFile, Error>) {
        // Committed even when every caller left: the file is already in place.
        if case .success(let file) = result { commit(key: key, file: file) }
        guard let transfer = inFlight[key], transfer.id == id else { return }
        inFlight[key] = nil
        for continuation in transfer.waiters.values { continuation.resume(with: result) }
    }

    /// Counters and current size.
    public var statistics: CacheStatistics {
        CacheStatistics(
            hits: hits, misses: misses, evictions: evictions, entryCount: entries.count, byteCount: totalBytes)
    }

    /// Callers waiting for the transfer of `url` (0 when none is under way).
    func waiterCount(for url: String) -> Int {
        inFlight[SHA256.hash(data: Data(url.utf8)).lowercaseHex]?.waiters.count ?? 0
    }

    /// Whether `url` is cached now (without touching it).
    public func contains(_ url: String) -> Bool {
        entries[SHA256.hash(data: Data(url.utf8)).lowercaseHex] != nil
    }

    // MARK: Bookkeeping

    private func commit(key: String, file: CachedFile) {
        if let previous = entries[key], previous.fileName != file.fileURL.lastPathComponent {
            _ = unlink(directory.appendingPathComponent(previous.fileName).path)
            totalBytes -= previous.byteCount
            entries[key] = nil
        } else if let previous = entries[key] {
            totalBytes -= previous.byteCount  // same content downloaded again: same file
        }
        useCounter += 1
        entries[key] = Entry(
            fileName: file.fileURL.lastPathComponent, sha256: file.sha256, byteCount: file.byteCount,
            lastUse: useCounter, mediaType: file.mediaType)
        totalBytes += file.byteCount
        evict(keeping: key)
    }

    private func evict(keeping newest: String) {
        while totalBytes > maxBytes {
            let candidates = entries.filter { $0.key != newest && inFlight[$0.key] == nil }
            guard let oldest = candidates.min(by: { $0.value.lastUse < $1.value.lastUse }) else { return }
            logger.debug(
                "evicting cache entry",
                metadata: ["file": "\(oldest.value.fileName)", "bytes": "\(oldest.value.byteCount)"])
            remove(oldest.key)
            evictions += 1
        }
    }

    private func remove(_ key: String) {
        guard let entry = entries.removeValue(forKey: key) else { return }
        _ = unlink(directory.appendingPathComponent(entry.fileName).path)
        totalBytes -= entry.byteCount
    }

    private func touch(_ key: String) {
        guard var entry = entries[key] else { return }
        useCounter += 1
        entry.lastUse = useCounter
        entries[key] = entry
        // The modification time carries the recency order to the next process.
        _ = utimensat(AT_FDCWD, directory.appendingPathComponent(entry.fileName).path, nil, 0)
    }

    private func cachedFile(_ entry: Entry, hit: Bool) -> CachedFile {
        CachedFile(
            fileURL: directory.appendingPathComponent(entry.fileName), sha256: entry.sha256,
            byteCount: entry.byteCount, cacheHit: hit, mediaType: entry.mediaType)
    }

    private static let temporaryPrefix = ".download-"

    private static func isHexDigest(_ text: Substring) -> Bool {
        text.utf8.count == 64 && text.utf8.allSatisfy { (48...57).contains($0) || (97...102).contains($0) }
    }

    private static func normalizedDigest(_ text: String) throws(StorageError) -> String {
        let lowered = text.trimmingCharacters(in: .whitespaces).lowercased()
        guard isHexDigest(Substring(lowered)) else { throw .invalidChecksum(text) }
        return lowered
    }
}
