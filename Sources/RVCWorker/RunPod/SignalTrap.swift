import Dispatch
import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Turns SIGTERM and SIGINT into a call to a closure (once per signal delivered), instead of
/// killing the process, so the worker can drain. Keep the trap alive as long as the handling is
/// wanted. (Unchecked: the sources are immutable after init and dispatch sources are thread-safe.)
public final class SignalTrap: @unchecked Sendable {
    private let sources: [any DispatchSourceSignal]

    public init(signals: [Int32] = [SIGTERM, SIGINT], handler: @escaping @Sendable (Int32) -> Void) {
        sources = signals.map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { handler(number) }
            source.resume()
            return source
        }
    }

    /// The worker's shutdown: the first SIGTERM or SIGINT calls `drain` (stop fetching, finish and
    /// report the jobs in hand); a second one ends the process at once with status 128 + the
    /// signal's number (143 for SIGTERM), whatever is still running.
    public static func drainThenExit(_ drain: @escaping @Sendable () -> Void) -> SignalTrap {
        let received = Mutex(0)
        return SignalTrap { number in
            let count = received.withLock { count -> Int in
                count += 1
                return count
            }
            if count == 1 {
                drain()
            } else {
                FileHandle.standardError.write(Data("rvc: second signal \(number), exiting now\n".utf8))
                fflush(nil)  // every output stream: the log lines written so far
                _exit(128 + number)
            }
        }
    }

    deinit {
        for source in sources { source.cancel() }
    }
}
