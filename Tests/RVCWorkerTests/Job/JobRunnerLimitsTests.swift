import Foundation
import RVCStorage
import RVCTestSupport
import Testing
@testable import RVCWorker

/// The hard limits a worker reads from its environment (`docs/worker.md`), each enforced: bytes per
/// download (vocal, model, index), decoded `data:` vocal size, decoded audio length.
@Suite struct JobRunnerLimitsTests {
    struct Setup {
        let server: TestHTTPServer
        let runner: JobRunner
        let directory: TemporaryDirectory

        func input(_ extra: [String: JSONValue] = [:]) -> JSONValue {
            .object(["vocal_url": .string(server.url("voice.wav")), "model_url": .string(server.url("model.pth"))]
                .merging(extra) { $1 })
        }
    }

    /// A runner made by ``WorkerRuntime`` from `environment` (cache in a temporary folder, loopback
    /// allowed) and the test engine.
    static func setup(_ environment: [String: String]) async throws -> Setup {
        let directory = try TemporaryDirectory()
        // The runner first: a refused environment must not leave a server running.
        let runner = try WorkerRuntime.makeRunner(
            engine: TestEngine(),
            environment: ["RVC_CACHE_DIR": directory.url.path, "RVC_ALLOW_PRIVATE_URLS": "1"].merging(environment) { $1 })
        let server = try await TestHTTPServer.start([
            "voice.wav": try TestAudio.sineWAV(seconds: 2),
            "model.pth": Data("RVCTEST model".utf8),
            "model.index": Data(repeating: 1, count: 300),
        ])
        return Setup(server: server, runner: runner, directory: directory)
    }

    @Test("the limits default as documented and are read from the environment")
    func configuration() async throws {
        let defaults = try await Self.setup([:])
        defer { defaults.server.stop() }
        #expect(defaults.runner.configuration.maxVocalBytes == 1 << 30)
        #expect(defaults.runner.configuration.maxModelBytes == 1 << 30)
        #expect(defaults.runner.configuration.maxIndexBytes == 2 << 30)
        #expect(defaults.runner.configuration.maxAudioSeconds == 1_200)
        #expect(DownloadOptions().maxDataURLBytes == 32 << 20)
        let set = try await Self.setup([
            "RVC_MAX_VOCAL_BYTES": "11", "RVC_MAX_MODEL_BYTES": "12", "RVC_MAX_INDEX_BYTES": "13", "RVC_MAX_AUDIO_SECONDS": "14",
        ])
        defer { set.server.stop() }
        #expect(set.runner.configuration.maxVocalBytes == 11)
        #expect(set.runner.configuration.maxModelBytes == 12)
        #expect(set.runner.configuration.maxIndexBytes == 13)
        #expect(set.runner.configuration.maxAudioSeconds == 14)
        for name in ["RVC_MAX_VOCAL_BYTES", "RVC_MAX_MODEL_BYTES", "RVC_MAX_INDEX_BYTES", "RVC_MAX_DATA_URL_BYTES"] {
            await #expect(throws: WorkerRuntime.ConfigurationError.self, "\(name)") { _ = try await Self.setup([name: "lots"]) }
        }
    }

    @Test("a vocal over RVC_MAX_VOCAL_BYTES fails its download and leaves no file")
    func vocalBytes() async throws {
        let setup = try await Self.setup(["RVC_MAX_VOCAL_BYTES": "10000"])
        defer { setup.server.stop() }
        let outcome = await setup.runner.run(input: setup.input(), jobID: nil)
        #expect(outcome.failure?.code == .downloadFailed && outcome.failure?.stage == .downloadVocal)
        #expect(outcome.failure?.message.contains("limit of 10000 bytes") == true, "\(String(describing: outcome.failure))")
        #expect(outcome.failure?.refreshWorker == false)
    }

    @Test("a model over RVC_MAX_MODEL_BYTES fails its download and is not cached")
    func modelBytes() async throws {
        let setup = try await Self.setup(["RVC_MAX_MODEL_BYTES": "8"])
        defer { setup.server.stop() }
        let outcome = await setup.runner.run(input: setup.input(), jobID: nil)
        #expect(outcome.failure?.code == .downloadFailed && outcome.failure?.stage == .downloadModel)
        #expect(outcome.failure?.message.contains("limit of 8 bytes") == true, "\(String(describing: outcome.failure))")
        let downloads = setup.directory.file("downloads")
        let left = (try? FileManager.default.contentsOfDirectory(atPath: downloads.path)) ?? []
        #expect(left.isEmpty, "\(left)")
    }

    @Test("an index over RVC_MAX_INDEX_BYTES fails its download")
    func indexBytes() async throws {
        let setup = try await Self.setup(["RVC_MAX_INDEX_BYTES": "200"])
        defer { setup.server.stop() }
        let outcome = await setup.runner.run(input: setup.input(["index_url": .string(setup.server.url("model.index"))]), jobID: nil)
        #expect(outcome.failure?.code == .downloadFailed && outcome.failure?.stage == .downloadIndex)
        #expect(outcome.failure?.message.contains("limit of 200 bytes") == true, "\(String(describing: outcome.failure))")
    }

    @Test("a data: vocal over RVC_MAX_DATA_URL_BYTES is refused; one under it converts")
    func dataURLBytes() async throws {
        let setup = try await Self.setup(["RVC_MAX_DATA_URL_BYTES": "20000"])
        defer { setup.server.stop() }
        let big = "data:audio/wav;base64," + (try TestAudio.sineWAV(seconds: 0.5)).base64EncodedString()
        let refused = await setup.runner.run(input: setup.input(["vocal_url": .string(big)]), jobID: nil)
        #expect(refused.failure?.code == .downloadFailed && refused.failure?.stage == .downloadVocal)
        #expect(refused.failure?.message.contains("limit of 20000 bytes") == true, "\(String(describing: refused.failure))")
        let small = "data:audio/wav;base64," + (try TestAudio.sineWAV(seconds: 0.1, sampleRate: 16_000)).base64EncodedString()
        let accepted = await setup.runner.run(input: setup.input(["vocal_url": .string(small)]), jobID: nil)
        #expect(accepted.failure == nil, "\(String(describing: accepted.failure))")
    }

    @Test("a vocal longer than RVC_MAX_AUDIO_SECONDS is invalid audio")
    func audioSeconds() async throws {
        let setup = try await Self.setup(["RVC_MAX_AUDIO_SECONDS": "1"])
        defer { setup.server.stop() }
        let outcome = await setup.runner.run(input: setup.input(), jobID: nil)
        #expect(outcome.failure?.code == .invalidAudio && outcome.failure?.stage == .decode, "\(String(describing: outcome.failure))")
    }
}
