import Foundation

/// A seekable byte stream in memory behind the C libraries' callback I/O (libsndfile virtual I/O,
/// opusfile and libopusenc callbacks). Reads come from borrowed `Data` without copying it; writes
/// grow an owned byte array.
///
/// The C callbacks receive it as an unretained opaque pointer: whoever passes it keeps it alive.
final class MemoryStream {
    private(set) var bytes: Data
    private(set) var position = 0

    /// A stream over existing bytes (reading).
    init(reading data: Data) {
        bytes = data
    }

    /// An empty stream (writing).
    init() {
        bytes = Data()
    }

    var count: Int { bytes.count }

    /// Copies up to `count` bytes at the current position into `destination`; returns the number
    /// copied (0 at the end).
    func read(into destination: UnsafeMutableRawPointer, count: Int) -> Int {
        let available = max(0, min(count, bytes.count - position))
        guard available > 0 else { return 0 }
        bytes.withUnsafeBytes { raw in
            guard let base = raw.baseAddress else { return }
            destination.copyMemory(from: base + position, byteCount: available)
        }
        position += available
        return available
    }

    /// Writes at the current position, overwriting or extending.
    func write(_ source: UnsafeRawPointer, count: Int) -> Int {
        guard count > 0 else { return 0 }
        let incoming = UnsafeRawBufferPointer(start: source, count: count)
        if position == bytes.count {
            bytes.append(contentsOf: incoming)
        } else {
            if position > bytes.count {
                bytes.append(Data(count: position - bytes.count))
            }
            let end = min(bytes.count, position + count)
            bytes.replaceSubrange(position..<end, with: incoming)
        }
        position += count
        return count
    }

    /// fseek semantics (`SEEK_SET`, `SEEK_CUR`, `SEEK_END`); returns the new position or -1.
    func seek(_ offset: Int64, whence: Int32) -> Int64 {
        let base: Int64
        switch whence {
        case SEEK_SET: base = 0
        case SEEK_CUR: base = Int64(position)
        case SEEK_END: base = Int64(bytes.count)
        default: return -1
        }
        let (target, overflow) = base.addingReportingOverflow(offset)
        guard !overflow, target >= 0, target <= Int64(Int32.max) * 64 else { return -1 }
        position = Int(target)
        return target
    }

    var opaque: UnsafeMutableRawPointer { Unmanaged.passUnretained(self).toOpaque() }

    static func from(_ pointer: UnsafeMutableRawPointer?) -> MemoryStream? {
        guard let pointer else { return nil }
        return Unmanaged<MemoryStream>.fromOpaque(pointer).takeUnretainedValue()
    }
}
