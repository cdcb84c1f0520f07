import Foundation

/// A faiss `IndexIVFFlat` file as RVC writes it (`added_IVF…_Flat_….index`, reference-inference.md
/// F.4): a flat coarse quantizer with `nlist` centroids and, per inverted list, the ids and raw
/// float32 vectors stored in it.
///
/// Every declared size is checked against the file length before anything is allocated, so a
/// hostile header cannot make the reader allocate more than the file could hold.
public struct FaissIndexFile: Sendable {
    /// Distance metric (faiss `MetricType`).
    public enum Metric: Sendable, Equatable, CustomStringConvertible {
        case innerProduct
        case l2
        /// Any other faiss metric, by number.
        case other(Int32)

        init(_ raw: Int32) {
            switch raw {
            case 0: self = .innerProduct
            case 1: self = .l2
            default: self = .other(raw)
            }
        }

        public var description: String {
            switch self {
            case .innerProduct: return "inner_product"
            case .l2: return "L2"
            case .other(let n): return "metric \(n)"
            }
        }
    }

    /// What the start of the file says, read without the vectors (for `rvc inspect`).
    public struct Header: Sendable, Equatable {
        /// The index type fourcc ("IwFl").
        public let type: String
        /// The quantizer type fourcc ("IxF2", "IxFI" or "IxFl").
        public let quantizerType: String
        /// Vector dimension (256 for v1 models, 768 for v2).
        public let dimension: Int
        /// Number of stored vectors.
        public let ntotal: Int
        public let metric: Metric
        /// Number of inverted lists (k-means cells).
        public let nlist: Int
        /// Lists probed per query, as stored (RVC stores 1).
        public let nprobe: Int
    }

    /// The file it was read from.
    public let url: URL
    public let header: Header
    /// Centroids, row-major `[nlist × dimension]`.
    public let centroids: [Float]
    /// Number of vectors in each list, `[nlist]`.
    public let listSizes: [Int]
    /// Index in ``ids`` (and row in ``vectors``) where each list starts, `[nlist]`.
    public let listStarts: [Int]
    /// The ids of all stored vectors, list after list.
    public let ids: [Int64]
    /// All stored vectors, row-major `[ntotal × dimension]`, list after list (row i has id `ids[i]`).
    public let vectors: [Float]

    public var dimension: Int { header.dimension }
    public var ntotal: Int { header.ntotal }
    public var metric: Metric { header.metric }
    public var nlist: Int { header.nlist }
    public var nprobe: Int { header.nprobe }

    /// The ids and vectors (row-major `[count × dimension]`) of inverted list `list`.
    public func list(_ list: Int) -> (ids: ArraySlice<Int64>, vectors: ArraySlice<Float>) {
        let start = listStarts[list], count = listSizes[list]
        return (ids[start..<(start + count)], vectors[(start * dimension)..<((start + count) * dimension)])
    }

    /// All stored vectors in id order, row-major `[ntotal × dimension]` (faiss `reconstruct_n(0, ntotal)`).
    /// - Throws: ``IndexFileError/invalid(file:field:message:)`` when the ids are not a permutation of
    ///   `0..<ntotal`.
    public func reconstructAll() throws -> [Float] {
        let d = dimension
        var out = [Float](repeating: 0, count: ntotal * d)
        var seen = [Bool](repeating: false, count: ntotal)
        try out.withUnsafeMutableBufferPointer { dst in
            try vectors.withUnsafeBufferPointer { src in
                for (row, id) in ids.enumerated() {
                    guard id >= 0, id < Int64(ntotal), !seen[Int(id)] else {
                        throw IndexFileError.invalid(
                            file: url.path, field: "ids",
                            message: "id \(id) is out of range or repeated; expected a permutation of 0..<\(ntotal)")
                    }
                    seen[Int(id)] = true
                    let target = dst.baseAddress! + Int(id) * d
                    target.update(from: src.baseAddress! + row * d, count: d)
                }
            }
        }
        return out
    }

    /// The fourccs of the index and quantizer types that are read.
    static let ivfFlat = "IwFl"
    static let flatQuantizers: Set<String> = ["IxF2", "IxFI", "IxFl"]

    /// Largest index file ``load(_:maxBytes:)`` reads by default: 2 GiB. The vectors are copied into
    /// memory (and again into the search structures), so this bounds what one index can cost; RVC
    /// indexes are tens to a few hundred MB.
    public static let defaultMaxBytes = 2 << 30

    /// Reads an `IndexIVFFlat` file of at most `maxBytes` bytes.
    /// - Throws: ``IndexFileError`` naming the file: ``IndexFileError/tooLarge(file:bytes:limit:)``
    ///   over `maxBytes`, unsupported types by fourcc, truncation, inconsistent sizes.
    public static func load(_ url: URL, maxBytes: Int = defaultMaxBytes) throws -> FaissIndexFile {
        let file = try map(url)
        guard file.count <= maxBytes else {
            throw IndexFileError.tooLarge(file: url.path, bytes: file.count, limit: maxBytes)
        }
        var parser = Parser(bytes: file.bytes, path: url.path)
        let header = try parser.header()
        let body = try parser.body(header)
        return FaissIndexFile(
            url: url, header: header, centroids: body.centroids, listSizes: body.sizes, listStarts: body.starts,
            ids: body.ids, vectors: body.vectors)
    }

