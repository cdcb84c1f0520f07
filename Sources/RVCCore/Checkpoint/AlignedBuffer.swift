import Foundation

/// Heap memory with 64-byte alignment, owned by this object and freed in `deinit`. Used when a
/// storage payload cannot be borrowed from the mapping as is (misaligned or big-endian): the bytes
/// are copied here once and tensors borrow from the copy.
final class AlignedBuffer: @unchecked Sendable {
    let pointer: UnsafeMutableRawPointer
    let count: Int

    init(copying source: UnsafeRawBufferPointer) {
        count = source.count
        pointer = UnsafeMutableRawPointer.allocate(byteCount: max(source.count, 1), alignment: 64)
        if let from = source.baseAddress, source.count > 0 {
            pointer.copyMemory(from: from, byteCount: source.count)
        }
    }

    deinit { pointer.deallocate() }

    /// Reverses the byte order of every `width`-byte element in place.
    func swapBytes(elementWidth width: Int) {
        guard width > 1 else { return }
        let bytes = pointer.assumingMemoryBound(to: UInt8.self)
        var start = 0
        while start + width <= count {
            var i = start, j = start + width - 1
            while i < j {
                let t = bytes[i]; bytes[i] = bytes[j]; bytes[j] = t
                i += 1; j -= 1
            }
            start += width
        }
    }
}
