import Foundation

/// Runs blocking work (model loading, conversion, codecs) on a dedicated thread so Swift's
/// cooperative pool stays free for the heartbeat and HTTP traffic.
enum BlockingRunner {
    static func run<T: Sendable>(name: String, _ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            let thread = Thread {
                continuation.resume(with: Result { try work() })
            }
            thread.name = name
            // Conversion recurses through deep LibTorch stacks.
            thread.stackSize = 16 << 20
            thread.start()
        }
    }
}
