import Foundation
import RVCTestSupport
import Testing
@testable import RVCStorage

/// The disk cache against a real HTTP server on 127.0.0.1.
@Suite struct DownloadCacheTests {
    let bed: DownloadTestBed

    init() async throws { bed = try await DownloadTestBed() }

    private func makeCache(maxBytes: Int64 = 10_000_000, options: DownloadOptions = testDownloadOptions()) throws -> DownloadCache {
        try DownloadCache(directory: bed.directory.url, maxBytes: maxBytes, downloader: Downloader(options: options))
    }

    /// Entry files (not temporary ones) in the cache directory.
    private func entryFiles() -> [String] { bed.directory.contents().filter { !$0.hasPrefix(".") } }

    @Test func secondRequestIsAHit() async throws {
        let cache = try makeCache()
        let url = bed.server.url("/bytes/2000/hit-\(bed.tag)")
        let first = try await cache.file(for: url)
        let second = try await cache.file(for: url)
        #expect(!first.cacheHit)
        #expect(second.cacheHit)
        #expect(first.fileURL == second.fileURL)
        #expect(first.sha256 == SHA256Hex.of(TestHTTPServer.body(2000)))
        #expect(second.sha256 == first.sha256)
        #expect(try Data(contentsOf: second.fileURL) == TestHTTPServer.body(2000))
        #expect(try bed.server.requestCount("/bytes/2000/hit-\(bed.tag)") == 1)
        let statistics = await cache.statistics
        #expect(statistics.hits == 1)
        #expect(statistics.misses == 1)
        #expect(statistics.entryCount == 1)
        #expect(statistics.byteCount == 2000)
    }

    @Test func concurrentRequestsForOneURLShareOneTransfer() async throws {
        let cache = try makeCache()
        let url = bed.server.url("/slow/50000/400/shared-\(bed.tag)")
        let files = try await withThrowingTaskGroup(of: CachedFile.self) { group in
            for _ in 0..<8 { group.addTask { try await cache.file(for: url) } }
            return try await group.reduce(into: [CachedFile]()) { $0.append($1) }
        }
        #expect(files.count == 8)
        #expect(Set(files.map(\.fileURL)).count == 1)
        #expect(files.filter { !$0.cacheHit }.count == 1)
        #expect(try bed.server.requestCount("/slow/50000/400/shared-\(bed.tag)") == 1)
        let statistics = await cache.statistics
        #expect(statistics.misses == 1)
        #expect(statistics.hits == 7)
    }

    @Test func leastRecentlyUsedEntryIsEvicted() async throws {
        let cache = try makeCache(maxBytes: 2500)
        let a = bed.server.url("/bytes/1000/a-\(bed.tag)"), b = bed.server.url("/bytes/1000/b-\(bed.tag)"), c = bed.server.url("/bytes/1000/c-\(bed.tag)")
        _ = try await cache.file(for: a)
        _ = try await cache.file(for: b)
        _ = try await cache.file(for: a)  // a is now more recent than b
        _ = try await cache.file(for: c)  // 3000 bytes > 2500: b goes
        #expect(await cache.contains(a))
        #expect(await !cache.contains(b))
        #expect(await cache.contains(c))
        let statistics = await cache.statistics
        #expect(statistics.evictions == 1)
        #expect(statistics.byteCount == 2000)
        #expect(entryFiles().count == 2)
        // b is downloaded again.
        #expect(try await cache.file(for: b).cacheHit == false)
        #expect(try bed.server.requestCount("/bytes/1000/b-\(bed.tag)") == 2)
    }

