import Foundation
import RVCStorage

/// Collects progress reports from the transfer thread.
final class ProgressRecorder: @unchecked Sendable {
    private let lock = NSLock()
    private var recorded: [TransferProgress] = []

    var values: [TransferProgress] { lock.withLock { recorded } }

    var record: ProgressHandler {
        { [self] progress in lock.withLock { recorded.append(progress) } }
    }
}
