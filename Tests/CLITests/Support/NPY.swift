import Foundation

/// A minimal reader for NumPy `.npy` files (version 1–3, little-endian, C order), used to load the
/// reference outputs of the parity fixtures.
struct NPYArray {
    enum Kind: String { case f4 = "<f4", f8 = "<f8", i2 = "<i2", i4 = "<i4", i8 = "<i8" }
    struct FormatError: Error, CustomStringConvertible {
        let description: String
    }

    let shape: [Int]
    let kind: Kind
    let payload: Data

    init(contentsOf url: URL) throws {
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
            headerLength = Int(data[8]) | Int(data[9]) << 8 | Int(data[10]) << 16 | Int(data[11]) << 24
            headerStart = 12
        }
        guard let header = String(data: data[headerStart..<headerStart + headerLength], encoding: .ascii) else {
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

    var count: Int { shape.reduce(1, *) }

    /// Every element converted to Double.
    func doubles() -> [Double] {
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
    func floats() -> [Float] { doubles().map(Float.init) }
}

/// Comparison metrics used by the parity tests.
enum Parity {
    /// max |a − b| / max |b| (the fixtures README's "relative" measure).
    static func relativeError(_ a: [Double], _ b: [Double]) -> Double {
        precondition(a.count == b.count, "length \(a.count) vs \(b.count)")
        var maxDiff = 0.0
        var maxRef = 0.0
        for i in 0..<a.count {
            maxDiff = max(maxDiff, abs(a[i] - b[i]))
            maxRef = max(maxRef, abs(b[i]))
        }
        return maxRef == 0 ? maxDiff : maxDiff / maxRef
    }

    /// Signal-to-noise ratio of `a` against the reference `b`, in dB.
    static func snr(_ a: [Double], reference b: [Double]) -> Double {
        precondition(a.count == b.count, "length \(a.count) vs \(b.count)")
        var signal = 0.0
        var noise = 0.0
        for i in 0..<a.count {
            signal += b[i] * b[i]
            noise += (a[i] - b[i]) * (a[i] - b[i])
        }
        if noise == 0 { return .infinity }
        return 10 * log10(signal / noise)
    }
}
