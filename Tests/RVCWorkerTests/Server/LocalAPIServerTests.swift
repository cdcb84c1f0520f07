import Foundation
import Synchronization
import Testing
@testable import RVCWorker

@Suite struct LocalAPIServerTests {
    @Test func runQueuesAndStatusReportsTheResultWithTimes() async throws {
        let api = try await LocalAPIHarness.start { job in
            try await Task.sleep(for: .milliseconds(200))
            return .object(["echo": job["input"]?["x"] ?? nil])
        }
        defer { api.stop() }
        let submitted = try await api.request("POST", "/run", body: #"{"input": {"x": 5}}"#)
        #expect(submitted.status == 200)
        #expect(submitted.json?["status"] == "IN_QUEUE")
        let id = try #require(submitted.json?["id"]?.stringValue)
        var document: JSONValue?
        for _ in 0..<100 {
            document = try await api.request("GET", "/status/\(id)").json
            if document?["status"] == "COMPLETED" { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(document?["status"] == "COMPLETED")
        #expect(document?["output"] == .object(["echo": 5]))
        guard case .int(let execution)? = document?["executionTime"], case .int(let delay)? = document?["delayTime"] else {
            Issue.record("delayTime/executionTime missing: \(String(describing: document))")
            return
        }
        #expect(execution >= 190 && execution < 5_000)
        #expect(delay >= 0 && delay < 5_000)
        // The SDK-local POST form is accepted too.
        #expect(try await api.request("POST", "/status/\(id)").json?["status"] == "COMPLETED")
    }

    @Test func runsyncWaitsForTheResultOrReportsProgress() async throws {
        // The slow job holds until its runsync has answered, so the answer does not depend on timing.
        let released = Mutex(false)
        let api = try await LocalAPIHarness.start { job in
            if job["input"]?["slow"] == true {
                for _ in 0..<600 where !released.withLock({ $0 }) {
                    try await Task.sleep(for: .milliseconds(50))
                }
            }
            return .object(["result": "failure", "error": "bad thing", "error_code": "X"])
        }
        defer { api.stop() }
        let done = try await api.request("POST", "/runsync", body: #"{"input": {}}"#)
        #expect(done.json?["status"] == "FAILED")
        #expect(done.json?["error"] == "bad thing")
        #expect(done.json?["output"]?["error_code"] == "X")
        let slow = try await api.request("POST", "/runsync?wait=1000", body: #"{"input": {"slow": true}}"#)
        released.withLock { $0 = true }
        #expect(slow.json?["status"] == "IN_PROGRESS")
    }

    @Test func jobsRunConcurrentlyUpToTheLimit() async throws {
        let running = Mutex((now: 0, peak: 0))
        // Jobs hold until the queue has been inspected, so the snapshot does not depend on timing.
        let released = Mutex(false)
        let api = try await LocalAPIHarness.start(concurrency: 2) { _ in
            running.withLock { $0.now += 1; $0.peak = max($0.peak, $0.now) }
            for _ in 0..<600 where !released.withLock({ $0 }) {
                try await Task.sleep(for: .milliseconds(50))
            }
            try await Task.sleep(for: .milliseconds(100))
            running.withLock { $0.now -= 1 }
            return "ok"
        }
        defer { api.stop() }
        var ids: [String] = []
        for _ in 0..<5 {
            let submitted = try await api.request("POST", "/run", body: #"{"input": {}}"#)
            ids.append(try #require(submitted.json?["id"]?.stringValue))
        }
        let health = try await api.request("GET", "/health")
        #expect(health.json?["jobs"]?["inProgress"] == 2)
        #expect(health.json?["jobs"]?["inQueue"] == 3)
        released.withLock { $0 = true }
        let results = try await withThrowingTaskGroup(of: JSONValue?.self) { group in
            for id in ids {
                group.addTask {
                    for _ in 0..<200 {
                        let document = try await api.request("GET", "/status/\(id)").json
                        if document?["status"] == "COMPLETED" { return document }
                        try await Task.sleep(for: .milliseconds(50))
                    }
                    return nil
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(results.allSatisfy { $0?["output"] == "ok" })
        #expect(running.withLock { $0.peak } == 2)
        #expect(try await api.request("GET", "/health").json?["jobs"]?["completed"] == 5)
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
