/// Bounds-checked little-endian reads from a byte buffer. Every read checks the remaining length
/// first, so a hostile size can never read outside the buffer.
struct ByteReader {
    /// A read went past the end of the buffer.
    struct OutOfBounds: Error {
        let offset: Int
        let needed: Int
    }

    let bytes: UnsafeRawBufferPointer
    var offset: Int

    init(_ bytes: UnsafeRawBufferPointer, offset: Int = 0) {
        self.bytes = bytes
        self.offset = offset
    }

    var remaining: Int { bytes.count - offset }
    var isAtEnd: Bool { offset >= bytes.count }

    /// Checks that `count` bytes are available at `at` without moving.
    func has(_ count: Int, at position: Int) -> Bool {
        count >= 0 && position >= 0 && position <= bytes.count && count <= bytes.count - position
    }

    mutating func skip(_ count: Int) throws {
        guard has(count, at: offset) else { throw OutOfBounds(offset: offset, needed: count) }
        offset += count
    }

    mutating func u8() throws -> UInt8 {
        guard has(1, at: offset) else { throw OutOfBounds(offset: offset, needed: 1) }
        defer { offset += 1 }
        return bytes[offset]
    }

    mutating func load<T: FixedWidthInteger>(_: T.Type) throws -> T {
        let size = MemoryLayout<T>.size
        guard has(size, at: offset) else { throw OutOfBounds(offset: offset, needed: size) }
        defer { offset += size }
        return T(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: T.self))
    }

    mutating func u16() throws -> UInt16 { try load(UInt16.self) }
    mutating func u32() throws -> UInt32 { try load(UInt32.self) }
    mutating func u64() throws -> UInt64 { try load(UInt64.self) }
    mutating func i32() throws -> Int32 { try load(Int32.self) }
    mutating func i64() throws -> Int64 { try load(Int64.self) }

    /// Reads a fixed-width integer at an absolute position without moving.
    func peek<T: FixedWidthInteger>(_: T.Type, at position: Int) throws -> T {
        let size = MemoryLayout<T>.size
        guard has(size, at: position) else { throw OutOfBounds(offset: position, needed: size) }
        return T(littleEndian: bytes.loadUnaligned(fromByteOffset: position, as: T.self))
    }

    /// The next `count` bytes as a slice of the buffer (no copy).
    mutating func slice(_ count: Int) throws -> UnsafeRawBufferPointer {
        guard has(count, at: offset) else { throw OutOfBounds(offset: offset, needed: count) }
        defer { offset += count }
        return UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + count)])
    }
}
