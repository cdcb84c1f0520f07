import Foundation
import RVCTestSupport
import Synchronization
import Testing
@testable import RVCWorker

/// The queue worker against a local RunPod-protocol server, with handlers that need no model.
@Suite(.serialized) struct RunPodWorkerTests {
    private func makeWorker(_ server: RunPodTestServer, handler: @escaping RunPodWorker.Handler) throws -> RunPodWorker {
        let configuration = try #require(RunPodConfiguration.fromEnvironment(server.environment()))
        return RunPodWorker(configuration: configuration, handler: handler)
    }

    @Test func jobResultIsPostedWithTheProtocolsHeadersAndBody() async throws {
        let server = try await RunPodTestServer.start()
        defer { server.stop() }
        server.enqueue(["id": "j-1", "input": .object(["x": 1])])
        let worker = try makeWorker(server) { job in .object(["echo": job["input"] ?? nil, "text": "é ✓"]) }
        let run = Task { await worker.run() }
        #expect(await server.waitUntil { $0.doneRequests.count == 1 })
        worker.stop()
        await run.value

        let done = try #require(server.doneRequests.first)
        #expect(done.jobID == "j-1")
        #expect(done.query == "gpu=SIM&isStream=false")
        #expect(done.headers["authorization"] == "secret-key")
        #expect(done.headers["content-type"] == "application/x-www-form-urlencoded")
        #expect(done.headers["charset"] == "utf-8")
        #expect(done.headers["x-request-id"] == "j-1")
        #expect(done.json == .object(["output": .object(["echo": .object(["x": 1]), "text": "é ✓"])]))
        #expect(String(decoding: done.body, as: UTF8.self).contains("é ✓"))
        #expect(server.takeURLs.first?.hasSuffix("/job-take/w1?gpu=SIM&job_in_progress=0") == true)
    }

    @Test func resultSurvivesServerErrorsAndRateLimitsOnJobDone() async throws {
        let server = try await RunPodTestServer.start()
        defer { server.stop() }
        server.failNextDone(with: [500, 503, 429])
        server.enqueue(["id": "j-retry", "input": .object([:])])
        let worker = try makeWorker(server) { _ in "ok" }
        let run = Task { await worker.run() }
        #expect(await server.waitUntil { $0.doneRequests.count == 1 })
        worker.stop()
        await run.value
        #expect(server.doneAttempts(for: "j-retry") == 4)
        #expect(server.doneRequests.first?.json == .object(["output": "ok"]))
    }

    @Test func refreshWorkerSendsStopPodAndStopsTheWorker() async throws {
        let server = try await RunPodTestServer.start()
        defer { server.stop() }
        server.enqueue(["id": "j-bad", "input": .object([:])])
        server.enqueue(["id": "j-next", "input": .object([:])])
        let worker = try makeWorker(server) { _ in .object(["result": "failure", "error": "model broke", "refresh_worker": true]) }
        await worker.run()  // returns by itself after the stopPod result
        let done = try #require(server.doneRequests.first)
        #expect(done.json == .object(["output": .object(["result": "failure"]), "error": "model broke", "stopPod": true]))
        #expect(server.doneRequests.count == 1)
    }

    @Test func heartbeatKeepsReportingTheJobDuringALongBlockingJob() async throws {
        let server = try await RunPodTestServer.start()
        defer { server.stop() }
        server.enqueue(["id": "j-long", "input": .object([:])])
        let worker = try makeWorker(server) { _ in
            // Blocks a thread as a conversion does, off the cooperative pool, until the heartbeat has
            // reported the job three times (or 30 s pass, which fails the expectation below).
            try await BlockingRunner.run(name: "busy") {
                let deadline = Date().addingTimeInterval(30)
                while Date() < deadline, server.pings.filter({ $0.query.contains("job_id=j-long") }).count < 3 {
                    Thread.sleep(forTimeInterval: 0.05)
                }
                return "done"
            }
        }
        let run = Task { await worker.run() }
        #expect(await server.waitUntil { $0.doneRequests.count == 1 })
        worker.stop()
        await run.value
        let withJob = server.pings.filter { $0.query.contains("job_id=j-long") }
        #expect(withJob.count >= 3)
        #expect(server.pings.allSatisfy { $0.authorization == "secret-key" && $0.query.contains("runpod_version=") })
    }

    @Test func stopDrainsTheRunningJobAndPostsItsResult() async throws {
        let server = try await RunPodTestServer.start()
        defer { server.stop() }
        server.enqueue(["id": "j-drain", "input": .object([:])])
        let started = TestGate(), release = TestGate()
        let worker = try makeWorker(server) { _ in
            started.open()
            await release.wait()
            return "drained"
        }
        let run = Task { await worker.run() }
        await started.wait()
        worker.stop()
        release.open()
        await run.value
        #expect(server.doneRequests.map(\.jobID) == ["j-drain"])
        #expect(server.doneRequests.first?.json == .object(["output": "drained"]))
    }

