import CTorch
import Foundation

extension Torch {
    /// Runs `body(0)` … `body(count − 1)` at the same time, `body(0)` on this thread and the others
    /// on threads started for them, splitting this thread's CPU intra-op threads (``threadCount``)
    /// among them (at least one each), each in inference mode; returns their results in order
    /// when all have finished.
    ///
    /// Independent pieces of work run this way keep every core busy without the barriers that
    /// LibTorch's parallel kernels wait at between operations: on 2 cores, two pieces on one
    /// thread each finish sooner than the same pieces one after the other on two threads each.
    /// Dedicated threads rather than a shared pool, so the pieces cannot end up queued behind
    /// other work on a busy pool and run one by one. Where this LibTorch build cannot set
    /// per-thread counts (no OpenMP), or `count` is 1, the bodies run one after the other here.
    /// - Throws: the error of the first body (by index) that threw, after all have finished.
    @discardableResult
    public static func concurrently<Value: Sendable>(
        _ count: Int, _ body: @escaping @Sendable (Int) throws -> Value
    ) throws -> [Value] {
        guard count > 1 else { return try (0..<count).map(body) }
        let total = threadCount
        // Body i's share; the first `total % count` bodies take one more.
        let share = { (i: Int) in Int32(max(1, total / count + (i < total % count ? 1 : 0))) }
        guard ct_set_thread_local_threads(Int32(total)) else {
            return try (0..<count).map(body)
        }
        let outcomes = Outcomes<Value>(count: count)
        let finished = DispatchSemaphore(value: 0)
        for i in 1..<count {
            let each = share(i)
            let thread = Thread {
                _ = ct_set_thread_local_threads(each)
                outcomes.set(Result { try inferenceMode { try body(i) } }, at: i)
                finished.signal()
            }
            thread.stackSize = threadStackBytes
            thread.start()
        }
        _ = ct_set_thread_local_threads(share(0))
        outcomes.set(Result { try inferenceMode { try body(0) } }, at: 0)
        _ = ct_set_thread_local_threads(Int32(total))
        for _ in 1..<count { finished.wait() }
        return try outcomes.values()
    }

    /// Runs `first` on this thread and `second` on a thread started for it, at the same time and
    /// with this thread's intra-op threads split between them, as ``concurrently(_:_:)`` does for
    /// bodies of one type; returns both results. For independent loading steps (HuBERT beside
    /// RMVPE, a synthesizer beside its index).
    /// - Throws: the error of `first` if it threw, else that of `second`, after both have finished.
    public static func concurrently<First: Sendable, Second: Sendable>(
        _ first: @escaping @Sendable () throws -> First, _ second: @escaping @Sendable () throws -> Second
    ) throws -> (First, Second) {
        let results = try concurrently(2) { i -> Either<First, Second> in
            i == 0 ? .first(try first()) : .second(try second())
        }
        guard case .first(let a) = results[0], case .second(let b) = results[1] else {
            preconditionFailure("concurrently returned its results out of order")
        }
        return (a, b)
    }

    /// Stack of the threads ``concurrently(_:_:)`` starts: glibc's default for the main thread.
    static let threadStackBytes = 8 << 20
}

/// One of two results of different types.
private enum Either<First: Sendable, Second: Sendable>: Sendable {
    case first(First)
    case second(Second)
}

/// What each of several threads returned or threw, stored by index.
private final class Outcomes<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var slots: [Result<Value, any Error>?]

    init(count: Int) { slots = Array(repeating: nil, count: count) }

    func set(_ outcome: Result<Value, any Error>, at index: Int) {
        lock.lock()
        defer { lock.unlock() }
        slots[index] = outcome
    }

    /// Every value in order, or the first error. Called once every thread has stored its outcome.
    func values() throws -> [Value] {
        lock.lock()
        defer { lock.unlock() }
        return try slots.enumerated().map { i, slot in
            guard let slot else { preconditionFailure("concurrent body \(i) stored no outcome") }
            return try slot.get()
        }
    }
}
