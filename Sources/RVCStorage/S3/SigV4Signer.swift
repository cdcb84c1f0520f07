import Crypto
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// AWS Signature Version 4 (`AWS4-HMAC-SHA256`): signs requests in the Authorization header and
/// presigns URLs in the query string.
///
/// Paths are taken as already encoded (S3 signs the path exactly as sent, encoded once); query
/// names and values are taken raw and encoded here with AWS's rules (unreserved characters kept,
/// everything else `%XX` in upper case).
public struct SigV4Signer: Sendable {
    public let accessKey: String
    public let secretKey: String
    /// e.g. `us-east-1`; `auto` for Cloudflare R2.
    public let region: String
    /// e.g. `s3`.
    public let service: String

    /// The hash S3 accepts in place of a payload hash (presigned URLs).
    public static let unsignedPayload = "UNSIGNED-PAYLOAD"
    /// SHA-256 of the empty string.
    public static let emptyPayloadHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

    public init(accessKey: String, secretKey: String, region: String, service: String) {
        self.accessKey = accessKey
        self.secretKey = secretKey
        self.region = region
        self.service = service
    }

    /// A request to sign.
    public struct Request: Sendable {
        /// `GET`, `PUT`...
        public var method: String
        /// The URI path, already percent-encoded as sent (`/bucket/key`), `/` when empty.
        public var path: String
        /// Query parameters, raw (not encoded).
        public var query: [(name: String, value: String)]
        /// Headers to sign; must include `host` and, for header signing, `x-amz-date`.
        public var headers: [(name: String, value: String)]
        /// Lowercase hex SHA-256 of the body, or ``SigV4Signer/unsignedPayload``.
        public var payloadHash: String

        public init(
            method: String, path: String, query: [(name: String, value: String)] = [],
            headers: [(name: String, value: String)], payloadHash: String
        ) {
            self.method = method
            self.path = path
            self.query = query
            self.headers = headers
            self.payloadHash = payloadHash
        }
    }

    /// Every intermediate product of a signature, for tests and debugging.
    public struct Signature: Sendable, Equatable {
        public let canonicalRequest: String
        public let stringToSign: String
        /// Lowercase hex.
        public let signature: String
        /// `host;x-amz-date`...
        public let signedHeaders: String
        /// `AKID/20150830/us-east-1/service/aws4_request`.
        public let credential: String

        /// The value of the Authorization header.
        public var authorization: String {
            "AWS4-HMAC-SHA256 Credential=\(credential), SignedHeaders=\(signedHeaders), Signature=\(signature)"
        }
    }

    /// Signs `request` as of `date` (which must match its `x-amz-date` header).
    public func sign(_ request: Request, date: Date) -> Signature {
        let stamp = Self.timestamp(date)
        var headers: [String: [String]] = [:]
        for (name, value) in request.headers {
            headers[name.lowercased(), default: []].append(Self.trimHeaderValue(value))
        }
        let names = headers.keys.sorted()
        let canonicalHeaders = names.map { "\($0):\(headers[$0, default: []].joined(separator: ","))\n" }.joined()
        let signedHeaders = names.joined(separator: ";")
        let canonicalRequest = [
            request.method,
            request.path.isEmpty ? "/" : request.path,
            Self.canonicalQuery(request.query),
            canonicalHeaders,
            signedHeaders,
            request.payloadHash,
        ].joined(separator: "\n")
        let scope = "\(stamp.date)/\(region)/\(service)/aws4_request"
        let stringToSign = [
            "AWS4-HMAC-SHA256", stamp.dateTime, scope,
            SHA256.hash(data: Data(canonicalRequest.utf8)).lowercaseHex,
        ].joined(separator: "\n")
        let signature = HMAC<SHA256>.authenticationCode(
            for: Data(stringToSign.utf8), using: signingKey(date: stamp.date))
        return Signature(
            canonicalRequest: canonicalRequest, stringToSign: stringToSign,
            signature: signature.lowercaseHex, signedHeaders: signedHeaders,
            credential: "\(accessKey)/\(scope)")
    }

    /// The query parameters that presign a request (`X-Amz-Algorithm` ... `X-Amz-Signature`),
    /// to append to `query` in this order. Only the `host` header is signed and the payload is
    /// unsigned, as S3 presigned GET URLs are.
    /// - Parameter expires: validity in seconds, 1...604800 (7 days, S3's maximum).
    public func presignedQuery(
        method: String, path: String, query: [(name: String, value: String)] = [], host: String,
        date: Date, expires: Int
    ) -> [(name: String, value: String)] {
        let stamp = Self.timestamp(date)
        let scope = "\(stamp.date)/\(region)/\(service)/aws4_request"
        let authQuery: [(name: String, value: String)] = [
            ("X-Amz-Algorithm", "AWS4-HMAC-SHA256"),
            ("X-Amz-Credential", "\(accessKey)/\(scope)"),
            ("X-Amz-Date", stamp.dateTime),
            ("X-Amz-Expires", String(min(max(expires, 1), 604_800))),
            ("X-Amz-SignedHeaders", "host"),
        ]
        let signature = sign(
            Request(
                method: method, path: path, query: query + authQuery, headers: [("host", host)],
                payloadHash: Self.unsignedPayload),
            date: date)
        return authQuery + [("X-Amz-Signature", signature.signature)]
    }

    /// `AWS4<secret>` → date → region → service → `aws4_request`.
    func signingKey(date: String) -> SymmetricKey {
        var key = SymmetricKey(data: Data("AWS4\(secretKey)".utf8))
        for part in [date, region, service, "aws4_request"] {
            key = SymmetricKey(data: Data(HMAC<SHA256>.authenticationCode(for: Data(part.utf8), using: key)))
        }
        return key
    }

    /// `20150830T123600Z` and `20150830`, in UTC.
    public static func timestamp(_ date: Date) -> (dateTime: String, date: String) {
        var seconds = time_t(date.timeIntervalSince1970.rounded(.down))
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func two(_ value: Int32) -> String { String(value).leftPadded(to: 2) }
        let day = "\(String(parts.tm_year + 1900).leftPadded(to: 4))\(two(parts.tm_mon + 1))\(two(parts.tm_mday))"
        return ("\(day)T\(two(parts.tm_hour))\(two(parts.tm_min))\(two(parts.tm_sec))Z", day)
    }

    /// AWS URI encoding: `A-Z a-z 0-9 - . _ ~` kept, `/` kept when `keepSlash`, every other byte of
    /// the UTF-8 form as `%XX` (upper-case hex).
    public static func uriEncode(_ text: String, keepSlash: Bool = false) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            if isUnreserved(byte) || (keepSlash && byte == 0x2F) {
                out.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                out += "%" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
            }
        }
        return out
    }

    private static func isUnreserved(_ byte: UInt8) -> Bool {
        (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x30 && byte <= 0x39)
            || byte == 0x2D || byte == 0x2E || byte == 0x5F || byte == 0x7E
    }

    /// Encoded `name=value` pairs sorted by name, then value, joined with `&`.
    static func canonicalQuery(_ query: [(name: String, value: String)]) -> String {
        let encoded: [(name: String, value: String)] = query.map { (uriEncode($0.name), uriEncode($0.value)) }
        let sorted = encoded.sorted { (left, right) -> Bool in
            left.name == right.name ? left.value < right.value : left.name < right.name
        }
        return sorted.map { pair -> String in pair.name + "=" + pair.value }.joined(separator: "&")
    }

    /// Trims and collapses runs of spaces, as the canonical form requires.
    private static func trimHeaderValue(_ value: String) -> String {
        value.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
            .trimmingCharacters(in: .whitespaces)
    }
}
