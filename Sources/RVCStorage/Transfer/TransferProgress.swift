/// How far a transfer has come, for progress bars.
public struct TransferProgress: Sendable, Equatable {
    /// Bytes moved so far (received for a download, sent for an upload).
    public let bytesDone: Int64
    /// Bytes expected in all, when the server declared a length (or the upload size is known).
    public let totalBytes: Int64?

    public init(bytesDone: Int64, totalBytes: Int64?) {
        self.bytesDone = bytesDone
        self.totalBytes = totalBytes
    }

    /// `bytesDone / totalBytes` in 0...1, or nil when the total is unknown.
    public var fraction: Double? {
        guard let totalBytes, totalBytes > 0 else { return nil }
        return min(1, Double(bytesDone) / Double(totalBytes))
    }
}

/// Called from the transfer's own thread as bytes move; keep it cheap and thread-safe.
public typealias ProgressHandler = @Sendable (TransferProgress) -> Void