    @Test func recencySurvivesReopeningTheCache() async throws {
        let a = bed.server.url("/bytes/1000/ra-\(bed.tag)"), b = bed.server.url("/bytes/1000/rb-\(bed.tag)")
        do {
            let cache = try makeCache()
            _ = try await cache.file(for: a)
            try await Task.sleep(for: .milliseconds(20))
            _ = try await cache.file(for: b)
            try await Task.sleep(for: .milliseconds(20))
            _ = try await cache.file(for: a)  // touched: a is the most recent on disk
        }
        let reopened = try makeCache(maxBytes: 2500)
        #expect(await reopened.statistics.entryCount == 2)
        let hit = try await reopened.file(for: a)
        #expect(hit.cacheHit)
        #expect(hit.sha256 == SHA256Hex.of(TestHTTPServer.body(1000)))
        _ = try await reopened.file(for: bed.server.url("/bytes/1000/rc-\(bed.tag)"))
        #expect(await reopened.contains(a))
        #expect(await !reopened.contains(b))
    }

    @Test func matchingHashIsAccepted() async throws {
        let cache = try makeCache()
        let expected = SHA256Hex.of(TestHTTPServer.body(700))
        let file = try await cache.file(for: bed.server.url("/bytes/700/ok-\(bed.tag)"), sha256: expected.uppercased())
        #expect(file.sha256 == expected)
        #expect(try await cache.file(for: bed.server.url("/bytes/700/ok-\(bed.tag)"), sha256: expected).cacheHit)
    }

