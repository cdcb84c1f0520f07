/// Safety limits for decoding a checkpoint's pickle. A file that exceeds any of them is refused
/// with ``CheckpointError/limitExceeded(file:what:limit:)``; the defaults are far above what real
/// RVC, HuBERT and RMVPE checkpoints need, and bound the memory a hostile file can make us use.
public struct PickleLimits: Sendable, Equatable {
    /// Largest `data.pkl` accepted, in bytes (real files: well under 1 MiB).
    public var maxPickleBytes: Int = 16 << 20
    /// Deepest nesting of containers.
    public var maxDepth: Int = 200
    /// Most memo entries.
    public var maxMemo: Int = 1 << 20
    /// Most values on the stack at once.
    public var maxStack: Int = 1 << 20
    /// Most containers (lists, tuples, dicts, sets, objects) created.
    public var maxContainers: Int = 1 << 20
    /// Longest string, bytes or integer literal, in bytes.
    public var maxStringBytes: Int = 1 << 20
    /// Highest tensor rank.
    public var maxRank: Int = 16
    /// Most bytes the decoded program may allocate, estimated: containers and their elements,
    /// string and bytes values, tensor descriptions (real files: well under 1 MiB). Bounds how much
    /// memory a small pickle can claim by referring to its own values over and over (a list of a
    /// million references to one object costs a few bytes of pickle each).
    public var maxAllocatedBytes: Int = 64 << 20

    public init() {}

    /// The defaults.
    public static let `default` = PickleLimits()
}