    /// Reads only the header (type, dimension, ntotal, metric, nlist, nprobe).
    public static func readHeader(_ url: URL) throws -> Header {
        let file = try map(url)
        var parser = Parser(bytes: file.bytes, path: url.path)
        return try parser.header()
    }

    private static func map(_ url: URL) throws -> MappedFile {
        do {
            return try MappedFile(url)
        } catch let CheckpointError.io(file, message) {
            throw IndexFileError.io(file: file, message: message)
        }
    }

    /// The sequential reader of the faiss format.
    private struct Parser {
        var reader: ByteReader
        let path: String

        init(bytes: UnsafeRawBufferPointer, path: String) {
            reader = ByteReader(bytes)
            self.path = path
        }

        private func invalid(_ field: String, _ message: String) -> IndexFileError {
            .invalid(file: path, field: field, message: message)
        }

        private mutating func read<T>(_ what: String, _ body: (inout ByteReader) throws -> T) throws -> T {
            do {
                return try body(&reader)
            } catch let error as ByteReader.OutOfBounds {
                throw IndexFileError.truncated(file: path, offset: error.offset, what: what)
            }
        }

        private mutating func fourcc(_ what: String) throws -> String {
            let bytes = try read(what) { try Array($0.slice(4)) }
            return String(bytes.map { (32...126).contains($0) ? Character(Unicode.Scalar($0)) : "?" })
        }

        /// A uint64 count that must fit the remaining bytes at `elementSize` bytes each.
        private mutating func count(_ what: String, elementSize: Int) throws -> Int {
            let raw = try read(what) { try $0.u64() }
            guard raw <= UInt64(reader.remaining / max(elementSize, 1)) else {
                throw IndexFileError.truncated(file: path, offset: reader.offset, what: "\(what) (\(raw) elements)")
            }
            return Int(raw)
        }

        /// The common index header: (d, ntotal, metric).
        private mutating func indexHeader(_ scope: String) throws -> (Int, Int, Metric) {
            let d = try read("\(scope) dimension") { Int(try $0.i32()) }
            let ntotal = try read("\(scope) ntotal") { Int(try $0.i64()) }
            try read("\(scope) header") { try $0.skip(16 + 1) }  // two dummy int64, is_trained
            let metric = try read("\(scope) metric") { try $0.i32() }
            if metric > 1 { try read("\(scope) metric_arg") { try $0.skip(4) } }
            // 65536 is far above any embedding width; it keeps d·count products from overflowing.
            guard d > 0, d <= 65536 else { throw invalid("\(scope).d", "dimension \(d) is not in 1...65536") }
            guard ntotal >= 0 else { throw invalid("\(scope).ntotal", "negative count \(ntotal)") }
            return (d, ntotal, Metric(metric))
        }

        mutating func header() throws -> Header {
            let type = try fourcc("index type")
            guard type == FaissIndexFile.ivfFlat else { throw IndexFileError.unsupportedType(file: path, fourcc: type) }
            let (d, ntotal, metric) = try indexHeader("index")
            let nlist = try read("nlist") { try $0.u64() }
            let nprobe = try read("nprobe") { try $0.u64() }
            // Each list needs at least a centroid (d floats) in the file.
            guard nlist >= 1, nlist <= UInt64(reader.remaining / (4 * d)) else {
                throw invalid("nlist", "\(nlist) lists cannot fit in the file")
            }
            guard nprobe >= 1, nprobe <= nlist else { throw invalid("nprobe", "\(nprobe) is not in 1...\(nlist)") }
            guard ntotal <= reader.remaining / (4 * d + 8) else {
                throw invalid("ntotal", "\(ntotal) vectors of dimension \(d) cannot fit in the file")
            }
            let quantizer = try fourcc("quantizer type")
            guard FaissIndexFile.flatQuantizers.contains(quantizer) else {
                throw IndexFileError.unsupportedType(file: path, fourcc: quantizer)
            }
            return Header(
                type: type, quantizerType: quantizer, dimension: d, ntotal: ntotal, metric: metric,
                nlist: Int(nlist), nprobe: Int(nprobe))
        }

        struct Body {
            var centroids: [Float]
            var sizes: [Int]
            var starts: [Int]
            var ids: [Int64]
            var vectors: [Float]
        }

        private mutating func floats(_ count: Int, _ what: String) throws -> [Float] {
            try read(what) { r in
                let raw = try r.slice(count * 4)
                return [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
                    if let target = buffer.baseAddress { Self.copyFloats(raw, to: target) }
                    initialized = count
                }
            }
        }

