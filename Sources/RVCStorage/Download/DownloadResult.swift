/// What a finished download produced.
public struct DownloadResult: Sendable, Equatable {
    /// Bytes written.
    public let byteCount: Int64
    /// Lowercase hexadecimal SHA-256 of the bytes.
    public let sha256: String
    /// The Content-Type of the response or the media type of a `data:` URL, when given.
    public let mediaType: String?
    /// Attempts made (1 when no retry was needed).
    public let attempts: Int
}
