import Foundation
import Synchronization

/// Holds work until a test opens it, so a test orders events without timing: a job handler waits
/// on a gate the test opens once it has checked the job's running state, or opens a gate the test
/// waits on to learn that the job got that far. Async tasks and blocking threads can both wait.
public final class TestGate: Sendable {
    private let state = Mutex<(open: Bool, waiters: [CheckedContinuation<Void, Never>])>((false, []))
    private let condition = NSCondition()

    public init() {}

    /// Opens the gate for every waiter, present and future; idempotent.
    public func open() {
        let waiters = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.open = true
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume() }
        condition.lock()
        condition.broadcast()
        condition.unlock()
    }

    /// Whether ``open()`` was called.
    public var isOpen: Bool { state.withLock { $0.open } }

    /// Suspends until the gate is open.
    public func wait() async {
        await withCheckedContinuation { continuation in
            let ready = state.withLock { state -> Bool in
                if state.open { return true }
                state.waiters.append(continuation)
                return false
            }
            if ready { continuation.resume() }
        }
    }

    /// Blocks the calling thread until the gate is open (for work on threads of its own, never on
    /// Swift's cooperative pool).
    public func waitBlocking() {
        condition.lock()
        while !isOpen { condition.wait() }
        condition.unlock()
    }
}
