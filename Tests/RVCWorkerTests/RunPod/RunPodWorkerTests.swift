import Foundation
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
        let started = AsyncStream.makeStream(of: Void.self)
        let worker = try makeWorker(server) { _ in
            started.continuation.yield()
            try await Task.sleep(for: .seconds(1))
            return "drained"
        }
        let run = Task { await worker.run() }
        for await _ in started.stream { break }
        worker.stop()
        await run.value
        #expect(server.doneRequests.map(\.jobID) == ["j-drain"])
        #expect(server.doneRequests.first?.json == .object(["output": "drained"]))
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
