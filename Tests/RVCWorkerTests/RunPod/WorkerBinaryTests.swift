import Foundation
import RVCTestSupport
import Testing
@testable import RVCWorker

/// The real `rvc worker` binary with the tiny fixture networks and models, against the local
/// RunPod-protocol server and a loopback file server.
@Suite(.serialized) struct WorkerBinaryTests {
    private static func files() async throws -> TestHTTPServer {
        try await TestHTTPServer.start([
            "voice.wav": try TestAudio.sineWAV(seconds: 1.5),
            "v2_48k_f0.pth": try Data(contentsOf: URL(fileURLWithPath: RVCProcess.fixture("v2_48k_f0.pth"))),
            "v2_48k_f0.index": try Data(contentsOf: URL(fileURLWithPath: RVCProcess.fixture("v2_48k_f0.index"))),
            "broken.pth": Data("PK\u{3}\u{4} this is not a checkpoint".utf8),
        ])
    }

    private static func environment(_ server: RunPodTestServer) -> [String: String] {
        server.environment().merging([
            "RVC_ALLOW_PRIVATE_URLS": "1",
            "RVC_CACHE_DIR": FileManager.default.temporaryDirectory.appendingPathComponent("rvc-worker-bin-\(UUID().uuidString)").path,
        ]) { $1 }
    }

    @Test func convertsAJobAndDeliversTheResultDespiteAServerError() async throws {
        let server = try await RunPodTestServer.start()
        defer { server.stop() }
        let files = try await Self.files()
        defer { files.stop() }
        server.failNextDone(with: [502])
        server.enqueue(["id": "j-ok", "input": .object([
            "vocal_url": .string(files.url("voice.wav")), "model_url": .string(files.url("v2_48k_f0.pth")),
            "index_url": .string(files.url("v2_48k_f0.index")), "f0_up_key": 2, "tag": "e2e",
        ])])
        let worker = try RVCProcess(["worker"] + RVCProcess.tinyEngineArguments, environment: Self.environment(server))
        defer { worker.terminate() }
        let delivered = await server.waitUntil(timeout: .seconds(180)) { $0.doneRequests.count == 1 }
        #expect(delivered, "worker output:\n\(worker.text)")
        worker.terminate()  // SIGTERM: drains and exits 0
        #expect(await worker.wait() == 0, "worker output:\n\(worker.text)")

        #expect(server.doneAttempts(for: "j-ok") == 2)
        let body = try #require(server.doneRequests.first?.json)
        #expect(body["error"] == nil, "\(body.jsonText)")
        let output = try #require(body["output"])
        #expect(output["result"] == "success")
        #expect(output["tag"] == "e2e")
        #expect(output["model_version"] == "v2")
        #expect(output["sample_rate"] == 48_000)
        #expect(output["audio_url"]?.stringValue?.hasPrefix("data:audio/ogg;base64,T2dnUw") == true)
        #expect(server.pings.contains { $0.query.contains("job_id=j-ok") } || server.pings.count >= 1)
        #expect(server.takeURLs.allSatisfy { $0.contains("/job-take/w1?gpu=SIM&job_in_progress=") })
        // The metadata line is logged.
        #expect(worker.text.contains("\"job_id\":\"j-ok\""))
    }

