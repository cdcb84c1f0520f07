import Foundation
import RVCAudio
import Testing
@testable import RVCWorker

/// The job runner with real downloads, decoding and encoding, and the test engine.
@Suite struct JobRunnerTests {
    @Test func successfulJobReturnsInlineAudioAndEveryTiming() async throws {
        let fixture = try await RunnerFixture.make()
        defer { fixture.tearDown() }
        let outcome = await fixture.runner.run(input: fixture.input(["tag": "t-1"]), jobID: "job-1")
        #expect(outcome.failure == nil)
        let output = outcome.output
        #expect(output["result"] == "success")
        #expect(output["tag"] == "t-1")
        #expect(output["format"] == "ogg")
        #expect(output["sample_rate"] == 48_000)
        #expect(output["model_version"] == "v2")
        #expect(output["request_id"] == .string(outcome.requestID.description))
        #expect(output["error"] == nil && output["refresh_worker"] == nil)
        let url = try #require(output["audio_url"]?.stringValue)
        #expect(url.hasPrefix("data:audio/ogg;base64,"))
        let bytes = try #require(Data(base64Encoded: String(url.dropFirst("data:audio/ogg;base64,".count))))
        #expect(output["file_size_bytes"] == .int(Int64(bytes.count)))
        let info = try AudioProbe.probe(bytes, name: "output")
        #expect(info.format == .ogg && info.sampleRate == 48_000)
        if case .double(let duration)? = output["duration_seconds"] { #expect(abs(duration - 1.0) < 0.01) } else { Issue.record("duration_seconds missing") }
        let timings = try #require(output["timing_details"]?.objectValue)
        for key in ["download_vocal", "download_model", "download_index", "load_model", "pitch_extraction", "inference", "encoding", "upload"] {
            #expect(timings[key] != nil, "timing_details.\(key)")
        }
        #expect(timings["download_index"] == .double(0))
        #expect(timings["upload"] == .double(0))
        #expect(timings["pitch_extraction"] == .double(0.001))

        let metadata = outcome.metadata
        #expect(metadata["job_id"] == "job-1")
        #expect(metadata["success"] == true)
        #expect(metadata["input_audio"]?["sample_rate"] == 44_100)
        #expect(metadata["input_audio"]?["channels"] == 1)
        #expect(metadata["model_info"]?["version"] == "v2")
        #expect(metadata["model_info"]?["cached"] == false)
        #expect(metadata["received_at"]?.stringValue?.hasSuffix("Z") == true)
    }

    @Test func secondJobReusesTheLoadedModelAndTheDownloadCache() async throws {
        let fixture = try await RunnerFixture.make()
        defer { fixture.tearDown() }
        _ = await fixture.runner.run(input: fixture.input(), jobID: nil)
        let again = await fixture.runner.run(input: fixture.input(), jobID: nil)
        #expect(again.output["timing_details"]?["download_model"] == .double(0))
        #expect(again.output["timing_details"]?["load_model"] == .double(0))
        #expect(again.metadata["model_info"]?["cached"] == true)
        #expect(try fixture.server.requestCount("model.pth") == 1)
        // The same bytes under another URL are downloaded but not loaded again (content hash key).
        let renamed = await fixture.runner.run(input: fixture.input(["model_url": .string(fixture.server.url("same-model.pth"))]), jobID: nil)
        #expect(renamed.metadata["model_info"]?["cached"] == true)
        #expect(await fixture.runner.models.count == 1)
    }

    @Test func invalidInputIsRejectedBeforeAnyDownload() async throws {
        let fixture = try await RunnerFixture.make()
        defer { fixture.tearDown() }
        let outcome = await fixture.runner.run(input: fixture.input(["f0_up_key": 30, "tag": "bad"]), jobID: nil)
        let failure = try #require(outcome.failure)
        #expect(failure.code == .invalidInput)
        #expect(failure.message.contains("f0_up_key"))
        #expect(outcome.output["refresh_worker"] == false)
        #expect(outcome.output["stage"] == "validation")
        #expect(outcome.output["tag"] == "bad")
        #expect(outcome.output["error_code"] == "INVALID_INPUT")
        #expect(try fixture.server.requestCount("voice.wav") == 0 && fixture.server.requestCount("model.pth") == 0)
    }

    @Test func unreachableModelURLFailsTheDownloadStage() async throws {
        let fixture = try await RunnerFixture.make()
        defer { fixture.tearDown() }
        let outcome = await fixture.runner.run(input: fixture.input(["model_url": .string(fixture.server.url("missing.pth"))]), jobID: nil)
        let failure = try #require(outcome.failure)
        #expect(failure.code == .downloadFailed)
        #expect(failure.stage == .downloadModel)
        #expect(failure.message.contains("model_url"))
        #expect(!failure.refreshWorker)
    }

    @Test func privateAddressesAreRefusedByDefault() async throws {
        let fixture = try await RunnerFixture.make(allowPrivate: false)
        defer { fixture.tearDown() }
        let outcome = await fixture.runner.run(input: fixture.input(), jobID: nil)
        #expect(outcome.failure?.code == .downloadFailed)
        #expect(try fixture.server.requestCount("voice.wav") == 0)
    }

    @Test func modelThatFailsToLoadAsksForAFreshWorker() async throws {
        let fixture = try await RunnerFixture.make()
        defer { fixture.tearDown() }
        let broken = await fixture.runner.run(input: fixture.input(["model_url": .string(fixture.server.url("broken.pth"))]), jobID: nil)
        #expect(broken.failure?.code == .modelLoadFailed)
        #expect(broken.output["refresh_worker"] == true)
        let oom = await fixture.runner.run(input: fixture.input(["model_url": .string(fixture.server.url("oom.pth"))]), jobID: nil)
        #expect(oom.failure?.code == .outOfMemory)
        #expect(oom.failure?.refreshWorker == true)
    }

    @Test func undecodableVocalIsInvalidAudio() async throws {
        let fixture = try await RunnerFixture.make()
        defer { fixture.tearDown() }
        let outcome = await fixture.runner.run(input: fixture.input(["vocal_url": .string(fixture.server.url("noise.wav"))]), jobID: nil)
        #expect(outcome.failure?.code == .invalidAudio)
        #expect(outcome.failure?.stage == .decode)
        #expect(outcome.failure?.refreshWorker == false)
    }

    @Test func conversionErrorsAreNotWorkerFaults() async throws {
        let fixture = try await RunnerFixture.make()
        defer { fixture.tearDown() }
        let outcome = await fixture.runner.run(input: fixture.input(["speaker_id": 4]), jobID: nil)
        #expect(outcome.failure?.code == .conversionFailed)
        #expect(outcome.failure?.refreshWorker == false)
    }

    @Test func dataURLVocalAndWAVOutputAtTheRequestedRate() async throws {
        let fixture = try await RunnerFixture.make()
        defer { fixture.tearDown() }
        let vocal = "data:audio/wav;base64," + (try TestAudio.sineWAV(seconds: 0.5)).base64EncodedString()
        let outcome = await fixture.runner.run(
            input: fixture.input(["vocal_url": .string(vocal), "format": "wav", "sample_rate": 22_050]), jobID: nil)
        #expect(outcome.failure == nil)
        let url = try #require(outcome.output["audio_url"]?.stringValue)
        #expect(url.hasPrefix("data:audio/wav;base64,"))
        let bytes = try #require(Data(base64Encoded: String(url.dropFirst("data:audio/wav;base64,".count))))
        let info = try AudioProbe.probe(bytes, name: "output")
        #expect(info.sampleRate == 22_050 && info.format == .wav)
        #expect(abs(info.duration - 0.5) < 0.01)
    }
}
