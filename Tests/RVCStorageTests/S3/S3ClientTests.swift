import Foundation
import RVCTestSupport
import Testing
@testable import RVCStorage

/// Against a real SeaweedFS S3 server on 127.0.0.1 with authentication on.
@Suite(.serialized) struct S3ClientTests {
    @Test func uploadThenReadBackByPresignedURLAndAuthenticatedGET() async throws {
        let server = try await SeaweedS3Server.shared()
        let configuration = try server.configuration()
        let client = S3Client(configuration: configuration)
        let key = configuration.objectKey(requestID: UUID().uuidString, name: "output voice.ogg")
        let payload = Data((0..<200_000).map { UInt8(($0 * 7) % 256) })

        let uploaded = try await client.putObject(key: key, data: payload, contentType: "audio/ogg")
        #expect(uploaded.byteCount == Int64(payload.count))
        #expect(uploaded.sha256 == SHA256Hex.of(payload))
        #expect(uploaded.etag?.isEmpty == false)

        #expect(try await client.getObject(key: key) == payload)

        let presigned = client.presignedURL(for: key, expiresIn: 600)
        #expect(presigned.contains("X-Amz-Signature="))
        let directory = try TemporaryDirectory()
        let downloader = Downloader(options: testDownloadOptions())
        let result = try await downloader.download(presigned, to: directory.file("via-presigned"))
        #expect(try Data(contentsOf: directory.file("via-presigned")) == payload)
        #expect(result.sha256 == uploaded.sha256)
        #expect(result.mediaType == "audio/ogg")
    }

    @Test func fileUploadStreamsAndReportsProgress() async throws {
        let server = try await SeaweedS3Server.shared()
        let client = S3Client(configuration: try server.configuration())
        let directory = try TemporaryDirectory()
        let payload = Data((0..<3_000_000).map { UInt8($0 % 253) })
        let file = directory.file("upload.bin")
        try payload.write(to: file)
        let recorder = ProgressRecorder()
        let key = "tests/\(UUID().uuidString)/upload.bin"
        let uploaded = try await client.putObject(
            key: key, file: file, contentType: "application/octet-stream", progress: recorder.record)
        #expect(uploaded.byteCount == Int64(payload.count))
        #expect(try await client.getObject(key: key) == payload)
        let last = try #require(recorder.values.last)
        #expect(last.bytesDone == Int64(payload.count))
        #expect(last.totalBytes == Int64(payload.count))
    }

    @Test func wrongSecretIsRejectedWithTheServersErrorCode() async throws {
        let server = try await SeaweedS3Server.shared()
        let client = S3Client(configuration: try server.configuration(secretKey: "not-the-secret"))
        await #expect {
            try await client.putObject(key: "tests/denied.txt", data: Data("x".utf8), contentType: "text/plain")
        } throws: { error in
            guard case StorageError.s3(let operation, _, let status, let code, _, _) = error else { return false }
            return operation == "PutObject" && status == 403 && code == "SignatureDoesNotMatch"
        }
        let unknownKey = try S3Configuration(
            endpoint: server.endpoint, accessKey: "NOSUCHKEY", secretKey: "whatever", bucket: server.bucket)
        await #expect {
            _ = try await S3Client(configuration: unknownKey).getObject(key: "tests/x")
        } throws: { error in
            guard case StorageError.s3(_, _, let status, let code, _, _) = error else { return false }
            return status == 403 && code == "InvalidAccessKeyId"
        }
    }

    @Test func missingObjectGivesNoSuchKey() async throws {
        let server = try await SeaweedS3Server.shared()
        let client = S3Client(configuration: try server.configuration())
        await #expect {
            _ = try await client.getObject(key: "tests/never-uploaded-\(UUID().uuidString)")
        } throws: { error in
            guard case StorageError.s3(let operation, _, let status, let code, _, _) = error else { return false }
            return operation == "GetObject" && status == 404 && code == "NoSuchKey"
        }
    }

    @Test func unreachableEndpointGivesAClearError() async throws {
        // A port that was free a moment ago and has nothing listening.
        let configuration = try S3Configuration(
            endpoint: "http://127.0.0.1:9", accessKey: "a", secretKey: "s", bucket: "b")
        var options = DownloadOptions()
        options.maxRetries = 1
        options.retryDelay = .milliseconds(10)
        let client = S3Client(configuration: configuration, options: options)
        await #expect {
            try await client.putObject(key: "k", data: Data("x".utf8), contentType: "text/plain")
        } throws: { error in
            guard case StorageError.network(let url, let code, let message) = error else { return false }
            return url == "http://127.0.0.1:9/b/k" && code == 7 && !message.isEmpty
                && "\(error)".contains("http://127.0.0.1:9/b/k")
        }
    }
}