    @Test func aJobHandedOutAsTheWorkerStopsIsRunAndReported() async throws {
        // SIGTERM arrives while a job-take is open; the platform answers it with a job. The poll is
        // let finish and its job run, not abandoned (the job would be lost: handed out, never run).
        let server = try await RunPodTestServer.start()
        defer { server.stop() }
        let proxy = try await FaultProxy.start(upstream: server.origin)
        defer { proxy.stop() }
        try proxy.inject([.hold(gate: "take")], on: "/v2/ep/job-take/")
        let configuration = try #require(RunPodConfiguration.fromEnvironment(server.environment(through: proxy.baseURL)))
        let worker = RunPodWorker(configuration: configuration) { job in .object(["ran": job["id"] ?? nil]) }
        let run = Task { await worker.run() }
        #expect(await server.waitUntil { _ in (try? proxy.requests("/v2/ep/job-take/").count) == 1 })
        worker.stop()
        server.enqueue(["id": "j-late", "input": .object([:])])
        try proxy.release("take")
        await run.value
        #expect(server.doneRequests.map(\.jobID) == ["j-late"])
        #expect(server.doneRequests.first?.json == .object(["output": .object(["ran": "j-late"])]))
        #expect(try proxy.requests("/v2/ep/job-take/").count == 1)
    }

    @Test func aStoppedJobIsCancelledLeavesThePingsAndGetsNoResult() async throws {
        let server = try await RunPodTestServer.start()
        defer { server.stop() }
        server.enqueue(["id": "j-stop", "input": .object([:])])
        let hold = ConversionHold()
        var configuration = try #require(RunPodConfiguration.fromEnvironment(server.environment()))
        configuration.stopPollDelay = .milliseconds(100)
        let worker = RunPodWorker(configuration: configuration) { job in
            guard job["id"] == "j-stop" else { return "next" }
            // A conversion on its own thread, checking its cancellation between segments.
            try await BlockingRunner.run(name: "convert") { cancellation in try hold.pass(cancellation) }
            return "converted"
        }
        let run = Task { await worker.run() }
        await hold.started.wait()
        #expect(await server.waitUntil { $0.pings.contains { $0.query.contains("job_id=j-stop") } })
        server.stopJob("j-stop")
        #expect(await server.waitUntil { _ in hold.cancelled == 1 })
        // The slot is free again: the next job runs.
        server.enqueue(["id": "j-next", "input": .object([:])])
        #expect(await server.waitUntil { $0.deliveries["j-next"] == 1 })
        let after = server.pings.count + 1  // a ping already on its way may still name it
        #expect(await server.waitUntil { $0.pings.count >= after + 2 })
        worker.stop()
        hold.release.open()
        await run.value
        #expect(hold.completed == 0)
        #expect(server.deliveries["j-stop"] == nil)
        #expect(server.pings.dropFirst(after).allSatisfy { !$0.query.contains("j-stop") })
    }

    @Test func freeSlotsAreAskedForWithJobTakeBatch() async throws {
        let server = try await RunPodTestServer.start()
        defer { server.stop() }
        for index in 1...3 { server.enqueue(["id": .string("j-\(index)"), "input": .object([:])]) }
        var configuration = try #require(RunPodConfiguration.fromEnvironment(server.environment()))
        configuration.concurrency = 3
        let running = Mutex(0)
        let allStarted = TestGate(), release = TestGate()
        let worker = RunPodWorker(configuration: configuration) { job in
            if running.withLock({ $0 += 1; return $0 }) == 3 { allStarted.open() }
            await release.wait()
            return job["id"] ?? nil
        }
        let run = Task { await worker.run() }
        await allStarted.wait()
        release.open()
        #expect(await server.waitUntil { $0.deliveries.count == 3 })
        worker.stop()
        await run.value
        #expect(server.takeURLs.first?.hasSuffix("/job-take-batch/w1?gpu=SIM&batch_size=3&job_in_progress=0") == true,
                "\(server.takeURLs.prefix(3))")
        #expect(server.deliveries == ["j-1": 1, "j-2": 1, "j-3": 1])
    }


    @Test func takeErrorsAreSurvived() async throws {
        let server = try await RunPodTestServer.start()
        defer { server.stop() }
        server.failNextTake(with: [500, 400, 204])
        server.enqueue(["id": "j-after", "input": .object([:])])
        let worker = try makeWorker(server) { _ in 1 }
        let run = Task { await worker.run() }
        #expect(await server.waitUntil { $0.doneRequests.count == 1 })
        worker.stop()
        await run.value
        #expect(server.doneRequests.first?.json == .object(["output": 1]))
    }

    @Test func thrownErrorsArePostedAsAnErrorString() async throws {
        struct Boom: Error {}
        let server = try await RunPodTestServer.start()
        defer { server.stop() }
        server.enqueue(["id": "j-throw", "input": .object([:])])
        let worker = try makeWorker(server) { _ in throw Boom() }
        let run = Task { await worker.run() }
        #expect(await server.waitUntil { $0.doneRequests.count == 1 })
        worker.stop()
        await run.value
        let error = try #require(server.doneRequests.first?.json?["error"]?.stringValue)
        #expect(try JSONValue.parse(error)["worker_id"] == "w1")
    }
}
