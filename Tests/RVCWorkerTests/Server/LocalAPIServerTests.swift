import Foundation
import RVCTestSupport
import Synchronization
import Testing
@testable import RVCWorker

@Suite struct LocalAPIServerTests {
    @Test func runQueuesAndStatusReportsTheResultWithTimes() async throws {
        let release = TestGate()
        defer { release.open() }
        let api = try await LocalAPIHarness.start { job in
            await release.wait()
            try await Task.sleep(for: .milliseconds(200))
            return .object(["echo": job["input"]?["x"] ?? nil])
        }
        defer { api.stop() }
        let submittedAt = ContinuousClock.now
        let submitted = try await api.request("POST", "/run", body: #"{"input": {"x": 5}}"#)
        #expect(submitted.status == 200)
        #expect(submitted.json?["status"] == "IN_QUEUE")
        let id = try #require(submitted.json?["id"]?.stringValue)
        let running = try await api.status(id) { $0?["status"] == "IN_PROGRESS" }
        #expect(running?["delayTime"] != nil)
        #expect(running?["executionTime"] == nil)
        #expect(running?["output"] == nil)
        release.open()
        let document = try await api.status(id) { $0?["status"] == "COMPLETED" }
        let elapsed = Int64((ContinuousClock.now - submittedAt).seconds * 1000)
        #expect(document?["output"] == .object(["echo": 5]))
        guard case .int(let execution)? = document?["executionTime"], case .int(let delay)? = document?["delayTime"] else {
            Issue.record("delayTime/executionTime missing: \(String(describing: document))")
            return
        }
        // Measured by the server within what the test saw from outside.
        #expect(execution >= 200 && execution <= elapsed)
        #expect(delay >= 0 && delay + execution <= elapsed)
        // The SDK-local POST form is accepted too.
        #expect(try await api.request("POST", "/status/\(id)").json?["status"] == "COMPLETED")
    }

    @Test func runsyncWaitsForTheResultOrReportsProgress() async throws {
        // The slow job is held until its runsync has answered, so the answer does not depend on timing.
        let release = TestGate()
        defer { release.open() }
        let api = try await LocalAPIHarness.start { job in
            if job["input"]?["slow"] == true { await release.wait() }
            return .object(["result": "failure", "error": "bad thing", "error_code": "X"])
        }
        defer { api.stop() }
        let done = try await api.request("POST", "/runsync", body: #"{"input": {}}"#)
        #expect(done.json?["status"] == "FAILED")
        #expect(done.json?["error"] == "bad thing")
        #expect(done.json?["output"]?["error_code"] == "X")
        let slow = try await api.request("POST", "/runsync?wait=1000", body: #"{"input": {"slow": true}}"#)
        release.open()
        #expect(slow.json?["status"] == "IN_PROGRESS")
    }

    @Test func jobsRunConcurrentlyUpToTheLimit() async throws {
        let running = Mutex((now: 0, peak: 0))
        // Jobs hold until the queue has been inspected, so the snapshot does not depend on timing.
        let twoRunning = TestGate(), release = TestGate()
        defer { release.open() }
        let api = try await LocalAPIHarness.start(concurrency: 2) { _ in
            let now = running.withLock { $0.now += 1; $0.peak = max($0.peak, $0.now); return $0.now }
            if now == 2 { twoRunning.open() }
            await release.wait()
            running.withLock { $0.now -= 1 }
            return "ok"
        }
        defer { api.stop() }
        var ids: [String] = []
        for _ in 0..<5 {
            let submitted = try await api.request("POST", "/run", body: #"{"input": {}}"#)
            ids.append(try #require(submitted.json?["id"]?.stringValue))
        }
        await twoRunning.wait()
        let health = try await api.request("GET", "/health")
        #expect(health.json?["jobs"]?["inProgress"] == 2)
        #expect(health.json?["jobs"]?["inQueue"] == 3)
        release.open()
        for id in ids {
            let document = try await api.status(id) { $0?["status"] == "COMPLETED" }
            #expect(document?["output"] == "ok")
        }
        #expect(running.withLock { $0.peak } == 2)
        #expect(try await api.request("GET", "/health").json?["jobs"]?["completed"] == 5)
    }

    @Test func cancelledJobKeepsItsSlotUntilItsHandlerReturns() async throws {
        // The first handler ignores cancellation until released, as a conversion between two
        // segments does; the queued job must not start beside it.
        let started = TestGate(), release = TestGate()
        defer { release.open() }
        let api = try await LocalAPIHarness.start(concurrency: 1) { job in
            if job["input"]?["first"] == true {
                started.open()
                await release.wait()
            }
            return "done"
        }
        defer { api.stop() }
        let first = try #require(try await api.request("POST", "/run", body: #"{"input": {"first": true}}"#).json?["id"]?.stringValue)
        let second = try #require(try await api.request("POST", "/run", body: #"{"input": {}}"#).json?["id"]?.stringValue)
        await started.wait()
        let cancelled = try await api.request("POST", "/cancel/\(first)")
        #expect(cancelled.json == .object(["id": .string(first), "status": "CANCELLED"]))
        #expect(try await api.request("GET", "/status/\(first)").json?["status"] == "CANCELLED")
        let health = try await api.request("GET", "/health").json
        #expect(health?["workers"]?["running"] == 1)
        #expect(health?["jobs"]?["inProgress"] == 0)
        #expect(try await api.request("GET", "/status/\(second)").json?["status"] == "IN_QUEUE")
        release.open()
        #expect(try await api.status(second) { $0?["status"] == "COMPLETED" }?["output"] == "done")
        // The first job's late return does not overwrite its cancellation.
        let firstDocument = try await api.request("GET", "/status/\(first)").json
        #expect(firstDocument?["status"] == "CANCELLED")
        #expect(firstDocument?["output"] == nil)
        #expect(try await api.request("GET", "/health").json?["jobs"]?["completed"] == 1)
    }

    @Test func cancelStopsTheRunningConversion() async throws {
        let hold = ConversionHold()
        let fixture = try await RunnerFixture.make(engine: TestEngine(hold: hold))
        defer { fixture.tearDown() }
        let api = try await LocalAPIHarness.start(concurrency: 1, handler: fixture.runner.handler)
        defer { api.stop() }
        let body = JSONValue.object(["input": fixture.input()]).jsonText
        let first = try #require(try await api.request("POST", "/run", body: body).json?["id"]?.stringValue)
        await hold.started.wait()
        #expect(try await api.request("POST", "/cancel/\(first)").json?["status"] == "CANCELLED")
        // The conversion stops at its next step instead of running to the end.
        let second = try #require(try await api.request("POST", "/run", body: body).json?["id"]?.stringValue)
        while hold.cancelled == 0 { try await Task.sleep(for: .milliseconds(10)) }
        hold.release.open()
        let document = try await api.status(second) { $0?["status"] == "COMPLETED" }
        #expect(document?["output"]?["result"] == "success")
        #expect(hold.cancelled == 1)
        #expect(hold.completed == 1)
        #expect(try await api.request("GET", "/status/\(first)").json?["status"] == "CANCELLED")
    }

    @Test func streamReturnsTheOutputOnceInThePublicShape() async throws {
        let release = TestGate()
        defer { release.open() }
        let api = try await LocalAPIHarness.start(concurrency: 2) { job in
            if job["input"]?["fail"] == true { return .object(["error": "it broke"]) }
            await release.wait()
            return .object(["audio_url": "data:x"])
        }
        defer { api.stop() }
        let id = try #require(try await api.request("POST", "/run", body: #"{"input": {}}"#).json?["id"]?.stringValue)
        _ = try await api.status(id) { $0?["status"] == "IN_PROGRESS" }
        #expect(try await api.request("GET", "/stream/\(id)").json == .object(["id": .string(id), "status": "IN_PROGRESS", "stream": []]))
        release.open()
        _ = try await api.status(id) { $0?["status"] == "COMPLETED" }
        let chunk = JSONValue.object(["output": .object(["audio_url": "data:x"])])
        #expect(try await api.request("GET", "/stream/\(id)").json == .object(["id": .string(id), "status": "COMPLETED", "stream": [chunk]]))
        // Each call returns only what is new (the SDK-local POST form too).
        #expect(try await api.request("POST", "/stream/\(id)").json == .object(["id": .string(id), "status": "COMPLETED", "stream": []]))

        let failed = try #require(try await api.request("POST", "/run", body: #"{"input": {"fail": true}}"#).json?["id"]?.stringValue)
        _ = try await api.status(failed) { $0?["status"] == "FAILED" }
        let document = try await api.request("GET", "/stream/\(failed)").json
        #expect(document?["stream"] == [])
        #expect(document?["error"] == "it broke")
        #expect(try await api.request("GET", "/stream/nope").status == 404)
    }

    @Test func badRequestsGetJSONErrors() async throws {
        let api = try await LocalAPIHarness.start(maxRunBytes: 1_000) { _ in "never" }
        defer { api.stop() }
        for (body, fragment) in [("{", "JSON"), ("[1]", "object"), (#"{"x": 1}"#, "input"), (#"{"input": 3}"#, "input")] {
            let response = try await api.request("POST", "/run", body: body)
            #expect(response.status == 400, "\(body)")
            #expect(response.json?["error"]?.stringValue?.contains(fragment) == true, "\(body)")
        }
        let large = try await api.request("POST", "/run", body: #"{"input": {"pad": ""# + String(repeating: "x", count: 2_000) + #""}}"#)
        #expect(large.status == 413)
        #expect(large.json?["error"] != nil)
        let unknown = try await api.request("GET", "/status/nope")
        #expect(unknown.status == 404)
        #expect(unknown.json?["error"]?.stringValue?.contains("nope") == true)
        #expect(try await api.request("POST", "/runsync?wait=10", body: #"{"input": {}}"#).status == 400)
    }
}
