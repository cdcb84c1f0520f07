import Foundation
import RVCCore
import RVCStorage
import RVCTestSupport
import Testing
@testable import RVCWorker

/// Hostile model and index files through the job runner with the real engine (the tiny HuBERT and
/// RMVPE fixtures on the CPU): each is refused at `load_model` naming what and where, the worker is
/// not asked to stop (nothing was loaded), and the model already loaded keeps being served.
@Suite("Job runner with hostile models", .serialized)
struct JobRunnerHostileModelTests {
    /// Corpus files sent as models.
    static let hostile = ["reduce-posix.system", "extra-key-in-valid-model", "opcode-inst", "zip-dotdot-member", "zip-bomb",
                          "legacy-stream-call", "allocation-bomb-list"]

    @Test("hostile models and indexes fail the job alone; the loaded model and the caches stay valid")
    func hostileModelsLeaveTheWorkerSound() async throws {
        let dir = try TemporaryDirectory()
        let marker = dir.file("pwned")
        var files: [String: Data] = [
            "voice.wav": try TestAudio.sineWAV(seconds: 1),
            "good.pth": try Data(contentsOf: Fixtures.parity("v2_48k_f0.pth")),
            "garbage.index": Data(repeating: 0x49, count: 4096),
        ]
        let corpus = try HostileCheckpoints.write(into: dir.url, marker: marker)
        for (item, url) in corpus where Self.hostile.contains(item.name) {
            files["\(item.name).pth"] = try Data(contentsOf: url)
        }
        let server = try await TestHTTPServer.start(files)
        defer { server.stop() }
        var options = DownloadOptions()
        options.allowPrivateAddresses = true
        options.maxRetries = 0
        let downloader = Downloader(options: options)
        let cache = try DownloadCache(directory: dir.file("cache"), maxBytes: 1 << 30, downloader: downloader)
        let engine = try RVCConversionEngine(
            hubert: Fixtures.parity("hubert_tiny.pt"), rmvpe: Fixtures.parity("rmvpe_tiny.pt"), device: .cpu, precision: .float32)
        let runner = JobRunner(
            engine: engine, fetcher: StorageFileFetcher(cache: cache, downloader: downloader, temporaryDirectory: dir.url),
            store: nil)
        func job(model: String, index: String? = nil) -> JSONValue {
            var input: [String: JSONValue] = [
                "vocal_url": .string(server.url("voice.wav")), "model_url": .string(server.url(model)), "format": "wav",
                "sample_rate": 16_000,
            ]
            if let index { input["index_url"] = .string(server.url(index)) }
            return .object(input)
        }

        let first = await runner.run(input: job(model: "good.pth"), jobID: "good-1")
        #expect(first.failure == nil, "\(String(describing: first.failure))")
        #expect(await runner.models.count == 1)

        for (item, _) in corpus where Self.hostile.contains(item.name) {
            let outcome = await runner.run(input: job(model: "\(item.name).pth"), jobID: item.name)
            let failure = try #require(outcome.failure, "\(item.name) was accepted")
            #expect(failure.code == .modelLoadFailed && failure.stage == .loadModel, "\(item.name): \(failure)")
            #expect(failure.refreshWorker == false, "\(item.name)")
            #expect(outcome.output["refresh_worker"] == false)
            for fragment in item.refusal.fragments {
                #expect(failure.message.contains(fragment), "\(item.name): '\(fragment)' not in \(failure.message)")
            }
        }
        // An index that is not a faiss file: refused the same way.
        let badIndex = await runner.run(input: job(model: "good.pth", index: "garbage.index"), jobID: "bad-index")
        #expect(badIndex.failure?.code == .modelLoadFailed && badIndex.failure?.refreshWorker == false,
                "\(String(describing: badIndex.failure))")

        // The good model is still loaded and served from the model cache; its download stays cached.
        let again = await runner.run(input: job(model: "good.pth"), jobID: "good-2")
        #expect(again.failure == nil)
        #expect(again.metadata["model_info"]?["cached"] == true)
        #expect(await runner.models.count == 1)
        #expect(try server.requestCount("good.pth") == 1)
        #expect(!FileManager.default.fileExists(atPath: marker.path))
    }

    @Test("a refused file is classified by its type, not by words its message quotes from the file")
    func refusalIsNotMistakenForOutOfMemory() {
        let error = CheckpointError.forbiddenGlobal(
            file: "/tmp/m.pth", member: "archive/data.pkl", offset: 2, global: "cuda.out of memory")
        let failure = JobRunner.classify(error, stage: .loadModel)
        #expect(failure.code == .modelLoadFailed)
        #expect(failure.refreshWorker == false)
        let index = JobRunner.classify(IndexFileError.tooLarge(file: "/tmp/i.index", bytes: 10, limit: 5), stage: .loadModel)
        #expect(index.code == .modelLoadFailed && index.refreshWorker == false)
    }
}
