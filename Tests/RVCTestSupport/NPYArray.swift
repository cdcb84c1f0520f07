import Foundation

/// A minimal reader for NumPy `.npy` files (version 1–3, little-endian, C order), used to load the
/// reference outputs of the parity fixtures.
public struct NPYArray: Sendable {
    /// The element types read: `descr` strings of little-endian floats and integers.
    public enum Kind: String, Sendable { case f4 = "<f4", f8 = "<f8", i2 = "<i2", i4 = "<i4", i8 = "<i8" }

    /// The file is not an `.npy` file this reader handles; the description names the file and why.
    public struct FormatError: Error, CustomStringConvertible {
        public let description: String
        public init(description: String) { self.description = description }
    }

    /// The array's dimensions, outermost first.
    public let shape: [Int]
    /// The element type.
    public let kind: Kind
    /// The raw little-endian elements, C order.
    public let payload: Data

    /// Reads the file at `url`.
    /// - Throws: `FormatError` for a file that is not `.npy`, is truncated, is in Fortran order or
    ///   has an element type other than `Kind`; the file system's error when it cannot be read.
    public init(contentsOf url: URL) throws {
        let data = try Data(contentsOf: url)
        let magic: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]
        guard data.count > 10, Array(data.prefix(6)) == magic else {
            throw FormatError(description: "\(url.lastPathComponent): not an .npy file")
        }
        let major = data[data.startIndex + 6]
        let headerLength: Int
        let headerStart: Int
        if major == 1 {
            headerLength = Int(data[8]) | Int(data[9]) << 8
            headerStart = 10
        } else {
            guard data.count > 12 else { throw FormatError(description: "\(url.lastPathComponent): truncated header") }
            headerLength = Int(data[8]) | Int(data[9]) << 8 | Int(data[10]) << 16 | Int(data[11]) << 24
            headerStart = 12
        }
        guard headerStart + headerLength <= data.count,
            let header = String(data: data[headerStart..<headerStart + headerLength], encoding: .ascii)
        else {
            throw FormatError(description: "\(url.lastPathComponent): unreadable header")
        }
        guard !header.contains("'fortran_order': True") else {
            throw FormatError(description: "\(url.lastPathComponent): Fortran order is not supported")
        }
        guard let descrRange = header.range(of: "'descr': '"),
            let descrEnd = header[descrRange.upperBound...].firstIndex(of: "'"),
            let kind = Kind(rawValue: String(header[descrRange.upperBound..<descrEnd]))
        else {
            throw FormatError(description: "\(url.lastPathComponent): unsupported dtype in \(header)")
        }
        guard let shapeStart = header.range(of: "'shape': ("),
            let shapeEnd = header[shapeStart.upperBound...].firstIndex(of: ")")
        else {
            throw FormatError(description: "\(url.lastPathComponent): no shape in \(header)")
        }
        shape = header[shapeStart.upperBound..<shapeEnd]
            .split(separator: ",")
            .compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        self.kind = kind
        payload = data.subdata(in: (headerStart + headerLength)..<data.count)
    }

    /// The number of elements (the product of `shape`; 1 for a scalar).
    public var count: Int { shape.reduce(1, *) }

    /// Every element converted to Double.
    public func doubles() -> [Double] {
        payload.withUnsafeBytes { raw -> [Double] in
            switch kind {
            case .f4: return raw.bindMemory(to: Float.self).prefix(count).map(Double.init)
            case .f8: return Array(raw.bindMemory(to: Double.self).prefix(count))
            case .i2: return raw.bindMemory(to: Int16.self).prefix(count).map(Double.init)
            case .i4: return raw.bindMemory(to: Int32.self).prefix(count).map(Double.init)
            case .i8: return raw.bindMemory(to: Int64.self).prefix(count).map(Double.init)
            }
        }
    }

    /// Every element converted to Float.
    public func floats() -> [Float] { doubles().map(Float.init) }
}
