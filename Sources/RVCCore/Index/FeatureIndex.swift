/// The retrieval index of a voice model: an IVF-Flat index (faiss `IndexIVFFlat`, L2) held as
/// tensors on the model's device, searched with faiss's semantics and blended as the reference
/// pipeline does (reference-inference.md F.3, E.8 step 3).
///
/// Search: each query probes its `probeCount` nearest centroids (squared L2), then scans every
/// vector of those lists and keeps the `k` smallest squared-L2 distances, ascending. Missing
/// neighbours (fewer than `k` candidates) come back as id −1 with distance `Float.greatestFiniteMagnitude`
/// (FLT_MAX), as faiss does. The work is tensor ops on ``device``: coarse distances by matmul (the
/// direct difference formula below 20 queries, as faiss's flat quantizer); in the fine step,
/// matmul distances pick 16 candidates per query whose distances are then recomputed exactly as
/// Σ(x−y)² (faiss's `fvec_L2sqr`) and ranked with a stable sort (among equal distances the
/// earlier-scanned vector wins, as in faiss's heap). On the CPU the queries are grouped by probed
/// list so that only those lists are scanned (one block of ops per probed list); on a GPU each
/// chunk of queries is compared with every vector under a list-membership mask.
public final class FeatureIndex: Sendable {
    /// One inverted list: the ids and the row-major vectors (`ids.count × dimension` floats).
    public struct List: Sendable {
        public var ids: [Int64]
        public var vectors: [Float]
        public init(ids: [Int64], vectors: [Float]) {
            self.ids = ids
            self.vectors = vectors
        }
    }

    /// The result of ``search(_:k:)``: both [n, k], on the index's device.
    public struct Neighbours: Sendable {
        /// Squared L2 distances, ascending per row; FLT_MAX for missing neighbours.
        public let distances: Tensor
        /// Vector ids (int64); −1 for missing neighbours.
        public let ids: Tensor
        /// Rows of the internal list-ordered matrix (0 for missing neighbours, whose weight is 0).
        let positions: Tensor
    }

    /// Neighbours the reference blends per frame (`index.search(npy, k=8)`).
    public static let retrievalNeighbours = 8
    /// faiss's flat quantizer switches from direct distances to the BLAS formulation at 20 queries
    /// (`distance_compute_blas_threshold`).
    static let blasThreshold = 20
    /// Elements per gathered candidate block, bounding the memory of one search chunk.
    static let chunkElements = 1 << 24

    /// Vector dimension D.
    public let dimension: Int
    /// Stored vectors (faiss `ntotal`).
    public let count: Int
    /// Inverted lists (faiss `nlist`).
    public let listCount: Int
    /// Lists probed per query (faiss `nprobe` as stored in the file, at most `listCount`).
    public let probeCount: Int
    /// Where the index lives and is searched.
    public let device: Device

    let centroids: Tensor  // [nlist, D]
    let centroidNorms: Tensor  // [1, nlist] squared norms
    let vectors: Tensor  // [ntotal, D], lists one after the other
    let ids: Tensor  // [ntotal] int64, same order
    let vectorNorms: Tensor  // [ntotal] squared norms
    let vectorLists: Tensor  // [ntotal] int64: the list of each row
    let listStarts: Tensor  // [nlist] int64
    let listSizes: Tensor  // [nlist] int64

    /// Builds the index from its parts (as stored in a faiss file).
    /// - Parameters:
    ///   - dimension: D, > 0.
    ///   - centroids: `lists.count × dimension` floats, row-major.
    ///   - lists: the inverted lists in list order.
    ///   - probeCount: faiss `nprobe` (≥ 1; clamped to the list count as faiss does).
    ///   - device: where to keep the tensors.
    /// - Throws: ``FeatureIndexError/invalid(_:)`` when the parts do not fit together.
    public convenience init(dimension: Int, centroids: [Float], lists: [List], probeCount: Int, device: Device = .cpu) throws {
        guard dimension > 0 else { throw FeatureIndexError.invalid("dimension \(dimension)") }
        var flatVectors: [Float] = []
        var flatIds: [Int64] = []
        for (l, list) in lists.enumerated() {
            guard list.vectors.count == list.ids.count * dimension else {
                throw FeatureIndexError.invalid("list \(l) has \(list.ids.count) ids but \(list.vectors.count) values")
            }
            flatIds += list.ids
            flatVectors += list.vectors
        }
        try self.init(
            dimension: dimension, centroids: centroids, vectors: flatVectors, ids: flatIds,
            listSizes: lists.map(\.ids.count), probeCount: probeCount, device: device)
    }

