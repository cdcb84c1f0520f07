import Foundation
import RVCTestSupport
import RVCWorker
import Synchronization

/// Holds test conversions as segments would: each conversion opens ``started`` and then works in
/// steps, checking its cancellation between them as the real engine does between segments, until
/// ``release`` opens. Counts how conversions ended.
final class ConversionHold: Sendable {
    /// Opened by each conversion as it begins.
    let started = TestGate()
    /// Lets held conversions finish.
    let release = TestGate()
    private let ends = Mutex((completed: 0, cancelled: 0))

    var completed: Int { ends.withLock { $0.completed } }
    var cancelled: Int { ends.withLock { $0.cancelled } }

    func pass(_ cancellation: JobCancellation) throws {
        started.open()
        while !release.isOpen {
            if cancellation.isCancelled {
                ends.withLock { $0.cancelled += 1 }
                throw CancellationError()
            }
            Thread.sleep(forTimeInterval: 0.005)
        }
        ends.withLock { $0.completed += 1 }
    }
}
