import Foundation
import RVCStorage
import RVCTestSupport
@testable import RVCWorker

/// A job runner with the test engine, a fresh download cache in a temporary folder, loopback URLs
/// allowed, and a file server holding a vocal and a test model.
struct RunnerFixture {
    let server: TestHTTPServer
    let runner: JobRunner
    let directory: URL

    static func make(
        engine: TestEngine = TestEngine(), store: (any ResultStore)? = nil, allowPrivate: Bool = true
    ) async throws -> RunnerFixture {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("rvc-worker-test-\(UUID().uuidString)")
        var options = DownloadOptions()
        options.allowPrivateAddresses = allowPrivate
        options.maxRetries = 0
        let downloader = Downloader(options: options)
        let cache = try DownloadCache(directory: directory.appendingPathComponent("cache"), maxBytes: 1 << 30, downloader: downloader)
        let fetcher = StorageFileFetcher(cache: cache, downloader: downloader, temporaryDirectory: directory)
        let server = try await TestHTTPServer.start([
            "voice.wav": try TestAudio.sineWAV(),
            "model.pth": Data("RVCTEST model".utf8),
            "same-model.pth": Data("RVCTEST model".utf8),
            "broken.pth": Data("PK not a model".utf8),
            "oom.pth": Data("RVCTEST-oom".utf8),
            "noise.wav": Data(repeating: 7, count: 5000),
        ])
        let runner = JobRunner(engine: engine, fetcher: fetcher, store: store)
        return RunnerFixture(server: server, runner: runner, directory: directory)
    }

    /// A valid input for this server with extra fields.
    func input(_ extra: [String: JSONValue] = [:]) -> JSONValue {
        .object(["vocal_url": .string(server.url("voice.wav")), "model_url": .string(server.url("model.pth"))]
            .merging(extra) { $1 })
    }

    func tearDown() {
        server.stop()
        try? FileManager.default.removeItem(at: directory)
    }
}