    /// Builds the index from its parts laid out as a faiss file holds them: every list's vectors
    /// (row-major) and ids one list after the other, and each list's size.
    /// - Throws: ``FeatureIndexError/invalid(_:)`` when the parts do not fit together.
    init(
        dimension: Int, centroids: [Float], vectors flatVectors: [Float], ids flatIds: [Int64], listSizes sizes: [Int],
        probeCount: Int, device: Device
    ) throws {
        guard dimension > 0 else { throw FeatureIndexError.invalid("dimension \(dimension)") }
        guard !sizes.isEmpty else { throw FeatureIndexError.invalid("no inverted lists") }
        guard centroids.count == sizes.count * dimension else {
            throw FeatureIndexError.invalid("\(centroids.count) centroid values for \(sizes.count) lists of dimension \(dimension)")
        }
        guard probeCount >= 1 else { throw FeatureIndexError.invalid("nprobe \(probeCount)") }
        guard sizes.allSatisfy({ $0 >= 0 }), sizes.reduce(0, +) == flatIds.count, flatVectors.count == flatIds.count * dimension else {
            throw FeatureIndexError.invalid(
                "\(flatIds.count) ids and \(flatVectors.count) values for lists of \(sizes.reduce(0, +)) vectors of dimension \(dimension)")
        }
        var starts: [Int64] = []
        starts.reserveCapacity(sizes.count)
        var start: Int64 = 0
        for size in sizes {
            starts.append(start)
            start += Int64(size)
        }
        self.dimension = dimension
        count = flatIds.count
        listCount = sizes.count
        self.probeCount = min(probeCount, sizes.count)
        self.device = device
        let c = try Tensor(centroids, shape: [sizes.count, dimension]).to(device: device)
        self.centroids = c
        centroidNorms = try c.square().sum(dims: [1]).unsqueeze(0)
        // An index without vectors still searches (every neighbour missing): keep one zero row to gather from.
        vectors = flatIds.isEmpty
            ? try Tensor.zeros([1, dimension], device: device)
            : try Tensor(flatVectors, shape: [flatIds.count, dimension]).to(device: device)
        ids = flatIds.isEmpty ? try Tensor.full([1], value: -1, dtype: .int64, device: device) : try Tensor(flatIds).to(device: device)
        vectorNorms = try vectors.square().sum(dims: [1])
        var rowLists: [Int64] = []
        rowLists.reserveCapacity(max(flatIds.count, 1))
        for (l, size) in sizes.enumerated() { rowLists += Array(repeating: Int64(l), count: size) }
        if rowLists.isEmpty { rowLists = [-1] }
        vectorLists = try Tensor(rowLists).to(device: device)
        listStarts = try Tensor(starts).to(device: device)
        listSizes = try Tensor(sizes.map(Int64.init)).to(device: device)
    }

    /// How the fine step is organised; both give the same neighbours.
    enum Strategy: Sendable {
        /// Queries grouped by probed list; each list's vectors are compared with its queries in
        /// one block (work proportional to the probed lists only; suits the CPU).
        case grouped
        /// Every query against every vector in one matmul per chunk, with a list-membership mask
        /// (more arithmetic, few kernel launches; suits a GPU).
        case dense
    }

