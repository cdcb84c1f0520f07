import Foundation
import RVCTestSupport
import Testing
@testable import RVCWorker

/// The queue worker against a platform that misbehaves: a ``FaultProxy`` between the worker and the
/// RunPod test server answers errors, resets connections, hangs, answers garbage or trickles.
/// Results must arrive exactly once, the worker must keep polling without spinning, and nothing
/// may crash it. Delays are short here; only lower bounds of the time between polls are checked.
@Suite(.serialized) struct RunPodFaultTests {
    private static func worker(
        _ server: RunPodTestServer, through proxy: FaultProxy, logger: LogRecorder? = nil,
        _ adjust: (inout RunPodConfiguration) -> Void = { _ in }, handler: @escaping RunPodWorker.Handler
    ) throws -> RunPodWorker {
        var configuration = try #require(RunPodConfiguration.fromEnvironment(server.environment(through: proxy.baseURL)))
        configuration.retryDelay = .milliseconds(50)
        configuration.maxRetryDelay = .milliseconds(400)
        configuration.takeRetryDelay = .milliseconds(100)
        configuration.maxTakeRetryDelay = .milliseconds(400)
        configuration.resultTimeout = .seconds(1)
        // Longer than any hold of the test server: a poll abandoned after the server handed out a
        // job would lose it (as on the platform), so only the test of a hanging poll shortens it.
        configuration.jobTakeTimeout = .seconds(60)
        configuration.stopPollDelay = .milliseconds(100)
        adjust(&configuration)
        if let logger {
            return RunPodWorker(configuration: configuration, logger: logger.logger, handler: handler)
        }
        return RunPodWorker(configuration: configuration, handler: handler)
    }

    @Test func resultArrivesExactlyOnceThroughErrorsResetsGarbageAndAHang() async throws {
        let server = try await RunPodTestServer.start()
        defer { server.stop() }
        let proxy = try await FaultProxy.start(upstream: server.origin)
        defer { proxy.stop() }
        let faults: [FaultProxy.Fault] = [.status(500), .status(503), .reset, .hang, .garbage, .status(429)]
        try proxy.inject(faults, on: "/v2/ep/job-done/", method: "POST")
        server.enqueue(["id": "j-faults", "input": .object([:])])
        let worker = try Self.worker(server, through: proxy) { _ in "delivered" }
        let run = Task { await worker.run() }
        #expect(await server.waitUntil { $0.doneRequests.count == 1 })
        worker.stop()
        await run.value

        #expect(server.deliveries == ["j-faults": 1])
        #expect(server.doneRequests.first?.json == .object(["output": "delivered"]))
        #expect(try proxy.pendingFaults() == 0)
        // Each attempt met the next fault; the last went through. (libcurl may resend a request
        // whose reused connection was reset, so attempts are counted at the proxy.)
        let attempts = try proxy.requests("/v2/ep/job-done/")
        #expect(attempts.map(\.fault) == faults.map { Optional($0.kind) } + [nil])
    }

    @Test func aResultThatCannotBeDeliveredIsLoggedWithItsRequestIDAndTheWorkerGoesOn() async throws {
        let server = try await RunPodTestServer.start()
        defer { server.stop() }
        let proxy = try await FaultProxy.start(upstream: server.origin)
        defer { proxy.stop() }
        try proxy.inject([.status(500), .status(503), .status(502)], on: "/v2/ep/job-done/w1/j-lost", method: "POST")
        server.enqueue(["id": "j-lost", "input": .object([:])])
        server.enqueue(["id": "j-next", "input": .object([:])])
        let log = LogRecorder()
        let worker = try Self.worker(server, through: proxy, logger: log, { $0.resultAttempts = 3 }) { job in
            .object(["result": "success", "request_id": .string("req-\(job["id"]?.stringValue ?? "")")])
        }
        let run = Task { await worker.run() }
        #expect(await server.waitUntil { $0.deliveries["j-next"] == 1 })
        worker.stop()
        await run.value

        #expect(server.deliveries["j-lost"] == nil)
        let lost = log.all.filter { $0.level == .error && $0.metadata["job_id"] == "j-lost" }
        #expect(lost.count == 1, "\(log.all.map(\.message))")
        #expect(lost.first?.message.contains("not delivered") == true)
        #expect(lost.first?.metadata["request_id"] == "req-j-lost")
        #expect(lost.first?.metadata["last_error"]?.contains("502") == true)
    }

