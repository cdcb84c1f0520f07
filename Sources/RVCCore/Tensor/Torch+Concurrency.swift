import CTorch
import Foundation

extension Torch {
    /// Runs `body(0)` … `body(count − 1)` at the same time, `body(0)` on this thread and the others
    /// on threads started for them, splitting this thread's CPU intra-op threads (``threadCount``)
    /// among them (at least one each), each in inference mode; returns when all have finished.
    ///
    /// Independent pieces of work run this way keep every core busy without the barriers that
    /// LibTorch's parallel kernels wait at between operations: on 2 cores, two pieces on one
    /// thread each finish sooner than the same pieces one after the other on two threads each.
    /// Dedicated threads rather than a shared pool, so the pieces cannot end up queued behind
    /// other work on a busy pool and run one by one. Where this LibTorch build cannot set
    /// per-thread counts (no OpenMP), or `count` is 1, the bodies run one after the other here.
    /// - Throws: the first error a body threw (after all have finished).
    public static func concurrently(_ count: Int, _ body: @escaping @Sendable (Int) throws -> Void) throws {
        guard count > 1 else {
            if count == 1 { try body(0) }
            return
        }
        let total = threadCount
        // Body i's share; the first `total % count` bodies take one more.
        let share = { (i: Int) in Int32(max(1, total / count + (i < total % count ? 1 : 0))) }
        guard ct_set_thread_local_threads(Int32(total)) else {
            for i in 0..<count { try body(i) }
            return
        }
        let failures = FirstFailure()
        let finished = DispatchSemaphore(value: 0)
        for i in 1..<count {
            let each = share(i)
            let thread = Thread {
                _ = ct_set_thread_local_threads(each)
                do {
                    try inferenceMode { try body(i) }
                } catch {
                    failures.record(error)
                }
                finished.signal()
            }
            thread.stackSize = threadStackBytes
            thread.start()
        }
        _ = ct_set_thread_local_threads(share(0))
        do {
            try inferenceMode { try body(0) }
        } catch {
            failures.record(error)
        }
        _ = ct_set_thread_local_threads(Int32(total))
        for _ in 1..<count { finished.wait() }
        if let error = failures.first { throw error }
    }

    /// Stack of the threads ``concurrently(_:_:)`` starts: glibc's default for the main thread.
    static let threadStackBytes = 8 << 20
}

/// The first error recorded by any of several threads.
private final class FirstFailure: @unchecked Sendable {
    private let lock = NSLock()
    private var error: (any Error)?

    func record(_ error: any Error) {
        lock.lock()
        defer { lock.unlock() }
        if self.error == nil { self.error = error }
    }

    var first: (any Error)? {
        lock.lock()
        defer { lock.unlock() }
        return error
    }
}