    /// The `k` nearest stored vectors of each query, with faiss `IndexIVFFlat::search` semantics.
    /// - Parameter queries: [n, dimension] (converted to float32 and moved to ``device``).
    /// - Throws: ``FeatureIndexError`` for a wrong query shape; ``TorchError``.
    public func search(_ queries: Tensor, k: Int = FeatureIndex.retrievalNeighbours) throws -> Neighbours {
        try search(queries, k: k, strategy: device.isCUDA ? .dense : .grouped)
    }

    func search(_ queries: Tensor, k: Int, strategy: Strategy) throws -> Neighbours {
        let q = try checkedQueries(queries)
        guard k > 0 else { throw FeatureIndexError.invalid("k = \(k)") }
        let probes = try nearestLists(q)
        let (distances, positions) = strategy == .dense ? try denseScan(q, probes: probes, k: k) : try groupedScan(q, probes: probes, k: k)
        // Missing neighbours: +inf from the masks → (FLT_MAX, id −1, row 0).
        let missing = try distances.isFinite().logicalNot()
        let safePositions = try positions.maskedFill(missing, value: 0)
        let found = try ids.indexSelect(dim: 0, index: safePositions.reshape([-1])).reshape(distances.shape)
        return Neighbours(
            distances: try distances.maskedFill(missing, value: Double(Float.greatestFiniteMagnitude)),
            ids: try found.maskedFill(missing, value: -1),
            positions: safePositions)
    }

    /// The retrieved features of E.8 step 3, before mixing with `index_rate`: for each query, the
    /// sum over its 8 neighbours of vector·w with w = (1/d)² normalised per row (float32; row sum
    /// ((w0+w1)+(w2+w3))+((w4+w5)+(w6+w7)) and neighbour sum in order k = 0…7, as NumPy evaluates
    /// them in the reference).
    ///
    /// Two degenerate cases differ from the reference on purpose, where it produces NaN: a
    /// neighbour at distance 0 (or so close that (1/d)² overflows) gets all the weight (shared
    /// equally among such neighbours; the limit of the weighting), and a query with no neighbour at
    /// all (its probed list is empty) keeps its own features.
    /// - Parameter queries: [n, dimension] features; returns [n, dimension] float32 on ``device``.
    public func retrieve(_ queries: Tensor) throws -> Tensor {
        let q = try checkedQueries(queries)
        let k = Self.retrievalNeighbours
        let n = q.size(0)
        let neighbours = try search(q, k: k)
        var weights = try neighbours.distances.reciprocal().square()
        let overflow = try weights.isFinite().logicalNot()
        let anyOverflow = try overflow.any(dims: [1], keepDim: true)
        weights = try Tensor.where(anyOverflow, overflow.to(dtype: .float32), weights)
        func w(_ j: Int) throws -> Tensor { try weights.narrow(dim: 1, start: j, length: 1) }
        // NumPy's pairwise sum of 8 float32 values.
        let rowSum = try ((w(0) + w(1)) + (w(2) + w(3))) + ((w(4) + w(5)) + (w(6) + w(7)))
        weights = try weights / rowSum
        let gathered = try vectors.indexSelect(dim: 0, index: neighbours.positions.reshape([-1])).reshape([n, k, dimension])
        var blended = try gathered.narrow(dim: 1, start: 0, length: 1).squeeze(1) * weights.narrow(dim: 1, start: 0, length: 1)
        for j in 1..<k {
            blended = try blended + gathered.narrow(dim: 1, start: j, length: 1).squeeze(1) * weights.narrow(dim: 1, start: j, length: 1)
        }
        return try Tensor.where(rowSum.gt(0), blended, q)
    }

    // MARK: - Steps

    private func checkedQueries(_ queries: Tensor) throws -> Tensor {
        guard queries.rank == 2 else { throw FeatureIndexError.queryShape(queries.shape) }
        guard queries.size(1) == dimension else {
            throw FeatureIndexError.dimension(expected: dimension, actual: queries.size(1))
        }
        return try queries.to(dtype: .float32, device: device)
    }

