import Synchronization

/// A flag a task's cancellation handler sets and a transfer thread polls; the thread may register
/// a wake-up to be called at the moment the flag is set, so a waiting transfer stops at once.
final class CancellationFlag: Sendable {
    private let state = Mutex<(cancelled: Bool, wakeUp: (@Sendable () -> Void)?)>((false, nil))

    func cancel() {
        let wakeUp = state.withLock { state -> (@Sendable () -> Void)? in
            state.cancelled = true
            return state.wakeUp
        }
        wakeUp?()
    }

    var isCancelled: Bool { state.withLock { $0.cancelled } }

    /// Calls `wakeUp` when the flag is set from now on (at once when it already is), until
    /// ``clearWakeUp()``.
    func onCancel(_ wakeUp: @escaping @Sendable () -> Void) {
        let cancelled = state.withLock { state -> Bool in
            state.wakeUp = wakeUp
            return state.cancelled
        }
        if cancelled { wakeUp() }
    }

    func clearWakeUp() { state.withLock { $0.wakeUp = nil } }
}
