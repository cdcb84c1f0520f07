import Foundation
import RVCTestSupport
import Synchronization
import Testing
@testable import RVCStorage

/// Downloads against a real HTTP server on 127.0.0.1.
@Suite struct DownloaderTests {
    let bed: DownloadTestBed

    init() async throws { bed = try await DownloadTestBed() }

    @Test func successWritesTheBodyAndItsHash() async throws {
        let recorder = ProgressRecorder()
        let result = try await Downloader(options: testDownloadOptions())
            .download(bed.server.url("/typed/100000"), to: bed.directory.file("out"), progress: recorder.record)
        let expected = TestHTTPServer.body(100_000)
        #expect(try Data(contentsOf: bed.directory.file("out")) == expected)
        #expect(result.byteCount == 100_000)
        #expect(result.sha256 == SHA256Hex.of(expected))
        #expect(result.mediaType == "audio/wav")
        #expect(result.attempts == 1)
        #expect(recorder.values.last == TransferProgress(bytesDone: 100_000, totalBytes: 100_000))
    }

    @Test func redirectsAreFollowed() async throws {
        let result = try await Downloader(options: testDownloadOptions())
            .download(bed.server.url("/redirect/3/500"), to: bed.directory.file("out"))
        #expect(result.byteCount == 500)
        #expect(try Data(contentsOf: bed.directory.file("out")) == TestHTTPServer.body(500))
    }