    /// [n, probeCount] int64: the nearest centroids by squared L2, nearest first.
    private func nearestLists(_ q: Tensor) throws -> Tensor {
        let n = q.size(0)
        if listCount == 1 { return try Tensor.zeros([n, 1], dtype: .int64, device: device) }
        let distances: Tensor
        if n < Self.blasThreshold {
            distances = try (q.unsqueeze(1) - centroids.unsqueeze(0)).square().sum(dims: [2])
        } else {
            // ‖x‖² + ‖c‖² − 2⟨x, c⟩, clamped at 0, as faiss's BLAS path.
            let norms = try q.square().sum(dims: [1], keepDim: true)
            distances = try ((norms + centroidNorms) - q.matmul(centroids.transposed(0, 1)) * 2.0).clamp(min: 0)
        }
        return try distances.sort(dim: 1, descending: false, stable: true).indices.narrow(dim: 1, start: 0, length: probeCount)
    }

    /// Candidates kept from the matmul distances before the exact recomputation: k plus a margin
    /// that absorbs the matmul formula's rounding.
    static let candidateMargin = 8

    /// The `k` nearest of `base` rows [s, D] for each query [c, D]: matmul distances pick
    /// k + margin candidates (restricted by `allowed` [c, s] when given), which are then ranked by
    /// the exact Σ(x−y)², ties going to the lower row (faiss scans lists in order). Returns
    /// distances [c, min(k, s)] (+inf where not allowed) and rows into `base`.
    private func nearest(_ q: Tensor, base: Tensor, baseNorms: Tensor, allowed: Tensor?, k: Int) throws -> (Tensor, Tensor) {
        let s = base.size(0)
        let kept = min(k + Self.candidateMargin, s)
        var approximate = try baseNorms.unsqueeze(0) - q.matmul(base.transposed(0, 1)) * 2.0
        if let allowed { approximate = try approximate.maskedFill(allowed.logicalNot(), value: .infinity) }
        let candidates = try approximate.topk(kept, dim: 1, largest: false, sorted: false).indices.sort(dim: 1).values
        let c = q.size(0)
        let vectors = try base.indexSelect(dim: 0, index: candidates.reshape([-1])).reshape([c, kept, dimension])
        var exact = try (vectors - q.unsqueeze(1)).square().sum(dims: [2])
        if let allowed { exact = try exact.maskedFill(allowed.gather(dim: 1, index: candidates).logicalNot(), value: .infinity) }
        let order = try exact.sort(dim: 1, descending: false, stable: true)
        let take = min(k, kept)
        return (
            try order.values.narrow(dim: 1, start: 0, length: take),
            try candidates.gather(dim: 1, index: order.indices.narrow(dim: 1, start: 0, length: take))
        )
    }

    /// Pads [c, m] results to k columns with missing entries.
    private func padded(_ distances: Tensor, _ positions: Tensor, k: Int) throws -> (Tensor, Tensor) {
        let c = distances.size(0)
        let m = distances.size(1)
        guard m < k else { return (distances, positions) }
        return (
            try Tensor.cat([distances, Tensor.full([c, k - m], value: .infinity, device: device)], dim: 1),
            try Tensor.cat([positions, Tensor.zeros([c, k - m], dtype: .int64, device: device)], dim: 1)
        )
    }

    /// Merges per-probe results [n, probes·k] (probe order = scan order) into the k best per query.
    private func merged(_ distances: Tensor, _ positions: Tensor, n: Int, k: Int) throws -> (Tensor, Tensor) {
        guard probeCount > 1 else { return (distances, positions) }
        let d = try distances.reshape([n, probeCount * k])
        let p = try positions.reshape([n, probeCount * k])
        let order = try d.sort(dim: 1, descending: false, stable: true).indices.narrow(dim: 1, start: 0, length: k)
        return (try d.gather(dim: 1, index: order), try p.gather(dim: 1, index: order))
    }

