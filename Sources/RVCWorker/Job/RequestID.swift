import Foundation
import Synchronization

/// UUIDv7 request identifiers (RFC 9562 §5.7): a 48-bit Unix timestamp in milliseconds, version 7,
/// a 12-bit counter in `rand_a` (RFC 9562 §6.2 method 1) so identifiers made in the same
/// millisecond still sort in creation order, and 62 random bits after the RFC 9562 variant.
public struct RequestID: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The 16 bytes, big-endian as in the text form.
    public let bytes: [UInt8]

    /// The lowercase 8-4-4-4-12 text form.
    public var description: String {
        let hex = bytes.map { String(format: "%02x", $0) }.joined()
        let parts = [hex.prefix(8), hex.dropFirst(8).prefix(4), hex.dropFirst(12).prefix(4),
                     hex.dropFirst(16).prefix(4), hex.dropFirst(20)]
        return parts.joined(separator: "-")
    }

    /// Milliseconds since the Unix epoch at creation.
    public var timestampMilliseconds: UInt64 {
        bytes[0..<6].reduce(0) { $0 << 8 | UInt64($1) }
    }

    public static func < (lhs: RequestID, rhs: RequestID) -> Bool {
        lhs.bytes.lexicographicallyPrecedes(rhs.bytes)
    }

    /// A new identifier, later than every one this process made before.
    public static func make() -> RequestID { generator.next() }

    init(bytes: [UInt8]) { self.bytes = bytes }

    /// Parses the text form of any UUID; nil when it is not one.
    public init?(_ text: String) {
        let hex = text.replacingOccurrences(of: "-", with: "")
        guard text.count == 36, hex.count == 32 else { return nil }
        var bytes: [UInt8] = []
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2)
            guard let byte = UInt8(hex[index..<next], radix: 16) else { return nil }
            bytes.append(byte)
            index = next
        }
        self.bytes = bytes
    }

    /// The version nibble (7 for identifiers made here).
    public var version: Int { Int(bytes[6] >> 4) }
    /// True when the variant bits are `10` (RFC 9562).
    public var hasRFC9562Variant: Bool { bytes[8] & 0xC0 == 0x80 }

    private static let generator = Generator()

    /// Keeps the last timestamp and counter so identifiers are strictly increasing.
    final class Generator: Sendable {
        private struct State { var milliseconds: UInt64 = 0; var counter: UInt16 = 0 }
        private let state = Mutex(State())

        func next(now: () -> UInt64 = { UInt64(Date().timeIntervalSince1970 * 1000) }) -> RequestID {
            let (milliseconds, counter) = state.withLock { state -> (UInt64, UInt16) in
                let current = now()
                if current > state.milliseconds {
                    state.milliseconds = current
                    // A random start leaves room to count up while keeping ids hard to guess.
                    state.counter = UInt16.random(in: 0...0x1FF)
                } else if state.counter < 0xFFF {
                    state.counter += 1
                } else {
                    // Counter exhausted within one millisecond: borrow the next millisecond.
                    state.milliseconds += 1
                    state.counter = 0
                }
                return (state.milliseconds, state.counter)
            }
            var bytes = [UInt8](repeating: 0, count: 16)
            for index in 0..<6 { bytes[index] = UInt8(truncatingIfNeeded: milliseconds >> (8 * (5 - index))) }
            bytes[6] = 0x70 | UInt8(counter >> 8)
            bytes[7] = UInt8(truncatingIfNeeded: counter)
            var random = SystemRandomNumberGenerator()
            let tail = random.next() as UInt64
            for index in 0..<8 { bytes[8 + index] = UInt8(truncatingIfNeeded: tail >> (8 * (7 - index))) }
            bytes[8] = 0x80 | (bytes[8] & 0x3F)
            return RequestID(bytes: bytes)
        }
    }
}
