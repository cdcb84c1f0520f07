/// Counters of a ``DownloadCache`` since it was created.
public struct CacheStatistics: Sendable, Equatable {
    /// Requests served without a transfer.
    public var hits: Int
    /// Requests that started a transfer.
    public var misses: Int
    /// Entries evicted to stay under the size bound.
    public var evictions: Int
    /// Files in the cache now.
    public var entryCount: Int
    /// Bytes in the cache now.
    public var byteCount: Int64
}
