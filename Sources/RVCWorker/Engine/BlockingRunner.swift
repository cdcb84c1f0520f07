import Foundation

/// Runs blocking work (model loading, conversion, codecs) on a dedicated thread so Swift's
/// cooperative pool stays free for the heartbeat and HTTP traffic.
enum BlockingRunner {
    /// Runs `work` on a thread of its own. Cancelling the calling task sets the
    /// ``JobCancellation`` handed to `work`, which stops at its next check; work not yet started
    /// when the task is cancelled is not started.
    /// - Throws: what `work` throws; `CancellationError` when cancelled before it started.
    static func run<T: Sendable>(name: String, _ work: @escaping @Sendable (JobCancellation) throws -> T) async throws -> T {
        let cancellation = JobCancellation()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                let thread = Thread {
                    continuation.resume(with: Result {
                        try cancellation.check()
                        return try work(cancellation)
                    })
                }
                thread.name = name
                // Conversion recurses through deep LibTorch stacks.
                thread.stackSize = 16 << 20
                thread.start()
            }
        } onCancel: {
            cancellation.cancel()
        }
    }

    /// Runs `work`, which has no steps to stop between, on a thread of its own (not started when the
    /// calling task is already cancelled).
    static func run<T: Sendable>(name: String, _ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await run(name: name) { (_: JobCancellation) in try work() }
    }
}
