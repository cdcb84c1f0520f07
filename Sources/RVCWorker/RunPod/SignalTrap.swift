import Dispatch
import Foundation

/// Turns SIGTERM and SIGINT into a call to a closure (once per signal), instead of killing the
/// process, so the worker can drain. Keep the trap alive as long as the handling is wanted.
/// (Unchecked: the sources are immutable after init and dispatch sources are thread-safe.)
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

    deinit {
        for source in sources { source.cancel() }
    }
}
