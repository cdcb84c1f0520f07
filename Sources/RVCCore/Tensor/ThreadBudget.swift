import CTorch
import Foundation

/// The process's CPU intra-op threads, shared by the conversions that run at the same time.
///
/// LibTorch's CPU kernels use a process-wide thread count. Two jobs converting side by side with
/// that count each would keep twice as many threads busy as there are cores, and every kernel's
/// closing barrier would wait for a thread the other job holds. A job that runs inside
/// ``withShare(_:)`` instead sets its own thread's count (OpenMP's and MKL's per-thread settings)
/// to its share of ``total``: `total / jobs holding a share`, at least one. The share is computed
/// again at each ``rebalance()`` (``VoiceConverter`` calls it before the pitch and before each
/// segment), so a job left alone gets every thread back at its next stage. Inside a job the
/// share splits further: the decoder's pieces side by side divide the job's count, not the
/// process's.
///
/// Where this LibTorch build has no per-thread counts (no OpenMP), shares are not applied and
/// every job uses the process count.
public final class ThreadBudget: @unchecked Sendable {
    /// The budget of this process. Its total follows ``Torch/threadCount``'s setter.
    public static let shared = ThreadBudget(total: Int(ct_get_num_threads()))

    private let lock = NSLock()
    private var totalThreads: Int
    private var holders = 0

    /// A budget of `total` threads (at least one), with no job holding a share.
    public init(total: Int) {
        totalThreads = max(1, total)
    }

    /// The threads shared among the jobs.
    public var total: Int {
        get { locked { totalThreads } }
        set { locked { totalThreads = max(1, newValue) } }
    }

    /// The jobs holding a share now.
    public var holderCount: Int { locked { holders } }

    /// The threads each job gets now: ``total`` divided among the jobs holding a share (all of
    /// them when none does), at least one.
    public var share: Int {
        locked { max(1, totalThreads / max(1, holders)) }
    }

    /// Runs `body` on this thread as one of the jobs sharing the budget: this thread's intra-op
    /// count is set to its share now and at each ``rebalance()``, and set back to ``total`` after.
    public func withShare<T>(_ body: () throws -> T) rethrows -> T {
        locked { holders += 1 }
        defer {
            locked { holders -= 1 }
            let total = total
            if Int(ct_get_num_threads()) != total { _ = ct_set_thread_local_threads(Int32(total)) }
        }
        rebalance()
        return try body()
    }

    /// Sets the calling thread's intra-op count to the current ``share`` and returns it (the
    /// count the thread already had where per-thread counts cannot be set).
    @discardableResult
    public func rebalance() -> Int {
        let threads = share
        let current = Int(ct_get_num_threads())
        // Unchanged counts are left alone: MKL's per-thread setting is only made where a share differs.
        guard threads != current, ct_set_thread_local_threads(Int32(threads)) else { return current }
        return threads
    }

    private func locked<T>(_ body: () throws -> T) rethrows -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body()
    }
}
