import Foundation
import RVCStorage

/// ``ResultStore`` on an S3-compatible bucket: objects at
/// `{S3_KEY_PREFIX}/request-{request_id}/{name}`, returned as a public URL when `S3_PUBLIC_URL` is
/// set and as a presigned GET URL otherwise.
public struct S3ResultStore: ResultStore {
    public let client: S3Client
    /// Lifetime of presigned URLs in seconds. Default 7 days, the SigV4 maximum.
    public let presignedLifetime: Int

    public init(client: S3Client, presignedLifetime: Int = 604_800) {
        self.client = client
        self.presignedLifetime = presignedLifetime
    }

    public func put(_ data: Data, requestID: String, name: String, contentType: String) async throws -> String {
        let key = client.configuration.objectKey(requestID: requestID, name: name)
        try await client.putObject(key: key, data: data, contentType: contentType)
        return client.shareableURL(for: key, expiresIn: presignedLifetime)
    }
}
