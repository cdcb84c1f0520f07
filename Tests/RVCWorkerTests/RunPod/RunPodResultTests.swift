import Testing
@testable import RVCWorker

@Suite struct RunPodResultTests {
    @Test func plainValuesAreWrappedInOutput() {
        #expect(RunPodResult.body(for: "hello é ✓") == .object(["output": "hello é ✓"]))
        #expect(RunPodResult.body(for: nil) == .object(["output": nil]))
        #expect(RunPodResult.body(for: .array([1, 2])) == .object(["output": .array([1, 2])]))
    }

    @Test func objectsAreNotUnwrapped() {
        #expect(RunPodResult.body(for: .object(["output": 1])) == .object(["output": .object(["output": 1])]))
    }

    @Test func emptyObjectGivesAnEmptyBody() {
        #expect(RunPodResult.body(for: .object([:])) == .object([:]))
    }

    @Test func errorIsLiftedOutOfOutput() {
        #expect(RunPodResult.body(for: .object(["partial": 1, "error": "custom bad"]))
            == .object(["output": .object(["partial": 1]), "error": "custom bad"]))
        #expect(RunPodResult.body(for: .object(["error": .object(["code": 7])])) == .object(["error": .object(["code": 7])]))
    }

    @Test func falsyErrorIsDroppedAsSuccess() {
        #expect(RunPodResult.body(for: .object(["a": 1, "error": ""])) == .object(["output": .object(["a": 1])]))
        #expect(RunPodResult.body(for: .object(["a": 1, "error": nil])) == .object(["output": .object(["a": 1])]))
    }

    @Test func refreshWorkerBecomesStopPod() {
        #expect(RunPodResult.body(for: .object(["a": 1, "refresh_worker": true]))
            == .object(["output": .object(["a": 1]), "stopPod": true]))
        #expect(RunPodResult.body(for: .object(["a": 1, "refresh_worker": false])) == .object(["output": .object(["a": 1])]))
        #expect(RunPodResult.body(for: "x", forceStopPod: true) == .object(["output": "x", "stopPod": true]))
    }

    @Test func thrownErrorsBecomeAJSONString() throws {
        struct Boom: Error, CustomStringConvertible { var description: String { "boom" } }
        let body = RunPodResult.body(forThrown: Boom(), workerID: "w42", hostname: "host")
        let text = try #require(body["error"]?.stringValue)
        let report = try JSONValue.parse(text)
        #expect(report["error_message"] == "boom")
        #expect(report["worker_id"] == "w42")
        #expect(report["hostname"] == "host")
        #expect(report["runpod_version"] == .string(RunPodConfiguration.protocolVersion))
    }

    @Test func bodyIsRawUTF8() {
        let text = RunPodResult.body(for: "hello é ✓ a/b").jsonText
        #expect(text == #"{"output":"hello é ✓ a/b"}"#)
    }
}
