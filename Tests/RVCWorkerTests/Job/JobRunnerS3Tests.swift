import Foundation
import RVCAudio
import RVCStorage
import RVCTestSupport
import Testing
@testable import RVCWorker

/// S3 mode against a real SeaweedFS server.
@Suite struct JobRunnerS3Tests {
    @Test func outputsInputAndMetadataAreUploadedUnderTheRequestPrefix() async throws {
        let seaweed = try await SeaweedS3Server.shared()
        let client = S3Client(configuration: try seaweed.configuration(keyPrefix: "jobs-test"))
        let fixture = try await RunnerFixture.make(store: S3ResultStore(client: client))
        defer { fixture.tearDown() }
        let outcome = await fixture.runner.run(input: fixture.input(["tag": "s3"]), jobID: "j-s3")
        #expect(outcome.failure == nil)
        let id = outcome.requestID.description
        let output = try await client.getObject(key: "jobs-test/request-\(id)/output.opus.ogg")
        let input = try await client.getObject(key: "jobs-test/request-\(id)/input.opus.ogg")
        let metadata = try JSONValue.parse(try await client.getObject(key: "jobs-test/request-\(id)/metadata.json"))
        #expect(output.prefix(4) == Data("OggS".utf8))
        #expect(input.prefix(4) == Data("OggS".utf8))
        #expect(metadata["request_id"] == .string(id))
        #expect(metadata["job_id"] == "j-s3")
        #expect(metadata["success"] == true)
        #expect(outcome.output["file_size_bytes"] == .int(Int64(output.count)))
        // The archive, encoded while the conversion ran, is the whole vocal (1 s of a 220 Hz sine).
        let archived = try AudioDecoder().decode(input, name: "input.opus.ogg")
        #expect(archived.channels == 1)
        #expect(archived.frameCount == 48_000)
        let middle = archived.samples[4_800..<43_200]
        let peak = middle.map { abs($0) }.max() ?? 0
        #expect(abs(peak - 0.4) < 0.02, "archived peak \(peak)")

        // The audio_url (presigned) fetches the same bytes without credentials.
        let url = try #require(outcome.output["audio_url"]?.stringValue)
        #expect(url.hasPrefix(seaweed.endpoint))
        let fetched = try await HTTPClient().send("GET", url, timeout: 30)
        #expect(fetched.status == 200)
        #expect(fetched.body == output)
        #expect((outcome.output["timing_details"]?["upload"]).map { $0 != .double(0) } == true)
    }

    @Test func failedJobsStillUploadTheirMetadata() async throws {
        let seaweed = try await SeaweedS3Server.shared()
        let client = S3Client(configuration: try seaweed.configuration(keyPrefix: "jobs-fail"))
        let fixture = try await RunnerFixture.make(store: S3ResultStore(client: client))
        defer { fixture.tearDown() }
        let outcome = await fixture.runner.run(input: fixture.input(["model_url": .string(fixture.server.url("gone.pth"))]), jobID: nil)
        #expect(outcome.failure?.code == .downloadFailed)
        let metadata = try JSONValue.parse(try await client.getObject(key: "jobs-fail/request-\(outcome.requestID)/metadata.json"))
        #expect(metadata["success"] == false)
        #expect(metadata["error"]?["stage"] == "download_model")
    }
}
