import Foundation

/// Writes small faiss `IndexIVFFlat` files byte by byte (reference-inference.md F.4), so tests can
/// make valid variants (sparse size encoding) and hostile ones without Python.
struct FaissFileBuilder {
    var dimension: Int32 = 2
    var metric: Int32 = 1
    var nprobe: UInt64 = 1
    var type = "IwFl"
    var quantizer = "IxF2"
    var sparse = false
    /// Centroids, one row per list.
    var centroids: [[Float]] = [[0, 0], [10, 10], [20, 20]]
    /// Per list: (id, vector).
    var lists: [[(Int64, [Float])]] = [[(2, [1, 1])], [], [(0, [11, 9]), (1, [9, 11])]]
    var ntotalOverride: Int64?
    var nlistOverride: UInt64?

    private static func le<T: FixedWidthInteger>(_ v: T) -> [UInt8] { withUnsafeBytes(of: v.littleEndian) { Array($0) } }
    private static func floats(_ v: [Float]) -> [UInt8] { v.flatMap { le($0.bitPattern) } }

    func bytes() -> [UInt8] {
        let nlist = nlistOverride ?? UInt64(centroids.count)
        let ntotal = ntotalOverride ?? Int64(lists.reduce(0) { $0 + $1.count })
        func header(_ n: Int64) -> [UInt8] {
            Self.le(dimension) + Self.le(n) + Self.le(Int64(1 << 20)) + Self.le(Int64(1 << 20)) + [1] + Self.le(metric)
        }
        var out = Array(type.utf8) + header(ntotal) + Self.le(nlist) + Self.le(nprobe)
        out += Array(quantizer.utf8) + header(Int64(centroids.count))
        let flat = centroids.flatMap { $0 }
        out += Self.le(UInt64(flat.count)) + Self.floats(flat)
        out += [0] + Self.le(UInt64(0))  // no direct map
        out += Array("ilar".utf8) + Self.le(UInt64(centroids.count)) + Self.le(UInt64(truncatingIfNeeded: Int(dimension) * 4))
        if sparse {
            let nonEmpty = lists.enumerated().filter { !$0.element.isEmpty }
            out += Array("sprs".utf8) + Self.le(UInt64(nonEmpty.count * 2))
            for (i, list) in nonEmpty { out += Self.le(UInt64(i)) + Self.le(UInt64(list.count)) }
        } else {
            out += Array("full".utf8) + Self.le(UInt64(lists.count))
            for list in lists { out += Self.le(UInt64(list.count)) }
        }
        for list in lists where !list.isEmpty {
            for (_, v) in list { out += Self.floats(v) }
            for (id, _) in list { out += Self.le(id) }
        }
        return out
    }
}
