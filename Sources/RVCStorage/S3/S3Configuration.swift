import Foundation

/// Where and how results are uploaded: an S3-compatible bucket (AWS S3, Cloudflare R2, MinIO,
/// SeaweedFS...). Read from the environment in one place, ``fromEnvironment(_:)``.
public struct S3Configuration: Sendable, Equatable {
    /// How the bucket appears in request URLs.
    public enum AddressingStyle: Sendable, Equatable {
        /// Virtual-host style for AWS endpoints with DNS-compatible bucket names, path style otherwise.
        case automatic
        /// `https://endpoint/bucket/key`: custom endpoints, IP addresses, MinIO, SeaweedFS.
        case path
        /// `https://bucket.endpoint/key`.
        case virtualHost
    }

    /// Base URL of the service, e.g. `https://<account>.r2.cloudflarestorage.com` or
    /// `http://127.0.0.1:9000`, without a trailing slash. (`S3_ENDPOINT_URL`)
    public var endpoint: String
    /// (`S3_ACCESS_KEY`)
    public var accessKey: String
    /// (`S3_SECRET_KEY`)
    public var secretKey: String
    /// (`S3_BUCKET_NAME`)
    public var bucket: String
    /// Signing region; default `auto` (what R2 expects; other services accept any region or need
    /// theirs). (`S3_REGION`)
    public var region: String
    /// Base URL for public links to uploaded objects (`<publicURL>/<key>`), e.g. an R2 public
    /// bucket domain; nil to hand out presigned URLs instead. (`S3_PUBLIC_URL`)
    public var publicURL: String?
    /// First segment of every object key; default `worker-rvc-nano`. (`S3_KEY_PREFIX`)
    public var keyPrefix: String
    public var addressingStyle: AddressingStyle

    /// - Throws: ``StorageError/s3Configuration(reason:)`` when the endpoint is not an http(s)
    ///   URL with a host or a required value is empty.
    public init(
        endpoint: String, accessKey: String, secretKey: String, bucket: String,
        region: String = "auto", publicURL: String? = nil, keyPrefix: String = "worker-rvc-nano",
        addressingStyle: AddressingStyle = .automatic
    ) throws(StorageError) {
        var endpoint = endpoint.trimmingCharacters(in: .whitespaces)
        while endpoint.hasSuffix("/") { endpoint.removeLast() }
        let lowered = endpoint.lowercased()
        guard lowered.hasPrefix("http://") || lowered.hasPrefix("https://"),
              let host = Downloader.host(of: endpoint), !host.isEmpty
        else {
            throw .s3Configuration(reason: "S3_ENDPOINT_URL '\(RedactedURL(endpoint))' is not an http(s) URL with a host")
        }
        guard endpoint.firstIndex(of: "?") == nil else {
            throw .s3Configuration(reason: "S3_ENDPOINT_URL must not have a query")
        }
        for (name, value) in [("S3_ACCESS_KEY", accessKey), ("S3_SECRET_KEY", secretKey), ("S3_BUCKET_NAME", bucket)]
        where value.isEmpty {
            throw .s3Configuration(reason: "\(name) is empty")
        }
        guard !bucket.contains("/") else {
            throw .s3Configuration(reason: "S3_BUCKET_NAME '\(bucket)' contains '/'")
        }
        self.endpoint = endpoint
        self.accessKey = accessKey
        self.secretKey = secretKey
        self.bucket = bucket
        self.region = region.isEmpty ? "auto" : region
        var publicURL = publicURL?.trimmingCharacters(in: .whitespaces)
        while publicURL?.hasSuffix("/") == true { publicURL?.removeLast() }
        self.publicURL = publicURL?.isEmpty == true ? nil : publicURL
        self.keyPrefix = keyPrefix.trimmingCharacters(in: CharacterSet(charactersIn: "/ "))
        self.addressingStyle = addressingStyle
    }

    /// Reads `S3_ENDPOINT_URL`, `S3_ACCESS_KEY`, `S3_SECRET_KEY`, `S3_BUCKET_NAME`, `S3_REGION`,
    /// `S3_PUBLIC_URL` and `S3_KEY_PREFIX`.
    /// - Returns: nil when none of the four required variables is set (S3 not configured).
    /// - Throws: ``StorageError/s3Configuration(reason:)`` naming the missing variables when only
    ///   some are set, or an invalid value.
    public static func fromEnvironment(
        _ environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(StorageError) -> S3Configuration? {
        func value(_ name: String) -> String? {
            guard let raw = environment[name]?.trimmingCharacters(in: .whitespaces), !raw.isEmpty else { return nil }
            return raw
        }
        let required = ["S3_ENDPOINT_URL", "S3_ACCESS_KEY", "S3_SECRET_KEY", "S3_BUCKET_NAME"]
        let missing = required.filter { value($0) == nil }
        if missing.count == required.count { return nil }
        guard missing.isEmpty else {
            throw .s3Configuration(reason: "S3 is partly configured; also set \(missing.joined(separator: ", "))")
        }
        return try S3Configuration(
            endpoint: value("S3_ENDPOINT_URL") ?? "", accessKey: value("S3_ACCESS_KEY") ?? "",
            secretKey: value("S3_SECRET_KEY") ?? "", bucket: value("S3_BUCKET_NAME") ?? "",
            region: value("S3_REGION") ?? "auto", publicURL: value("S3_PUBLIC_URL"),
            keyPrefix: environment["S3_KEY_PREFIX"] ?? "worker-rvc-nano")
    }

    /// The worker's key for one output: `{prefix}/request-{requestID}/{name}` (no prefix segment
    /// when the prefix is empty).
    public func objectKey(requestID: String, name: String) -> String {
        let tail = "request-\(requestID)/\(name)"
        return keyPrefix.isEmpty ? tail : "\(keyPrefix)/\(tail)"
    }

    /// Whether requests put the bucket in the host name.
    public var usesVirtualHost: Bool {
        switch addressingStyle {
        case .path: return false
        case .virtualHost: return true
        case .automatic:
            guard let host = Downloader.host(of: endpoint)?.lowercased() else { return false }
            return host.hasSuffix(".amazonaws.com") && Self.isDNSCompatible(bucket)
        }
    }

    /// Lowercase letters, digits and hyphens, 3 to 63 characters: usable as a host label over TLS.
    private static func isDNSCompatible(_ bucket: String) -> Bool {
        (3...63).contains(bucket.count) && !bucket.hasPrefix("-") && !bucket.hasSuffix("-")
            && bucket.allSatisfy { ($0.isASCII && $0.isLowercase) || $0.isNumber || $0 == "-" }
    }
}

extension S3Configuration: CustomStringConvertible {
    /// Everything but the secret key.
    public var description: String {
        "S3Configuration(endpoint: \(endpoint), bucket: \(bucket), region: \(region), accessKey: \(accessKey), "
            + "publicURL: \(publicURL ?? "none"), keyPrefix: \(keyPrefix))"
    }
}
