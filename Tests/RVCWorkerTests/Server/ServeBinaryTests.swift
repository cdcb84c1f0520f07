import Foundation
import RVCTestSupport
import Testing
@testable import RVCWorker

/// The real `rvc serve` binary with the tiny fixture networks.
@Suite struct ServeBinaryTests {
    @Test func runsyncConvertsAndStatusAndHealthAnswer() async throws {
        let files = try await TestHTTPServer.start([
            "voice.wav": try TestAudio.sineWAV(seconds: 1),
            "v1_40k_f0.pth": try Data(contentsOf: URL(fileURLWithPath: RVCProcess.fixture("v1_40k_f0.pth"))),
        ])
        defer { files.stop() }
        let cache = FileManager.default.temporaryDirectory.appendingPathComponent("rvc-serve-\(UUID().uuidString)")
        let serve = try RVCProcess(["serve", "--port", "0", "--concurrency", "2"] + RVCProcess.tinyEngineArguments,
                                   environment: ["RVC_ALLOW_PRIVATE_URLS": "1", "RVC_CACHE_DIR": cache.path])
        defer { serve.terminate() }
        #expect(await serve.waitForOutput("listening on http://127.0.0.1:"), "\(serve.text)")
        let port = try #require(serve.text.firstMatch(of: /listening on http:\/\/127\.0\.0\.1:(\d+)/).flatMap { Int($0.1) })
        let client = HTTPClient()
        let base = "http://127.0.0.1:\(port)"
        let job = JSONValue.object(["input": .object([
            "vocal_url": .string(files.url("voice.wav")), "model_url": .string(files.url("v1_40k_f0.pth")), "tag": "serve",
        ])])
        let response = try await client.send("POST", base + "/runsync", body: job.encoded(), timeout: 180)
        let document = try JSONValue.parse(response.body)
        #expect(document["status"] == "COMPLETED", "\(document.jsonText)\n\(serve.text)")
        #expect(document["output"]?["model_version"] == "v1")
        #expect(document["output"]?["tag"] == "serve")
        let id = try #require(document["id"]?.stringValue)
        let status = try JSONValue.parse(try await client.send("GET", base + "/status/\(id)", timeout: 10).body)
        #expect(status["status"] == "COMPLETED")
        if case .int = status["executionTime"] {} else { Issue.record("executionTime missing") }
        let bad = try await client.send("POST", base + "/run", body: Data(#"{"input": []}"#.utf8), timeout: 10)
        #expect(bad.status == 400)
        let invalid = try JSONValue.parse(try await client.send(
            "POST", base + "/runsync", body: Data(#"{"input": {"vocal_url": "x"}}"#.utf8), timeout: 30).body)
        #expect(invalid["status"] == "FAILED")
        #expect(invalid["output"]?["error_code"] == "INVALID_INPUT")
        let health = try JSONValue.parse(try await client.send("GET", base + "/health", timeout: 10).body)
        #expect(health["jobs"]?["completed"] == 1)
        #expect(health["jobs"]?["failed"] == 1)
        serve.terminate()
        _ = await serve.wait(timeout: .seconds(20))
    }
}
