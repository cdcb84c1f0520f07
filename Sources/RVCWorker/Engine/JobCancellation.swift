import Synchronization

/// Set when the task that waits for blocking work (a conversion, a decode) is cancelled; the work
/// reads it between its steps and stops there with `CancellationError`. Blocking LibTorch calls
/// cannot be interrupted, so a cancelled conversion ends at its next segment, not at once.
public final class JobCancellation: Sendable {
    private let flag = Atomic<Bool>(false)

    public init() {}

    /// Marks the work cancelled; safe from any thread, more than once.
    public func cancel() { flag.store(true, ordering: .relaxed) }

    /// Whether ``cancel()`` was called.
    public var isCancelled: Bool { flag.load(ordering: .relaxed) }

    /// - Throws: `CancellationError` once ``cancel()`` was called.
    public func check() throws {
        if isCancelled { throw CancellationError() }
    }
}
