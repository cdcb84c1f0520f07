import Foundation
import RVCCore

/// Writes a faiss `IndexIVFFlat` file with an L2 flat quantizer, byte for byte in the layout
/// `faiss::write_index` produces (reference-inference.md F.4), so that ``FaissIndexFile`` and faiss
/// itself read it.
///
/// Used to make full-size indexes for benchmarks and files for tests; the clustering is the
/// caller's (see ``assignToNearestCentroids(vectors:centroids:dimension:)``).
public struct FaissIndexWriter: Sendable {
    /// The number of probed lists written in the header (RVC files use 1).
    public var nprobe: Int

    public init(nprobe: Int = 1) {
        self.nprobe = nprobe
    }

    /// Writes `vectors` (row-major, `dimension` floats each, ids 0…n−1 in that order) into the lists
    /// given by `assignment` (a list number per vector) under `centroids` (row-major, nlist × d).
    /// - Throws: ``IndexFileError/invalid(file:field:message:)`` for inconsistent sizes,
    ///   ``IndexFileError/io(file:message:)`` when the file cannot be written.
    public func write(
        centroids: [Float], vectors: [Float], assignment: [Int], dimension d: Int, to url: URL
    ) throws {
        let path = url.path
        func invalid(_ field: String, _ message: String) -> IndexFileError {
            .invalid(file: path, field: field, message: message)
        }
        guard d > 0, centroids.count % d == 0, !centroids.isEmpty else {
            throw invalid("centroids", "\(centroids.count) floats are not a whole number of \(d)-d centroids")
        }
        guard vectors.count % d == 0 else {
            throw invalid("vectors", "\(vectors.count) floats are not a whole number of \(d)-d vectors")
        }
        let nlist = centroids.count / d
        let ntotal = vectors.count / d
        guard assignment.count == ntotal else {
            throw invalid("assignment", "\(assignment.count) list numbers for \(ntotal) vectors")
        }
        guard nprobe >= 1, nprobe <= nlist else { throw invalid("nprobe", "\(nprobe) is not in 1...\(nlist)") }
        var members = [[Int]](repeating: [], count: nlist)
        for (row, list) in assignment.enumerated() {
            guard (0..<nlist).contains(list) else { throw invalid("assignment", "list \(list) of vector \(row) ≥ nlist \(nlist)") }
            members[list].append(row)
        }

        var out = [UInt8]()
        out.reserveCapacity(64 + 4 * centroids.count + (4 * d + 8) * ntotal + 8 * nlist)
        out.fourcc("IwFl")
        out.indexHeader(d: d, ntotal: ntotal)
        out.u64(UInt64(nlist))
        out.u64(UInt64(nprobe))
        out.fourcc("IxF2")
        out.indexHeader(d: d, ntotal: nlist)
        out.u64(UInt64(centroids.count))
        out.floats(centroids[...])
        out.append(0)  // direct map: none
        out.u64(0)
        out.fourcc("ilar")
        out.u64(UInt64(nlist))
        out.u64(UInt64(d * 4))
        out.fourcc("full")
        out.u64(UInt64(nlist))
        for list in members { out.u64(UInt64(list.count)) }
        for list in members where !list.isEmpty {
            for row in list { out.floats(vectors[(row * d)..<((row + 1) * d)]) }
            for row in list { out.u64(UInt64(bitPattern: Int64(row))) }
        }
        do {
            try Data(out).write(to: url, options: .atomic)
        } catch {
            throw IndexFileError.io(file: path, message: error.localizedDescription)
        }
    }

    /// The nearest centroid (L2) of every vector, computed with one matrix product per block of rows.
    /// - Throws: ``TorchError`` from the tensor operations.
    public static func assignToNearestCentroids(vectors: [Float], centroids: [Float], dimension d: Int) throws -> [Int] {
        let c = try Tensor(centroids, shape: [centroids.count / d, d])
        let cNorm = try (c * c).sum(dims: [1])
        var result = [Int]()
        result.reserveCapacity(vectors.count / d)
        let block = 4096
        var start = 0
        let n = vectors.count / d
        while start < n {
            let rows = min(block, n - start)
            let x = try Tensor(Array(vectors[(start * d)..<((start + rows) * d)]), shape: [rows, d])
            // |x − c|² = |x|² − 2 x·c + |c|²; |x|² does not change the nearest centroid.
            // argmin of |c|² − 2 x·c is the argmax of 2 x·c − |c|².
            let scores = try (try x.matmul(c.transposed(0, 1)) * 2.0) - cNorm.unsqueeze(0)
            result += try scores.argmax(dim: 1).toArray(Int64.self).map { Int($0) }
            start += rows
        }
        return result
    }
}

private extension [UInt8] {
    mutating func fourcc(_ s: String) { append(contentsOf: Array(s.utf8)) }
    mutating func u64(_ v: UInt64) { Swift.withUnsafeBytes(of: v.littleEndian) { append(contentsOf: $0) } }
    mutating func i64(_ v: Int64) { Swift.withUnsafeBytes(of: v.littleEndian) { append(contentsOf: $0) } }
    mutating func i32(_ v: Int32) { Swift.withUnsafeBytes(of: v.littleEndian) { append(contentsOf: $0) } }
    mutating func floats(_ values: ArraySlice<Float>) {
        #if _endian(little)
        values.withUnsafeBytes { append(contentsOf: $0) }
        #else
        for v in values { Swift.withUnsafeBytes(of: v.bitPattern.littleEndian) { append(contentsOf: $0) } }
        #endif
    }

    /// d, ntotal, the two dummy int64 (1 << 20), is_trained, metric L2.
    mutating func indexHeader(d: Int, ntotal: Int) {
        i32(Int32(d))
        i64(Int64(ntotal))
        i64(1 << 20)
        i64(1 << 20)
        append(1)
        i32(1)
    }
}