        /// Copies little-endian float32 values (at any alignment) to `target`: one block copy on
        /// little-endian hosts (an index's vectors are most of its file: 126 MB for 41 k × 768).
        private static func copyFloats(_ raw: UnsafeRawBufferPointer, to target: UnsafeMutablePointer<Float>) {
            #if _endian(little)
            if let source = raw.baseAddress { UnsafeMutableRawPointer(target).copyMemory(from: source, byteCount: raw.count) }
            #else
            for i in 0..<(raw.count / 4) {
                target[i] = Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: i * 4, as: UInt32.self)))
            }
            #endif
        }

        /// Everything after the quantizer fourcc (which ``header()`` consumed).
        mutating func body(_ h: Header) throws -> Body {
            let d = h.dimension
            let (qd, qn, _) = try indexHeader("quantizer")
            guard qd == d, qn == h.nlist else {
                throw invalid("quantizer", "holds \(qn) centroids of dimension \(qd), expected \(h.nlist) of \(d)")
            }
            let floatCount = try count("centroids", elementSize: 4)
            guard floatCount == h.nlist * d else {
                throw invalid("centroids", "\(floatCount) floats, expected nlist × d = \(h.nlist * d)")
            }
            let centroids = try floats(floatCount, "centroids")

            let mapType = try read("direct map type") { try $0.u8() }
            guard mapType <= 2 else { throw invalid("direct_map", "unknown type \(mapType)") }
            let mapCount = try count("direct map", elementSize: 8)
            try read("direct map") { try $0.skip(mapCount * 8) }
            if mapType == 2 {
                let pairs = try count("direct map hashtable", elementSize: 16)
                try read("direct map hashtable") { try $0.skip(pairs * 16) }
            }

            let listsType = try fourcc("inverted lists type")
            if listsType == "il00" {
                guard h.ntotal == 0 else { throw invalid("invlists", "no lists stored but ntotal is \(h.ntotal)") }
                return Body(
                    centroids: centroids, sizes: Array(repeating: 0, count: h.nlist),
                    starts: Array(repeating: 0, count: h.nlist), ids: [], vectors: [])
            }
            guard listsType == "ilar" else { throw IndexFileError.unsupportedType(file: path, fourcc: listsType) }
            let listCount = try read("inverted lists nlist") { try $0.u64() }
            guard listCount == UInt64(h.nlist) else {
                throw invalid("invlists.nlist", "\(listCount), expected \(h.nlist)")
            }
            let codeSize = try read("code_size") { try $0.u64() }
            guard codeSize == UInt64(d * 4) else {
                throw invalid("invlists.code_size", "\(codeSize), expected d × 4 = \(d * 4) for IVFFlat")
            }
            var sizes = [Int](repeating: 0, count: h.nlist)
            let encoding = try fourcc("list size encoding")
            switch encoding {
            case "full":
                let n = try count("list sizes", elementSize: 8)
                guard n == h.nlist else { throw invalid("invlists.sizes", "\(n) sizes for \(h.nlist) lists") }
                for i in 0..<n { sizes[i] = try listSize("list sizes") }
            case "sprs":
                let n = try count("sparse list sizes", elementSize: 8)
                guard n % 2 == 0 else { throw invalid("invlists.sizes", "odd sparse size vector") }
                for _ in 0..<(n / 2) {
                    let list = try read("sparse list sizes") { try $0.u64() }
                    let size = try listSize("sparse list sizes")
                    guard list < UInt64(h.nlist) else { throw invalid("invlists.sizes", "list \(list) ≥ nlist \(h.nlist)") }
                    sizes[Int(list)] = size
                }
            default:
                throw IndexFileError.unsupportedType(file: path, fourcc: encoding)
            }
            var total = 0
            for s in sizes {
                total += s
                guard total <= h.ntotal else { break }
            }
            guard total == h.ntotal else {
                throw invalid("invlists.sizes", "lists hold \(total > h.ntotal ? "more than" : "\(total)") vectors, ntotal is \(h.ntotal)")
            }
            guard total <= reader.remaining / (d * 4 + 8) else {
                throw IndexFileError.truncated(file: path, offset: reader.offset, what: "\(total) stored vectors")
            }
            var starts = [Int](repeating: 0, count: h.nlist)
            var ids = [Int64]()
            ids.reserveCapacity(total)
            // Each list's codes go straight to their rows (no array per list, nothing zeroed first).
            let vectors = try [Float](unsafeUninitializedCapacity: total * d) { buffer, initialized in
                for (list, size) in sizes.enumerated() {
                    starts[list] = ids.count
                    guard size > 0 else { continue }
                    let codes = try read("codes of list \(list)") { try $0.slice(size * d * 4) }
                    if let base = buffer.baseAddress { Self.copyFloats(codes, to: base + ids.count * d) }
                    ids += try read("ids of list \(list)") { r in
                        let raw = try r.slice(size * 8)
                        return (0..<size).map { Int64(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 8, as: Int64.self)) }
                    }
                }
                initialized = total * d
            }
            return Body(centroids: centroids, sizes: sizes, starts: starts, ids: ids, vectors: vectors)
        }

        /// A list size (uint64) bounded by what the rest of the file can hold.
        private mutating func listSize(_ what: String) throws -> Int {
            let raw = try read(what) { try $0.u64() }
            guard raw <= UInt64(reader.remaining) else { throw invalid("invlists.sizes", "list size \(raw) exceeds the file") }
            return Int(raw)
        }
    }
}
