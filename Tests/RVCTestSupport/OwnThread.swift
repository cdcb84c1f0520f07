import Foundation

/// Runs blocking work (a conversion, starting a script server) on a thread of its own and waits
/// for it without holding one of Swift concurrency's cooperative threads. On a 2-core machine
/// those are two: tests that converted on them (LibTorch's half-precision fallback kernels take
/// tens of seconds per case on a CPU without float16 arithmetic) stalled every async test in the
/// process (HTTP servers and clients included) for 30 s. The body must not record issues (`#expect`): it runs outside the test's
/// task; return what the test checks instead.
public func onOwnThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread { continuation.resume(with: Result { try body() }) }.start()
    }
}
