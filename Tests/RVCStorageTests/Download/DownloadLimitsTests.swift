import Foundation
import RVCTestSupport
import Testing
@testable import RVCStorage

/// The size limits of downloads a caller can tighten per kind of file, and the bound on `data:`
/// URLs, against a real HTTP server on 127.0.0.1.
@Suite struct DownloadLimitsTests {
    let bed: DownloadTestBed

    init() async throws { bed = try await DownloadTestBed() }

    @Test func limitedDownloaderRefusesALargerBodyAndLeavesNoFile() async throws {
        let downloader = Downloader(options: testDownloadOptions()).limited(toBytes: 1000)
        #expect(downloader.options.maxBytes == 1000)
        await #expect(throws: StorageError.tooLarge(url: bed.server.url("/bytes/5000"), limit: 1000)) {
            _ = try await downloader.download(bed.server.url("/bytes/5000"), to: bed.directory.file("out"))
        }
        #expect(bed.directory.contents().isEmpty)
        let result = try await downloader.download(bed.server.url("/bytes/1000"), to: bed.directory.file("out"))
        #expect(result.byteCount == 1000)
    }

    @Test func limitedNeverRaisesTheDownloadersOwnBound() {
        var options = DownloadOptions()
        options.maxBytes = 500
        #expect(Downloader(options: options).limited(toBytes: 10_000).options.maxBytes == 500)
    }

    @Test func dataURLOverItsOwnLimitIsRefusedBeforeAnythingIsWritten() async throws {
        var options = DownloadOptions()
        options.maxDataURLBytes = 1000
        let big = "data:audio/wav;base64," + Data(repeating: 7, count: 3000).base64EncodedString()
        await #expect(throws: StorageError.self) {
            _ = try await Downloader(options: options).download(big, to: bed.directory.file("out"))
        }
        #expect(bed.directory.contents().isEmpty)
        // The smaller of the two bounds applies.
        let small = "data:audio/wav;base64," + Data(repeating: 7, count: 900).base64EncodedString()
        _ = try await Downloader(options: options).download(small, to: bed.directory.file("out"))
        #expect(try Data(contentsOf: bed.directory.file("out")).count == 900)
        await #expect(throws: StorageError.self) {
            _ = try await Downloader(options: options).limited(toBytes: 800).download(small, to: bed.directory.file("out2"))
        }
    }
}