    @Test func hashMismatchIsRefusedAndNothingIsCached() async throws {
        let cache = try makeCache()
        let wrong = String(repeating: "ab", count: 32)
        let url = bed.server.url("/bytes/700/bad-\(bed.tag)")
        await #expect {
            _ = try await cache.file(for: url, sha256: wrong)
        } throws: { error in
            guard case StorageError.checksumMismatch(_, let expected, let actual) = error else { return false }
            return expected == wrong && actual == SHA256Hex.of(TestHTTPServer.body(700))
        }
        #expect(bed.directory.contents().isEmpty)
        #expect(await !cache.contains(url))
    }

    @Test func cachedFileWithAnotherHashIsDownloadedAgain() async throws {
        let cache = try makeCache()
        let url = bed.server.url("/bytes/700/again-\(bed.tag)")
        _ = try await cache.file(for: url)
        await #expect(throws: StorageError.self) {
            _ = try await cache.file(for: url, sha256: String(repeating: "0", count: 64))
        }
        #expect(try bed.server.requestCount("/bytes/700/again-\(bed.tag)") == 2)
        // The earlier good copy is still served.
        #expect(try await cache.file(for: url).cacheHit)
    }

    @Test func invalidExpectedHashIsRefused() async throws {
        let cache = try makeCache()
        await #expect(throws: StorageError.invalidChecksum("xyz")) {
            _ = try await cache.file(for: bed.server.url("/bytes/10"), sha256: "xyz")
        }
    }

    @Test func oversizedBodyLeavesNothingInTheCache() async throws {
        var options = testDownloadOptions()
        options.maxBytes = 10_000
        let cache = try makeCache(options: options)
        await #expect(throws: StorageError.self) { _ = try await cache.file(for: bed.server.url("/bytes/50000")) }
        await #expect(throws: StorageError.self) { _ = try await cache.file(for: bed.server.url("/chunked-big/50000")) }
        #expect(bed.directory.contents().isEmpty)
        #expect(await cache.statistics.entryCount == 0)
    }

    @Test func truncatedBodyLeavesNothingInTheCache() async throws {
        let cache = try makeCache()
        let url = bed.server.url("/truncated/4000")
        await #expect(throws: StorageError.self) { _ = try await cache.file(for: url) }
        #expect(bed.directory.contents().isEmpty)
        #expect(await !cache.contains(url))
    }

    @Test func failedRequestsAreNotCachedAndCanSucceedLater() async throws {
        let cache = try makeCache()
        let url = bed.server.url("/flaky/1/100/later-\(bed.tag)")
        await #expect(throws: StorageError.httpStatus(url: url, status: 500)) { _ = try await cache.file(for: url) }
        #expect(bed.directory.contents().isEmpty)
        let file = try await cache.file(for: url)
        #expect(!file.cacheHit)
        #expect(file.byteCount == 100)
    }

    @Test func leftoverTemporaryFilesAreRemovedOnOpen() throws {
        let leftover = bed.directory.file(".download-interrupted")
        try Data("partial".utf8).write(to: leftover)
        let unrelated = bed.directory.file("notes.txt")
        try Data("keep".utf8).write(to: unrelated)
        _ = try makeCache()
        #expect(bed.directory.contents() == ["notes.txt"])
    }

    @Test func dataURLsAreCachedToo() async throws {
        let cache = try makeCache()
        let url = "data:audio/wav;base64,UklGRg=="
        let first = try await cache.file(for: url)
        #expect(try Data(contentsOf: first.fileURL) == Data("RIFF".utf8))
        #expect(first.mediaType == "audio/wav")
        #expect(try await cache.file(for: url).cacheHit)
    }

    @Test func byteLimitStopsTheTransferAndRefusesALargerCachedFile() async throws {
        let cache = try makeCache()
        let path = "/bytes/5000/limit-\(bed.tag)"
        let url = bed.server.url(path)
        await #expect(throws: StorageError.tooLarge(url: url, limit: 1000)) { _ = try await cache.file(for: url, byteLimit: 1000) }
        #expect(entryFiles().isEmpty)
        // Cached without the limit, then refused under it without a new transfer, and kept.
        let file = try await cache.file(for: url)
        #expect(file.byteCount == 5000)
        await #expect(throws: StorageError.tooLarge(url: url, limit: 1000)) { _ = try await cache.file(for: url, byteLimit: 1000) }
        let again = try await cache.file(for: url, byteLimit: 5000)
        #expect(again.cacheHit)
        #expect(try bed.server.requestCount(path) == 2)
    }

    @Test func cancellingTheOnlyCallerEndsItsWaitAndAbortsTheTransfer() async throws {
        let cache = try makeCache()
        let hold = "cache-cancel-\(bed.tag)"
        let url = bed.server.url("/hold/100000/1000/\(hold)")
        let midBody = TestGate()
        let task = Task {
            try await cache.file(for: url) { progress in
                if progress.bytesDone >= 1000 { midBody.open() }
            }
        }
        Task { _ = try? await task.value; midBody.open() }
        await midBody.wait()
        task.cancel()
        // The server still holds the body: only the cancellation can end this wait.
        await #expect(throws: StorageError.cancelled(url: url)) { _ = try await task.value }
        #expect(try await bed.server.eventually { try $0.clientHungUp(hold) })
        #expect(await !cache.contains(url))
        #expect(try await bed.server.eventually { _ in bed.directory.contents().isEmpty })
        try bed.server.release(hold)
    }

    @Test func aCallerLeavingKeepsTheTransferForTheOthers() async throws {
        // The server holds the body until the end of the test; on a loaded two-core machine the
        // steps before its release took over the usual 2 s stall limit, which is not what this
        // test is about.
        var options = testDownloadOptions()
        options.lowSpeedTime = .seconds(60)
        let cache = try makeCache(options: options)
        let hold = "cache-share-\(bed.tag)"
        let url = bed.server.url("/hold/100000/1000/\(hold)")
        let midBody = TestGate()
        let leaving = Task {
            try await cache.file(for: url) { progress in
                if progress.bytesDone >= 1000 { midBody.open() }
            }
        }
        Task { _ = try? await leaving.value; midBody.open() }
        await midBody.wait()
        let staying = Task { try await cache.file(for: url) }
        while await cache.waiterCount(for: url) < 2 { try await Task.sleep(for: .milliseconds(10)) }
        leaving.cancel()
        await #expect(throws: StorageError.cancelled(url: url)) { _ = try await leaving.value }
        #expect(try !bed.server.clientHungUp(hold))
        try bed.server.release(hold)
        let file = try await staying.value
        #expect(try Data(contentsOf: file.fileURL) == TestHTTPServer.body(100_000))
        #expect(try bed.server.requestCount("/hold/100000/1000/\(hold)") == 1)
        #expect(await cache.contains(url))
    }
}
