/// The retrieval index of a voice model: an IVF-Flat index (faiss `IndexIVFFlat`, L2) held as
/// tensors on the model's device, searched with faiss's semantics and blended as the reference
/// pipeline does (reference-inference.md F.3, E.8 step 3).
///
/// Search: each query probes its `probeCount` nearest centroids (squared L2), then scans every
/// vector of those lists and keeps the `k` smallest squared-L2 distances, ascending. Missing
/// neighbours (fewer than `k` candidates) come back as id −1 with distance `Float.greatestFiniteMagnitude`
/// (FLT_MAX), as faiss does. Everything is vectorised: coarse distances by matmul (the direct
/// difference formula below 20 queries, as faiss's flat quantizer), candidate lists gathered with
/// masks, fine distances by the direct formula Σ(x−y)² (faiss's `fvec_L2sqr`), a stable sort for
/// the selection (among equal distances the earlier-scanned vector wins, as in faiss's heap).
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
    let listStarts: Tensor  // [nlist] int64
    let listSizes: Tensor  // [nlist] int64
    let maxListSize: Int

    /// Builds the index from its parts (as stored in a faiss file).
    /// - Parameters:
    ///   - dimension: D, > 0.
    ///   - centroids: `lists.count × dimension` floats, row-major.
    ///   - lists: the inverted lists in list order.
    ///   - probeCount: faiss `nprobe` (≥ 1; clamped to the list count as faiss does).
    ///   - device: where to keep the tensors.
    /// - Throws: ``FeatureIndexError/invalid(_:)`` when the parts do not fit together.
    public init(dimension: Int, centroids: [Float], lists: [List], probeCount: Int, device: Device = .cpu) throws {
        guard dimension > 0 else { throw FeatureIndexError.invalid("dimension \(dimension)") }
        guard !lists.isEmpty else { throw FeatureIndexError.invalid("no inverted lists") }
        guard centroids.count == lists.count * dimension else {
            throw FeatureIndexError.invalid("\(centroids.count) centroid values for \(lists.count) lists of dimension \(dimension)")
        }
        guard probeCount >= 1 else { throw FeatureIndexError.invalid("nprobe \(probeCount)") }
        var flatVectors: [Float] = []
        var flatIds: [Int64] = []
        var starts: [Int64] = []
        var sizes: [Int64] = []
        for (l, list) in lists.enumerated() {
            guard list.vectors.count == list.ids.count * dimension else {
                throw FeatureIndexError.invalid("list \(l) has \(list.ids.count) ids but \(list.vectors.count) values")
            }
            starts.append(Int64(flatIds.count))
            sizes.append(Int64(list.ids.count))
            flatIds += list.ids
            flatVectors += list.vectors
        }
        self.dimension = dimension
        count = flatIds.count
        listCount = lists.count
        self.probeCount = min(probeCount, lists.count)
        self.device = device
        maxListSize = Int(sizes.max() ?? 0)
        let c = try Tensor(centroids, shape: [lists.count, dimension]).to(device: device)
        self.centroids = c
        centroidNorms = try c.square().sum(dims: [1]).unsqueeze(0)
        // An index without vectors still searches (every neighbour missing): keep one zero row to gather from.
        vectors = flatIds.isEmpty
            ? try Tensor.zeros([1, dimension], device: device)
            : try Tensor(flatVectors, shape: [flatIds.count, dimension]).to(device: device)
        ids = flatIds.isEmpty ? try Tensor.full([1], value: -1, dtype: .int64, device: device) : try Tensor(flatIds).to(device: device)
        listStarts = try Tensor(starts).to(device: device)
        listSizes = try Tensor(sizes).to(device: device)
    }

    /// The `k` nearest stored vectors of each query, with faiss `IndexIVFFlat::search` semantics.
    /// - Parameter queries: [n, dimension] (converted to float32 and moved to ``device``).
    /// - Throws: ``FeatureIndexError`` for a wrong query shape; ``TorchError``.
    public func search(_ queries: Tensor, k: Int = FeatureIndex.retrievalNeighbours) throws -> Neighbours {
        let q = try checkedQueries(queries)
        let n = q.size(0)
        let probes = try nearestLists(q)
        let width = probeCount * max(maxListSize, 1)
        let chunk = max(1, Self.chunkElements / (width * dimension))
        var distances: [Tensor] = []
        var found: [Tensor] = []
        var positions: [Tensor] = []
        var start = 0
        while start < n {
            let length = min(chunk, n - start)
            let part = try scan(q.narrow(dim: 0, start: start, length: length), probes: probes.narrow(dim: 0, start: start, length: length), k: k)
            distances.append(part.distances)
            found.append(part.ids)
            positions.append(part.positions)
            start += length
        }
        if n == 0 {
            return Neighbours(
                distances: try Tensor.zeros([0, k], device: device),
                ids: try Tensor.zeros([0, k], dtype: .int64, device: device),
                positions: try Tensor.zeros([0, k], dtype: .int64, device: device))
        }
        return Neighbours(
            distances: try Tensor.cat(distances, dim: 0), ids: try Tensor.cat(found, dim: 0),
            positions: try Tensor.cat(positions, dim: 0))
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

    /// Brute force over the probed lists of a block of queries.
    private func scan(_ q: Tensor, probes: Tensor, k: Int) throws -> Neighbours {
        let n = q.size(0)
        let m = max(maxListSize, 1)
        let width = probeCount * m
        let flatProbes = try probes.reshape([-1])
        let starts = try listStarts.indexSelect(dim: 0, index: flatProbes).reshape([n, probeCount, 1])
        let sizes = try listSizes.indexSelect(dim: 0, index: flatProbes).reshape([n, probeCount, 1])
        let offsets = try Tensor.arange(0, Double(m), dtype: .int64, device: device).reshape([1, 1, m])
        let valid = try offsets.lt(sizes).reshape([n, width])
        let rawPositions = try (starts + offsets).reshape([n, width])
        let positions = try rawPositions.maskedFill(valid.logicalNot(), value: 0)
        let candidates = try vectors.indexSelect(dim: 0, index: positions.reshape([-1])).reshape([n, width, dimension])
        let all = try (candidates - q.unsqueeze(1)).square().sum(dims: [2]).maskedFill(valid.logicalNot(), value: .infinity)
        let kept = min(k, width)
        let order = try all.sort(dim: 1, descending: false, stable: true)
        let picked = try order.indices.narrow(dim: 1, start: 0, length: kept)
        let missing = try valid.gather(dim: 1, index: picked).logicalNot()
        var distances = try order.values.narrow(dim: 1, start: 0, length: kept)
            .maskedFill(missing, value: Double(Float.greatestFiniteMagnitude))
        var chosen = try positions.gather(dim: 1, index: picked)
        var found = try ids.indexSelect(dim: 0, index: chosen.reshape([-1])).reshape([n, kept]).maskedFill(missing, value: -1)
        chosen = try chosen.maskedFill(missing, value: 0)
        if kept < k {
            distances = try Tensor.cat([distances, Tensor.full([n, k - kept], value: Double(Float.greatestFiniteMagnitude), device: device)], dim: 1)
            found = try Tensor.cat([found, Tensor.full([n, k - kept], value: -1, dtype: .int64, device: device)], dim: 1)
            chosen = try Tensor.cat([chosen, Tensor.zeros([n, k - kept], dtype: .int64, device: device)], dim: 1)
        }
        return Neighbours(distances: distances, ids: found, positions: chosen)
    }
}