    @Test func redirectChainOverTheLimitFails() async throws {
        var options = testDownloadOptions()
        options.maxRedirects = 2
        await #expect(throws: StorageError.tooManyRedirects(url: bed.server.url("/redirect/3/500"), limit: 2)) {
            _ = try await Downloader(options: options).download(bed.server.url("/redirect/3/500"), to: bed.directory.file("out"))
        }
        await #expect(throws: StorageError.tooManyRedirects(url: bed.server.url("/loop/a"), limit: 5)) {
            _ = try await Downloader(options: testDownloadOptions()).download(bed.server.url("/loop/a"), to: bed.directory.file("out"))
        }
        #expect(bed.directory.contents().isEmpty)
    }

    @Test func notFoundFailsWithoutRetry() async throws {
        await #expect(throws: StorageError.httpStatus(url: bed.server.url("/status/404/\(bed.tag)"), status: 404)) {
            _ = try await Downloader(options: testDownloadOptions(maxRetries: 3))
                .download(bed.server.url("/status/404/\(bed.tag)"), to: bed.directory.file("out"))
        }
        #expect(try bed.server.requestCount("/status/404/\(bed.tag)") == 1)
        #expect(bed.directory.contents().isEmpty)
    }

    @Test func serverErrorIsRetriedUntilSuccess() async throws {
        let result = try await Downloader(options: testDownloadOptions(maxRetries: 3))
            .download(bed.server.url("/flaky/2/300/\(bed.tag)"), to: bed.directory.file("out"))
        #expect(result.attempts == 3)
        #expect(result.byteCount == 300)
        #expect(try bed.server.requestCount("/flaky/2/300/\(bed.tag)") == 3)
    }

    @Test func serverErrorFailsOnceRetriesAreSpent() async throws {
        await #expect(throws: StorageError.httpStatus(url: bed.server.url("/flaky/5/300/\(bed.tag)"), status: 500)) {
            _ = try await Downloader(options: testDownloadOptions(maxRetries: 2))
                .download(bed.server.url("/flaky/5/300/\(bed.tag)"), to: bed.directory.file("out"))
        }
        #expect(try bed.server.requestCount("/flaky/5/300/\(bed.tag)") == 3)
    }

    @Test func stalledTransferTimesOut() async throws {
        var options = testDownloadOptions()
        options.lowSpeedTime = .seconds(1)
        // The server stalls until the client hangs up, so only the stall limit can end this.
        await #expect(throws: StorageError.timedOut(url: bed.server.url("/stall"), phase: .stalled, seconds: 1)) {
            _ = try await Downloader(options: options).download(bed.server.url("/stall"), to: bed.directory.file("out"))
        }
        #expect(bed.directory.contents().isEmpty)
    }

    @Test func silentServerTimesOut() async throws {
        var options = testDownloadOptions()
        options.lowSpeedTime = .seconds(1)
        await #expect(throws: StorageError.self) {
            _ = try await Downloader(options: options).download(bed.server.url("/hang"), to: bed.directory.file("out"))
        }
    }

    @Test func declaredLengthOverTheLimitIsRefusedUpFront() async throws {
        var options = testDownloadOptions()
        options.maxBytes = 1000
        await #expect(throws: StorageError.tooLarge(url: bed.server.url("/bytes/5000"), limit: 1000)) {
            _ = try await Downloader(options: options).download(bed.server.url("/bytes/5000"), to: bed.directory.file("out"))
        }
        #expect(bed.directory.contents().isEmpty)
    }

    @Test func undeclaredLengthOverTheLimitIsRefusedWhileStreaming() async throws {
        var options = testDownloadOptions()
        options.maxBytes = 100_000
        await #expect(throws: StorageError.tooLarge(url: bed.server.url("/chunked-big/1000000"), limit: 100_000)) {
            _ = try await Downloader(options: options).download(bed.server.url("/chunked-big/1000000"), to: bed.directory.file("out"))
        }
        #expect(bed.directory.contents().isEmpty)
    }

    @Test func truncatedBodyIsRefused() async throws {
        await #expect(throws: StorageError.truncated(url: bed.server.url("/truncated/1000"), expected: 1000, received: 500)) {
            _ = try await Downloader(options: testDownloadOptions())
                .download(bed.server.url("/truncated/1000"), to: bed.directory.file("out"))
        }
        #expect(bed.directory.contents().isEmpty)
    }

    @Test func connectionRefusedIsANetworkError() async throws {
        await #expect {
            _ = try await Downloader(options: testDownloadOptions(maxRetries: 1))
                .download("http://127.0.0.1:9/x", to: bed.directory.file("out"))
        } throws: { error in
            guard case StorageError.network(_, let code, _) = error else { return false }
            return code == 7
        }
    }

    @Test func dataURLIsWrittenLikeADownload() async throws {
        let result = try await Downloader(options: DownloadOptions())
            .download("data:audio/wav;charset=binary;base64,UklGRg", to: bed.directory.file("out"))
        #expect(try Data(contentsOf: bed.directory.file("out")) == Data("RIFF".utf8))
        #expect(result.mediaType == "audio/wav;charset=binary")
        #expect(result.sha256 == SHA256Hex.of(Data("RIFF".utf8)))
    }

    @Test func cancellingTheTaskAbortsTheTransfer() async throws {
        // The server sends 1000 of 100000 bytes and holds the rest until released: the transfer is
        // mid-body when cancelled, however loaded the machine. It must stop at once (the waiting
        // transfer is woken, not left to notice later), throw `cancelled`, leave no file, and hang
        // up, which the server sees.
        let hold = "cancel-\(bed.tag)"
        let url = bed.server.url("/hold/100000/1000/\(hold)")
        let destination = bed.directory.file("out")
        let midBody = TestGate()
        let received = Mutex<Int64>(0)
        let task = Task {
            try await Downloader(options: testDownloadOptions()).download(url, to: destination) { progress in
                received.withLock { $0 = max($0, progress.bytesDone) }
                if progress.bytesDone >= 1000 { midBody.open() }
            }
        }
        Task { _ = try? await task.value; midBody.open() }  // a failure must not leave the test waiting
        await midBody.wait()
        let cancelled = ContinuousClock.now
        task.cancel()
        await #expect(throws: StorageError.cancelled(url: url)) { _ = try await task.value }
        print("download stopped \(ContinuousClock.now - cancelled) after cancellation")
        #expect(received.withLock { $0 } == 1000)
        #expect(try await bed.server.eventually { try $0.clientHungUp(hold) })
        #expect(bed.directory.contents().isEmpty)
        try bed.server.release(hold)
    }

    @Test func cancelledBeforeTheTransferBeganRequestsNothing() async throws {
        let path = "/hold/1000/0/early-\(bed.tag)"
        let go = TestGate()
        let destination = bed.directory.file("out")
        let downloader = Downloader(options: testDownloadOptions())
        let task = Task {
            await go.wait()
            return try await downloader.download(bed.server.url(path), to: destination)
        }
        task.cancel()
        go.open()
        await #expect(throws: StorageError.cancelled(url: bed.server.url(path))) { _ = try await task.value }
        #expect(try bed.server.requestCount(path) == 0)
        #expect(bed.directory.contents().isEmpty)
    }

    @Test func errorsRedactCredentialsAndQueryValues() async throws {
        let url = "http://user:secret@127.0.0.1:\(bed.server.port)/status/403?X-Amz-Signature=abc&token=xyz"
        await #expect {
            _ = try await Downloader(options: testDownloadOptions()).download(url, to: bed.directory.file("out"))
        } throws: { error in
            let text = "\(error)"
            return !text.contains("secret") && !text.contains("abc") && !text.contains("xyz")
                && text.contains("X-Amz-Signature=REDACTED") && text.contains("403")
        }
    }
}
