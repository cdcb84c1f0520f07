import Foundation
import Testing
@testable import RVCStorage

/// The AWS Signature Version 4 test suite (credential scope AKIDEXAMPLE/20150830/us-east-1/service)
/// and the presigned-URL example of the S3 documentation, reproduced exactly.
@Suite struct SigV4SignerTests {
    static let suiteSigner = SigV4Signer(
        accessKey: "AKIDEXAMPLE", secretKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
        region: "us-east-1", service: "service")
    /// 2015-08-30T12:36:00Z.
    static let suiteDate = Date(timeIntervalSince1970: 1_440_938_160)
    static let baseHeaders: [(name: String, value: String)] = [
        ("Host", "example.amazonaws.com"), ("X-Amz-Date", "20150830T123600Z"),
    ]

    @Test func timestampIsBasicISO8601InUTC() {
        let stamp = SigV4Signer.timestamp(Self.suiteDate)
        #expect(stamp.dateTime == "20150830T123600Z")
        #expect(stamp.date == "20150830")
    }

    @Test func getVanillaMatchesTheTestSuite() {
        let result = Self.suiteSigner.sign(
            .init(method: "GET", path: "/", headers: Self.baseHeaders, payloadHash: SigV4Signer.emptyPayloadHash),
            date: Self.suiteDate)
        #expect(result.canonicalRequest == """
            GET
            /

            host:example.amazonaws.com
            x-amz-date:20150830T123600Z

            host;x-amz-date
            e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
            """)
        #expect(result.stringToSign == """
            AWS4-HMAC-SHA256
            20150830T123600Z
            20150830/us-east-1/service/aws4_request
            bb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63
            """)
        #expect(result.signature == "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31")
        #expect(result.authorization == "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31")
    }

    @Test func postVanillaMatchesTheTestSuite() {
        let result = Self.suiteSigner.sign(
            .init(method: "POST", path: "/", headers: Self.baseHeaders, payloadHash: SigV4Signer.emptyPayloadHash),
            date: Self.suiteDate)
        #expect(result.canonicalRequest == """
            POST
            /

            host:example.amazonaws.com
            x-amz-date:20150830T123600Z

            host;x-amz-date
            e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
            """)
        #expect(result.stringToSign == """
            AWS4-HMAC-SHA256
            20150830T123600Z
            20150830/us-east-1/service/aws4_request
            553f88c9e4d10fc9e109e2aeb65f030801b70c2f6468faca261d401ae622fc87
            """)
        #expect(result.signature == "5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b")
    }

    @Test func getVanillaQueryOrderKeyCaseSortsParameters() {
        let result = Self.suiteSigner.sign(
            .init(
                method: "GET", path: "/", query: [("Param2", "value2"), ("Param1", "value1")],
                headers: Self.baseHeaders, payloadHash: SigV4Signer.emptyPayloadHash),
            date: Self.suiteDate)
        #expect(result.canonicalRequest == """
            GET
            /
            Param1=value1&Param2=value2
            host:example.amazonaws.com
            x-amz-date:20150830T123600Z

            host;x-amz-date
            e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
            """)
        #expect(result.stringToSign == """
            AWS4-HMAC-SHA256
            20150830T123600Z
            20150830/us-east-1/service/aws4_request
            816cd5b414d056048ba4f7c5386d6e0533120fb1fcfa93762cf0fc39e2cf19e0
            """)
        #expect(result.signature == "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500")
    }

    @Test func postFormURLEncodedSignsTheBodyAndContentType() {
        let body = Data("Param1=value1".utf8)
        let hash = SHA256Hex.of(body)
        #expect(hash == "9095672bbd1f56dfc5b65f3e153adc8731a4a654192329106275f4c7b24d0b6e")
        let result = Self.suiteSigner.sign(
            .init(
                method: "POST", path: "/",
                headers: [("Content-Type", "application/x-www-form-urlencoded")] + Self.baseHeaders,
                payloadHash: hash),
            date: Self.suiteDate)
        #expect(result.canonicalRequest == """
            POST
            /

            content-type:application/x-www-form-urlencoded
            host:example.amazonaws.com
            x-amz-date:20150830T123600Z

            content-type;host;x-amz-date
            9095672bbd1f56dfc5b65f3e153adc8731a4a654192329106275f4c7b24d0b6e
            """)
        #expect(result.stringToSign == """
            AWS4-HMAC-SHA256
            20150830T123600Z
            20150830/us-east-1/service/aws4_request
            42a5e5bb34198acb3e84da4f085bb7927f2bc277ca766e6d19c73c2154021281
            """)
        #expect(result.signature == "ff11897932ad3f4e8b18135d722051e5ac45fc38421b1da7b9d196a0fe09473a")
    }

    @Test func headerValuesAreTrimmedAndRepeatedNamesJoined() {
        let result = Self.suiteSigner.sign(
            .init(
                method: "GET", path: "/",
                headers: Self.baseHeaders + [("My-Header1", "  a   b  "), ("my-header1", "c")],
                payloadHash: SigV4Signer.emptyPayloadHash),
            date: Self.suiteDate)
        #expect(result.canonicalRequest.contains("\nmy-header1:a b,c\n"))
        #expect(result.signedHeaders == "host;my-header1;x-amz-date")
    }

    /// The example of "Authenticating Requests: Using Query Parameters (AWS Signature Version 4)"
    /// in the Amazon S3 API reference.
    @Test func presignedURLMatchesTheS3DocumentationExample() throws {
        let configuration = try S3Configuration(
            endpoint: "https://s3.amazonaws.com", accessKey: "AKIAIOSFODNN7EXAMPLE",
            secretKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", bucket: "examplebucket", region: "us-east-1")
        let client = S3Client(configuration: configuration)
        let date = Date(timeIntervalSince1970: 1_369_353_600)  // 2013-05-24T00:00:00Z
        let url = client.presignedURL(for: "test.txt", expiresIn: 86400, date: date)
        #expect(url == "https://examplebucket.s3.amazonaws.com/test.txt"
            + "?X-Amz-Algorithm=AWS4-HMAC-SHA256"
            + "&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request"
            + "&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host"
            + "&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404")
    }

    @Test func uriEncodingKeepsUnreservedCharactersOnly() {
        #expect(SigV4Signer.uriEncode("aZ09-._~") == "aZ09-._~")
        #expect(SigV4Signer.uriEncode("a b/c+d=é") == "a%20b%2Fc%2Bd%3D%C3%A9")
        #expect(SigV4Signer.uriEncode("dir/file name.wav", keepSlash: true) == "dir/file%20name.wav")
    }
}
