import Foundation
import Testing
@testable import RVCStorage

@Suite struct S3ConfigurationTests {
    static let complete = [
        "S3_ENDPOINT_URL": "https://account.r2.cloudflarestorage.com/",
        "S3_ACCESS_KEY": "AK", "S3_SECRET_KEY": "SK", "S3_BUCKET_NAME": "voices",
    ]

    @Test func notConfiguredWhenNoVariableIsSet() throws {
        #expect(try S3Configuration.fromEnvironment([:]) == nil)
        #expect(try S3Configuration.fromEnvironment(["S3_REGION": "eu-west-1", "S3_PUBLIC_URL": "https://x"]) == nil)
    }

    @Test func readsEveryVariableWithDefaults() throws {
        let configuration = try #require(try S3Configuration.fromEnvironment(Self.complete))
        #expect(configuration.endpoint == "https://account.r2.cloudflarestorage.com")
        #expect(configuration.accessKey == "AK")
        #expect(configuration.secretKey == "SK")
        #expect(configuration.bucket == "voices")
        #expect(configuration.region == "auto")
        #expect(configuration.publicURL == nil)
        #expect(configuration.keyPrefix == "worker-rvc-nano")

        var environment = Self.complete
        environment["S3_REGION"] = "eu-central-1"
        environment["S3_PUBLIC_URL"] = "https://pub.example.com/"
        environment["S3_KEY_PREFIX"] = "/jobs/"
        let custom = try #require(try S3Configuration.fromEnvironment(environment))
        #expect(custom.region == "eu-central-1")
        #expect(custom.publicURL == "https://pub.example.com")
        #expect(custom.keyPrefix == "jobs")
    }

    @Test func partialConfigurationNamesTheMissingVariables() {
        var environment = Self.complete
        environment["S3_SECRET_KEY"] = nil
        environment["S3_BUCKET_NAME"] = ""
        #expect {
            try S3Configuration.fromEnvironment(environment)
        } throws: { error in
            guard case StorageError.s3Configuration(let reason) = error else { return false }
            return reason.contains("S3_SECRET_KEY") && reason.contains("S3_BUCKET_NAME")
                && !reason.contains("S3_ACCESS_KEY")
        }
    }

    @Test func endpointMustBeAnHTTPURL() {
        var environment = Self.complete
        environment["S3_ENDPOINT_URL"] = "ftp://example.com"
        #expect(throws: StorageError.self) { try S3Configuration.fromEnvironment(environment) }
        environment["S3_ENDPOINT_URL"] = "s3.amazonaws.com"
        #expect(throws: StorageError.self) { try S3Configuration.fromEnvironment(environment) }
    }

    @Test func objectKeyFollowsTheWorkerLayout() throws {
        let configuration = try #require(try S3Configuration.fromEnvironment(Self.complete))
        #expect(configuration.objectKey(requestID: "0190-abc", name: "output.ogg")
            == "worker-rvc-nano/request-0190-abc/output.ogg")
        var bare = configuration
        bare.keyPrefix = ""
        #expect(bare.objectKey(requestID: "r1", name: "metadata.json") == "request-r1/metadata.json")
    }

    @Test func addressingIsVirtualHostForAWSAndPathStyleElsewhere() throws {
        let aws = try S3Configuration(
            endpoint: "https://s3.eu-west-1.amazonaws.com", accessKey: "a", secretKey: "s", bucket: "my-bucket",
            region: "eu-west-1")
        #expect(aws.usesVirtualHost)
        #expect(S3Client(configuration: aws).objectURL(for: "a b/c.ogg")
            == "https://my-bucket.s3.eu-west-1.amazonaws.com/a%20b/c.ogg")

        let dotted = try S3Configuration(
            endpoint: "https://s3.amazonaws.com", accessKey: "a", secretKey: "s", bucket: "my.bucket")
        #expect(!dotted.usesVirtualHost)

        let minio = try S3Configuration(
            endpoint: "http://10.0.0.5:9000", accessKey: "a", secretKey: "s", bucket: "voices")
        #expect(!minio.usesVirtualHost)
        #expect(S3Client(configuration: minio).objectURL(for: "k/x.ogg") == "http://10.0.0.5:9000/voices/k/x.ogg")

        let r2 = try #require(try S3Configuration.fromEnvironment(Self.complete))
        #expect(!r2.usesVirtualHost)
        #expect(S3Client(configuration: r2).objectURL(for: "x")
            == "https://account.r2.cloudflarestorage.com/voices/x")
    }

    @Test func publicURLIsUsedForShareableLinksWhenConfigured() throws {
        var environment = Self.complete
        environment["S3_PUBLIC_URL"] = "https://pub.example.com"
        let client = S3Client(configuration: try #require(try S3Configuration.fromEnvironment(environment)))
        #expect(client.publicURL(for: "worker-rvc-nano/request-1/out put.ogg")
            == "https://pub.example.com/worker-rvc-nano/request-1/out%20put.ogg")
        #expect(client.shareableURL(for: "k") == "https://pub.example.com/k")

        let signedOnly = S3Client(configuration: try #require(try S3Configuration.fromEnvironment(Self.complete)))
        #expect(signedOnly.publicURL(for: "k") == nil)
        #expect(signedOnly.shareableURL(for: "k").contains("X-Amz-Signature="))
    }

    @Test func descriptionNeverShowsTheSecret() throws {
        let configuration = try #require(try S3Configuration.fromEnvironment(Self.complete))
        #expect(!"\(configuration)".contains("SK"))
    }

    @Test func errorDocumentFieldsAreParsed() {
        let body = Data("""
            <?xml version="1.0" encoding="UTF-8"?>
            <Error><Code>SignatureDoesNotMatch</Code><Message>The request signature &amp; yours differ.</Message><Resource>/b/k</Resource><RequestId>18EB</RequestId></Error>
            """.utf8)
        let document = S3ErrorDocument(body)
        #expect(document.code == "SignatureDoesNotMatch")
        #expect(document.message == "The request signature & yours differ.")
        #expect(document.requestID == "18EB")
        #expect(S3ErrorDocument(Data("not xml".utf8)) == S3ErrorDocument(Data()))
    }
}
