import Foundation

/// A NumPy `.npy` array (format versions 1–3, little-endian, C order; float32/64 and int16/32/64),
/// as the parity fixtures store the reference's inputs and outputs.
public struct NPYArray: Sendable {
    /// The element types read.
    public enum Kind: String, Sendable {
        case float32 = "<f4", float64 = "<f8", int16 = "<i2", int32 = "<i4", int64 = "<i8"

        var byteSize: Int {
            switch self {
            case .int16: return 2
            case .float32, .int32: return 4
            case .float64, .int64: return 8
            }
        }
    }

    /// The array's dimensions.
    public let shape: [Int]
    /// The element type.
    public let kind: Kind
    private let payload: Data

    /// Reads `url`.
    /// - Throws: ``ParityError/unreadableArray(file:reason:)`` when the file is missing, not an
    ///   `.npy` file, of an unsupported layout or element type, or shorter than its header says.
    public init(contentsOf url: URL) throws {
        let name = url.lastPathComponent
        func fail(_ reason: String) -> ParityError { .unreadableArray(file: name, reason: reason) }
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw fail("cannot read it (\(error.localizedDescription))")
        }
        let bytes = [UInt8](data)
        guard bytes.count >= 10, bytes.prefix(6).elementsEqual([0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]) else {
            throw fail("not an .npy file")
        }
        let major = bytes[6]
        let headerStart = major == 1 ? 10 : 12
        guard (1...3).contains(major), bytes.count >= headerStart else { throw fail("unsupported .npy version \(major)") }
        let headerLength = major == 1
            ? Int(bytes[8]) | Int(bytes[9]) << 8
            : Int(bytes[8]) | Int(bytes[9]) << 8 | Int(bytes[10]) << 16 | Int(bytes[11]) << 24
        guard headerLength <= bytes.count - headerStart else { throw fail("header runs past the end of the file") }
        let header = String(decoding: bytes[headerStart..<headerStart + headerLength], as: UTF8.self)
        guard !header.contains("'fortran_order': True") else { throw fail("Fortran order is not supported") }
        guard let descr = Self.field("descr", in: header, open: "'", close: "'"), let kind = Kind(rawValue: descr) else {
            throw fail("unsupported element type in header \(header)")
        }
        guard let shapeText = Self.field("shape", in: header, open: "(", close: ")") else {
            throw fail("no shape in header \(header)")
        }
        var shape: [Int] = []
        for part in shapeText.split(separator: ",") {
            let text = part.trimmingCharacters(in: .whitespaces)
            guard let n = Int(text), n >= 0, n <= Int(Int32.max) else { throw fail("bad dimension '\(text)'") }
            shape.append(n)
        }
        let (count, overflow) = shape.reduce((1, false)) { acc, n in
            let (p, o) = acc.0.multipliedReportingOverflow(by: n)
            return (p, acc.1 || o)
        }
        let payloadStart = headerStart + headerLength
        guard !overflow, count <= (bytes.count - payloadStart) / kind.byteSize else {
            throw fail("\(shape) elements do not fit in the \(bytes.count - payloadStart) bytes after the header")
        }
        self.shape = shape
        self.kind = kind
        payload = data.subdata(in: payloadStart..<payloadStart + count * kind.byteSize)
    }

    /// The number of elements.
    public var count: Int { shape.reduce(1, *) }

    /// Every element as a Double.
    public func doubles() -> [Double] {
        payload.withUnsafeBytes { raw -> [Double] in
            switch kind {
            case .float32: return raw.loadAll(Float.self).map(Double.init)
            case .float64: return raw.loadAll(Double.self)
            case .int16: return raw.loadAll(Int16.self).map(Double.init)
            case .int32: return raw.loadAll(Int32.self).map(Double.init)
            case .int64: return raw.loadAll(Int64.self).map(Double.init)
            }
        }
    }

    /// Every element as a Float.
    public func floats() -> [Float] {
        kind == .float32 ? payload.withUnsafeBytes { $0.loadAll(Float.self) } : doubles().map(Float.init)
    }

    /// The text between `open` and `close` after `'key':` in a header dict.
    private static func field(_ key: String, in header: String, open: Character, close: Character) -> String? {
        guard let keyRange = header.range(of: "'\(key)':") else { return nil }
        let rest = header[keyRange.upperBound...]
        guard let start = rest.firstIndex(of: open) else { return nil }
        let afterOpen = rest.index(after: start)
        guard let end = rest[afterOpen...].firstIndex(of: close) else { return nil }
        return String(rest[afterOpen..<end])
    }
}

extension UnsafeRawBufferPointer {
    /// The buffer's bytes as little-endian values of `T`, unaligned loads allowed.
    fileprivate func loadAll<T: FixedWidthInteger>(_ type: T.Type) -> [T] {
        (0..<count / MemoryLayout<T>.size).map { T(littleEndian: loadUnaligned(fromByteOffset: $0 * MemoryLayout<T>.size, as: T.self)) }
    }

    fileprivate func loadAll(_ type: Float.Type) -> [Float] {
        loadAll(UInt32.self).map(Float.init(bitPattern:))
    }

    fileprivate func loadAll(_ type: Double.Type) -> [Double] {
        loadAll(UInt64.self).map(Double.init(bitPattern:))
    }
}