    @Test func jobTakeFailuresAreSurvivedWithBackoffInsteadOfSpinning() async throws {
        let server = try await RunPodTestServer.start()
        defer { server.stop() }
        let proxy = try await FaultProxy.start(upstream: server.origin)
        defer { proxy.stop() }
        // At the proxy: an error, garbage, a reset, a poll that never answers, another error, then a
        // slow answer forwarded to the server, which answers a body that is not JSON, then one that
        // is not a job, then the job.
        let faults: [FaultProxy.Fault] = [.status(500), .garbage, .reset, .hang, .status(503), .slow]
        try proxy.inject(faults, on: "/v2/ep/job-take/", method: "GET")
        server.answerNextTake(withBodies: ["{not json", #"{"hello": 1}"#])
        let worker = try Self.worker(server, through: proxy, { $0.jobTakeTimeout = .seconds(3) }) { _ in "survived" }
        let run = Task { await worker.run() }
        // The job is queued once every fault has been met, so no poll given up on can carry it.
        #expect(await server.waitUntil { $0.pendingTakeBodies == 0 && (try? proxy.pendingFaults()) == 0 })
        server.enqueue(["id": "j-after", "input": .object([:])])
        #expect(await server.waitUntil { $0.deliveries["j-after"] == 1 })
        worker.stop()
        await run.value

        #expect(server.doneRequests.first?.json == .object(["output": "survived"]))
        let takes = try proxy.requests("/v2/ep/job-take/")
        #expect(Array(takes.prefix(faults.count).map(\.fault)) == faults.map { Optional($0.kind) })
        // A spinning worker would have polled hundreds of times by now.
        #expect(takes.count < 20, "\(takes.count) job-takes")
        // After each failed poll the next waits at least the backoff (100 ms, doubling to 400 ms).
        // A reset may be resent at once by libcurl on a fresh connection, so the gap after it is
        // not the worker's.
        var backoff = 0.1
        for (previous, next) in zip(takes, takes.dropFirst()).prefix(faults.count + 1) {
            if previous.fault == "reset" { backoff = min(backoff * 2, 0.4); continue }
            #expect(next.time - previous.time >= backoff - 0.01, "after \(previous.fault ?? "the server's answer")")
            backoff = min(backoff * 2, 0.4)
        }
    }

    @Test func pingsKeepFlowingWhileJobDoneHangs() async throws {
        let server = try await RunPodTestServer.start()
        defer { server.stop() }
        let proxy = try await FaultProxy.start(upstream: server.origin)
        defer { proxy.stop() }
        try proxy.inject([.hold(gate: "done")], on: "/v2/ep/job-done/", method: "POST")
        server.enqueue(["id": "j-held", "input": .object([:])])
        let worker = try Self.worker(server, through: proxy, { $0.resultTimeout = .seconds(600) }) { _ in "late" }
        let run = Task { await worker.run() }
        // The result post is held at the proxy; the heartbeat, on its own session, still reports the job.
        #expect(await server.waitUntil { _ in (try? proxy.requests("/v2/ep/job-done/").count) == 1 })
        let before = server.pings.count
        #expect(await server.waitUntil { $0.pings.dropFirst(before).filter { $0.query.contains("job_id=j-held") }.count >= 2 })
        #expect(server.deliveries.isEmpty)
        try proxy.release("done")
        #expect(await server.waitUntil { $0.deliveries["j-held"] == 1 })
        worker.stop()
        await run.value
    }
}

