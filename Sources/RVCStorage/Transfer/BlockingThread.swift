import Foundation

/// Runs blocking work (a libcurl transfer, an fsync) on a thread of its own, so that it never
/// occupies one of the few threads of Swift's cooperative pool.
enum BlockingThread {
    /// Runs `work` on a new thread and returns its result.
    static func run<T: Sendable>(
        name: String, _ work: @escaping @Sendable () throws -> T
    ) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            let thread = Thread {
                continuation.resume(with: Result { try work() })
            }
            thread.name = name
            thread.start()
        }
    }
}