    /// Fine step, grouped: (query, probe) rows sorted by list, one block per probed list.
    private func groupedScan(_ q: Tensor, probes: Tensor, k: Int) throws -> (Tensor, Tensor) {
        let n = q.size(0)
        let rows = n * probeCount
        guard rows > 0 else {
            return (try Tensor.zeros([0, k], device: device), try Tensor.zeros([0, k], dtype: .int64, device: device))
        }
        let lists = try probes.reshape([-1])
        let permutation = try lists.sort(dim: 0, descending: false, stable: true).indices
        let sortedLists = try lists.indexSelect(dim: 0, index: permutation).toArray(Int64.self)
        let queryOfRow = try permutation.floorDivide(Double(probeCount))
        let sortedQueries = try q.indexSelect(dim: 0, index: queryOfRow)
        let starts = try listStarts.toArray(Int64.self)
        let sizes = try listSizes.toArray(Int64.self)
        var distances: [Tensor] = []
        var positions: [Tensor] = []
        var runStart = 0
        while runStart < rows {
            let list = Int(sortedLists[runStart])
            var runEnd = runStart + 1
            while runEnd < rows && sortedLists[runEnd] == sortedLists[runStart] { runEnd += 1 }
            let size = Int(sizes[list])
            let start = Int(starts[list])
            // Bound the [block, size] distance matrix of very popular lists.
            let block = max(1, Self.chunkElements / max(size, 1))
            var a = runStart
            while a < runEnd {
                let c = min(block, runEnd - a)
                if size == 0 {
                    distances.append(try Tensor.full([c, k], value: .infinity, device: device))
                    positions.append(try Tensor.zeros([c, k], dtype: .int64, device: device))
                } else {
                    let (d, p) = try nearest(
                        sortedQueries.narrow(dim: 0, start: a, length: c),
                        base: vectors.narrow(dim: 0, start: start, length: size),
                        baseNorms: vectorNorms.narrow(dim: 0, start: start, length: size), allowed: nil, k: k)
                    let (dp, pp) = try padded(d, p + Double(start), k: k)
                    distances.append(dp)
                    positions.append(pp)
                }
                a += c
            }
            runStart = runEnd
        }
        // Back from list order to (query, probe) order.
        let inverse = try permutation.sort(dim: 0).indices
        let d = try Tensor.cat(distances, dim: 0).indexSelect(dim: 0, index: inverse)
        let p = try Tensor.cat(positions, dim: 0).indexSelect(dim: 0, index: inverse)
        return try merged(d, p, n: n, k: k)
    }

    /// Fine step, dense: each chunk of queries against all vectors, masked to the probed lists.
    private func denseScan(_ q: Tensor, probes: Tensor, k: Int) throws -> (Tensor, Tensor) {
        let n = q.size(0)
        let chunk = max(1, Self.chunkElements / max(count, 1))
        var distances: [Tensor] = []
        var positions: [Tensor] = []
        var start = 0
        while start < n {
            let c = min(chunk, n - start)
            let block = try q.narrow(dim: 0, start: start, length: c)
            for probe in 0..<probeCount {
                let list = try probes.narrow(dim: 0, start: start, length: c).narrow(dim: 1, start: probe, length: 1)
                let allowed = try vectorLists.unsqueeze(0).eq(list)
                let (d, p) = try nearest(block, base: vectors, baseNorms: vectorNorms, allowed: allowed, k: k)
                let (dp, pp) = try padded(d, p, k: k)
                distances.append(dp)
                positions.append(pp)
            }
            start += c
        }
        guard !distances.isEmpty else {
            return (try Tensor.zeros([0, k], device: device), try Tensor.zeros([0, k], dtype: .int64, device: device))
        }
        // Chunks hold their probes side by side: [c, k] per probe → [c, probes·k] → merge.
        var d: [Tensor] = []
        var p: [Tensor] = []
        for i in stride(from: 0, to: distances.count, by: probeCount) {
            d.append(try Tensor.cat(Array(distances[i..<(i + probeCount)]), dim: 1))
            p.append(try Tensor.cat(Array(positions[i..<(i + probeCount)]), dim: 1))
        }
        return try merged(Tensor.cat(d, dim: 0), Tensor.cat(p, dim: 0), n: n, k: k)
    }
}
