import Foundation
import RVCStorage
import RVCTestSupport
import Testing
@testable import RVCWorker

/// S3 that fails under a job: SeaweedFS going away in the middle (behind a ``FaultProxy``, or the
/// server itself stopped), or credentials it refuses. The job fails with `UPLOAD_FAILED` naming S3,
/// the request folder never looks complete (`metadata.json` is written last, and only when what it
/// describes is stored), and the worker takes the next job.
@Suite(.serialized) struct JobRunnerS3FaultTests {
    /// Short retry delays: the S3 client retries transient failures three times.
    private static var options: DownloadOptions {
        var options = DownloadOptions()
        options.retryDelay = .milliseconds(20)
        options.maxRetryDelay = .milliseconds(100)
        options.connectTimeout = .seconds(5)
        return options
    }

    private static func expectMissing(_ client: S3Client, _ key: String) async {
        await #expect {
            _ = try await client.getObject(key: key)
        } throws: { error in
            guard case StorageError.s3(_, _, let status, _, _, _) = error else { return false }
            return status == 404
        }
    }

    @Test func s3GoingDownMidUploadFailsNamingS3AndLeavesNoCompleteRequest() async throws {
        let seaweed = try await SeaweedS3Server.shared()
        let proxy = try await FaultProxy.start(upstream: seaweed.endpoint)
        defer { proxy.stop() }
        let prefix = "down-\(UUID().uuidString.prefix(8))"
        let direct = S3Client(configuration: try seaweed.configuration(keyPrefix: prefix))
        var configuration = try seaweed.configuration(keyPrefix: prefix)
        configuration.endpoint = proxy.baseURL
        let client = S3Client(configuration: configuration, options: Self.options)
        // The input copy goes through; the output upload is held, S3 goes down, then it goes on.
        let uploads = "/\(seaweed.bucket)/\(prefix)/"
        try proxy.inject([.pass, .hold(gate: "output")], on: uploads, method: "PUT")
        let fixture = try await RunnerFixture.make(store: S3ResultStore(client: client))
        defer { fixture.tearDown() }
        let job = Task { await fixture.runner.run(input: fixture.input(["tag": "down"]), jobID: "j-down") }
        while try proxy.requests(uploads).count < 2 { try await Task.sleep(for: .milliseconds(10)) }
        try proxy.setDown(true)
        try proxy.release("output")
        let outcome = await job.value
        try proxy.setDown(false)

        let failure = try #require(outcome.failure)
        #expect(failure.code == .uploadFailed)
        #expect(failure.stage == .upload)
        #expect(failure.message.contains("S3"), "\(failure.message)")
        #expect(failure.refreshWorker == false)
        #expect(outcome.output["error_code"] == "UPLOAD_FAILED")
        let folder = "\(prefix)/request-\(outcome.requestID)"
        _ = try await direct.getObject(key: "\(folder)/input.opus.ogg")  // the part stored before
        await Self.expectMissing(direct, "\(folder)/output.opus.ogg")
        await Self.expectMissing(direct, "\(folder)/metadata.json")
        #expect(outcome.metadata["metadata_upload_error"] != nil)
    }

    @Test func wrongCredentialsFailNamingS3AndStoreNothing() async throws {
        let seaweed = try await SeaweedS3Server.shared()
        let prefix = "creds-\(UUID().uuidString.prefix(8))"
        let wrong = S3Client(configuration: try seaweed.configuration(secretKey: "not-the-secret", keyPrefix: prefix), options: Self.options)
        let fixture = try await RunnerFixture.make(store: S3ResultStore(client: wrong))
        defer { fixture.tearDown() }
        let outcome = await fixture.runner.run(input: fixture.input(), jobID: "j-creds")
        let failure = try #require(outcome.failure)
        #expect(failure.code == .uploadFailed)
        #expect(failure.message.contains("S3"))
        #expect(failure.message.contains("403") || failure.message.contains("SignatureDoesNotMatch"), "\(failure.message)")
        let direct = S3Client(configuration: try seaweed.configuration(keyPrefix: prefix))
        for name in ["input.opus.ogg", "output.opus.ogg", "metadata.json"] {
            await Self.expectMissing(direct, "\(prefix)/request-\(outcome.requestID)/\(name)")
        }
    }

    @Test func s3StoppedDuringTheConversionFailsTheJobNotTheWorker() async throws {
        // A SeaweedFS of its own, stopped for real while the conversion is held.
        let seaweed = try await SeaweedS3Server.start()
        let client = S3Client(configuration: try seaweed.configuration(keyPrefix: "stopped"), options: Self.options)
        let hold = ConversionHold()
        let fixture = try await RunnerFixture.make(engine: TestEngine(hold: hold), store: S3ResultStore(client: client))
        defer { fixture.tearDown() }
        let server = try await RunPodTestServer.start()
        defer { server.stop() }
        let worker = RunPodWorker(
            configuration: try #require(RunPodConfiguration.fromEnvironment(server.environment())),
            handler: fixture.runner.handler)
        let run = Task { await worker.run() }
        server.enqueue(["id": "j-stopped", "input": fixture.input()])
        await hold.started.wait()
        // Stopping waits for weed to exit (seconds): on a thread of its own, not the cooperative pool.
        await withCheckedContinuation { (stopped: CheckedContinuation<Void, Never>) in
            Thread {
                seaweed.stop()
                stopped.resume()
            }.start()
        }
        hold.release.open()
        #expect(await server.waitUntil(timeout: .seconds(120)) { $0.deliveries["j-stopped"] == 1 })
        let body = try #require(server.doneRequests.first { $0.jobID == "j-stopped" }?.json)
        #expect(body["output"]?["error_code"] == "UPLOAD_FAILED")
        #expect(body["error"]?.stringValue?.contains("S3") == true, "\(body.jsonText)")
        #expect(body["stopPod"] == nil)
        // Still up: the next job is taken and answered (it fails the same way: S3 is still gone).
        server.enqueue(["id": "j-after", "input": fixture.input(["f0_up_key": 1])])
        #expect(await server.waitUntil(timeout: .seconds(120)) { $0.deliveries["j-after"] == 1 })
        worker.stop()
        await run.value
    }
}