    @Test func rejectsBadInputUnreachableURLsAndABrokenModelThenKeepsWorking() async throws {
        let server = try await RunPodTestServer.start()
        defer { server.stop() }
        let files = try await Self.files()
        defer { files.stop() }
        server.enqueue(["id": "j-invalid", "input": .object(["vocal_url": .string(files.url("voice.wav")), "model_url": .string(files.url("v2_48k_f0.pth")), "f0_up_key": 99])])
        server.enqueue(["id": "j-unreachable", "input": .object(["vocal_url": .string(files.url("voice.wav")), "model_url": "http://127.0.0.1:1/model.pth"])])
        server.enqueue(["id": "j-broken", "input": .object(["vocal_url": .string(files.url("voice.wav")), "model_url": .string(files.url("broken.pth"))])])
        server.enqueue(["id": "j-after", "input": .object([:])])
        let worker = try RVCProcess(["worker"] + RVCProcess.tinyEngineArguments, environment: Self.environment(server))
        defer { worker.terminate() }
        // A model the reader refuses leaves the worker sound: it takes the next job, and stops on SIGTERM.
        let deadline = ContinuousClock.now + .seconds(180)
        while server.doneRequests.count < 4, worker.isRunning, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(100))
        }
        worker.terminate()
        #expect(await worker.wait(timeout: .seconds(60)) == 0, "worker output:\n\(worker.text)")

        let bodies = Dictionary(uniqueKeysWithValues: server.doneRequests.map { ($0.jobID, $0.json) })
        #expect(bodies.count == 4, "\(bodies.keys)")
        let invalid = try #require(bodies["j-invalid"] ?? nil)
        #expect(invalid["output"]?["error_code"] == "INVALID_INPUT")
        #expect(invalid["error"]?.stringValue?.contains("f0_up_key") == true)
        #expect(invalid["stopPod"] == nil)
        let unreachable = try #require(bodies["j-unreachable"] ?? nil)
        #expect(unreachable["output"]?["error_code"] == "DOWNLOAD_FAILED")
        #expect(unreachable["output"]?["stage"] == "download_model")
        #expect(unreachable["stopPod"] == nil)
        let broken = try #require(bodies["j-broken"] ?? nil)
        #expect(broken["output"]?["error_code"] == "MODEL_LOAD_FAILED")
        #expect(broken["stopPod"] == nil)
        let after = try #require(bodies["j-after"] ?? nil)
        #expect(after["output"]?["error_code"] == "INVALID_INPUT")
    }

    @Test func sigtermDuringAJobFinishesItAndDeliversItsResultBeforeExiting() async throws {
        let server = try await RunPodTestServer.start()
        defer { server.stop() }
        let files = try await Self.files()
        defer { files.stop() }
        // The vocal download is held until the worker has taken SIGTERM in.
        let vocal = "/gate/sigterm/voice.wav"
        server.enqueue(["id": "j-term", "input": .object([
            "vocal_url": .string(files.url(vocal)), "model_url": .string(files.url("v2_48k_f0.pth")), "format": "wav",
        ])])
        let worker = try RVCProcess(["worker"] + RVCProcess.tinyEngineArguments, environment: Self.environment(server))
        defer { worker.terminate() }
        #expect(try await files.eventually(limit: .seconds(180)) { try $0.requestCount(vocal) == 1 }, "\(worker.text)")
        worker.terminate()
        #expect(await worker.waitForOutput("stopping: no new jobs"), "\(worker.text)")
        try files.release("sigterm")
        #expect(await worker.wait(timeout: .seconds(180)) == 0, "\(worker.text)")
        #expect(server.deliveries == ["j-term": 1])
        let body = try #require(server.doneRequests.first?.json)
        #expect(body["output"]?["result"] == "success", "\(body.jsonText)")
    }

    @Test func aSecondSigtermExitsAtOnce() async throws {
        let server = try await RunPodTestServer.start()
        defer { server.stop() }
        let files = try await Self.files()
        defer { files.stop() }
        let vocal = "/gate/never/voice.wav"
        server.enqueue(["id": "j-stuck", "input": .object([
            "vocal_url": .string(files.url(vocal)), "model_url": .string(files.url("v2_48k_f0.pth")),
        ])])
        let worker = try RVCProcess(["worker"] + RVCProcess.tinyEngineArguments, environment: Self.environment(server))
        defer { worker.terminate() }
        #expect(try await files.eventually(limit: .seconds(180)) { try $0.requestCount(vocal) == 1 }, "\(worker.text)")
        worker.terminate()
        #expect(await worker.waitForOutput("stopping: no new jobs"), "\(worker.text)")
        // The job is still held: only the second signal can end the process now.
        worker.terminate()
        #expect(await worker.wait(timeout: .seconds(60)) == 143, "\(worker.text)")
        #expect(worker.text.contains("second signal"))
        #expect(server.deliveries.isEmpty)
        try files.release("never")
    }

    @Test func aThousandJobsLeaveTheWorkersMemoryFlat() async throws {
        // The worker loop alone, in its own process (other tests allocate in this one): jobs whose
        // input is refused before any download, each with 16 kB of padding. Every finished job task
        // must be released; a task group that is never drained keeps each one (4.1 MB more here,
        // against 0.3 to 0.7 MB).
        let server = try await RunPodTestServer.start(keepsRequests: false)
        defer { server.stop() }
        let padding = JSONValue.string(String(repeating: "x", count: 16 * 1024))
        let worker = try RVCProcess(
            ["worker"] + RVCProcess.tinyEngineArguments,
            environment: Self.environment(server).merging(["RVC_WORKER_CONCURRENCY": "4"]) { $1 })
        defer { worker.terminate() }
        func feed(_ range: ClosedRange<Int>) async -> Bool {
            for index in range { server.enqueue(["id": .string("m-\(index)"), "input": .object(["pad": padding])]) }
            return await server.waitUntil(timeout: .seconds(600)) { $0.deliveries.count == range.upperBound }
        }
        #expect(await feed(1...200), "\(worker.text.suffix(2000))")
        let warm = try #require(worker.residentBytes)
        #expect(await feed(201...1000), "\(worker.text.suffix(2000))")
        let end = try #require(worker.residentBytes)
        worker.terminate()
        #expect(await worker.wait() == 0)
        #expect(server.deliveries.count == 1000)
        #expect(server.deliveries.values.allSatisfy { $0 == 1 })
        print("worker resident memory: \(warm >> 10) kB after 200 jobs, \(end >> 10) kB after 1000")
        #expect(end - warm < 2 << 20, "grew \(end - warm) bytes over 800 jobs")
    }

    @Test func theSDKsTestInputSpellingIsAccepted() async throws {
        let job = JSONValue.object(["input": .object(["vocal_url": "https://example.com/a.wav", "model_url": "https://example.com/m.pth", "f0_up_key": 99])])
        let run = try RVCProcess(["worker", "--test_input", job.jsonText] + RVCProcess.tinyEngineArguments, environment: [:])
        #expect(await run.wait(timeout: .seconds(180)) == 1, "\(run.text)")
        #expect(run.text.contains("INVALID_INPUT"), "\(run.text)")
        #expect(run.text.contains("f0_up_key"))
    }

    @Test func oneShotTestInputPrintsTheResultAndSetsTheExitStatus() async throws {
        let files = try await Self.files()
        defer { files.stop() }
        let cache = FileManager.default.temporaryDirectory.appendingPathComponent("rvc-oneshot-\(UUID().uuidString)")
        let good = JSONValue.object(["input": .object([
            "vocal_url": .string(files.url("voice.wav")), "model_url": .string(files.url("v2_48k_f0.pth")), "format": "wav",
            "sample_rate": 16_000,
        ])])
        let ok = try RVCProcess(["worker", "--test-input", good.jsonText] + RVCProcess.tinyEngineArguments,
                                environment: ["RVC_ALLOW_PRIVATE_URLS": "1", "RVC_CACHE_DIR": cache.path])
        #expect(await ok.wait(timeout: .seconds(180)) == 0, "\(ok.text)")
        #expect(ok.text.contains(#""result":"success""#))
        #expect(ok.text.contains("data:audio/wav;base64,"))

        // From ./test_input.json, with a private URL refused by default: exit status 1.
        try FileManager.default.createDirectory(at: cache, withIntermediateDirectories: true)
        try good.encoded().write(to: cache.appendingPathComponent("test_input.json"))
        let refused = try RVCProcess(["worker"] + RVCProcess.tinyEngineArguments,
                                     environment: ["RVC_CACHE_DIR": cache.path, "RVC_ALLOW_PRIVATE_URLS": "0"], directory: cache)
        #expect(await refused.wait(timeout: .seconds(180)) == 1, "\(refused.text)")
        #expect(refused.text.contains("DOWNLOAD_FAILED"))
    }
}
