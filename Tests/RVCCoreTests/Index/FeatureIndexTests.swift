import Foundation
import RVCBench
import RVCTestSupport
import Testing
@testable import RVCCore

@Suite("Feature index search and retrieval")
struct FeatureIndexTests {
    static let flagMissing = Double(Float.greatestFiniteMagnitude)

    /// Plain-Swift (Double) IVF-Flat search: nearest centroid, brute force over its list, the k
    /// smallest squared distances in scan order for ties, padded with (−1, FLT_MAX).
    static func bruteForce(_ query: [Double], _ file: FaissIndexFile, k: Int = 8) -> [(id: Int64, distance: Double)] {
        let d = file.dimension
        func distance(_ v: ArraySlice<Float>) -> Double {
            zip(query, v).reduce(0) { $0 + ($1.0 - Double($1.1)) * ($1.0 - Double($1.1)) }
        }
        let centroidDistances = (0..<file.nlist).map { distance(file.centroids[($0 * d)..<(($0 + 1) * d)]) }
        let nearest = centroidDistances.indices.min { centroidDistances[$0] < centroidDistances[$1] } ?? 0
        let list = file.list(nearest)
        let ids = Array(list.ids)
        let vectors = Array(list.vectors)
        let scored = ids.indices.map { (id: ids[$0], distance: distance(vectors[($0 * d)..<(($0 + 1) * d)])) }
        let sorted = scored.enumerated().sorted { ($0.element.distance, $0.offset) < ($1.element.distance, $1.offset) }.map(\.element)
        return Array(sorted.prefix(k)) + Array(repeating: (id: -1, distance: flagMissing), count: max(0, k - sorted.count))
    }

    static func rows(_ name: String, _ range: Range<Int>) throws -> (Tensor, [[Double]]) {
        let hubert = try NPYArray(contentsOf: Fixtures.parity("\(name)_seg0_hubert.npy"))
        let d = hubert.shape[2]
        let all = hubert.doubles()
        let rows = range.map { Array(all[($0 * d)..<(($0 + 1) * d)]) }
        return (try Tensor(rows.flatMap { $0.map(Float.init) }, shape: [range.count, d]), rows)
    }

    @Test(
        "fixture neighbours equal a brute-force Double search",
        arguments: [("v2_48k_f0", 0..<5), ("v2_48k_f0", 60..<100), ("v1_40k_f0", 0..<7), ("v1_40k_f0", 200..<249)])
    func neighboursMatchBruteForce(name: String, range: Range<Int>) throws {
        let parts = try FixtureModels.indexFile(name)
        let index = try FixtureModels.index(name)
        let (queries, rows) = try Self.rows(name, range)
        for strategy in [FeatureIndex.Strategy.grouped, .dense] {
        let result = try index.search(queries, k: 8, strategy: strategy)
        #expect(result.distances.shape == [range.count, 8])
        let ids = try result.ids.toArray(Int64.self)
        let distances = try result.distances.toArray(Float.self)
        var missing = 0
        for (r, row) in rows.enumerated() {
            let expected = Self.bruteForce(row, parts)
            #expect(Array(ids[(r * 8)..<(r * 8 + 8)]) == expected.map(\.id), "query \(range.lowerBound + r)")
            for j in 0..<8 {
                let got = Double(distances[r * 8 + j])
                let want = expected[j].distance
                #expect(abs(got - want) <= 1e-5 * max(want, 1), "query \(range.lowerBound + r) neighbour \(j): \(got) vs \(want)")
                if expected[j].id < 0 { missing += 1 }
            }
        }
        // Frames 82 and 83 of this case probe lists holding fewer than 8 vectors.
        if name == "v2_48k_f0" && range.contains(82) { #expect(missing > 0) }
        }
    }

    /// Two lists in 2-D: list 0 holds 3 vectors, so a query near centroid 0 gets 3 neighbours and
    /// five (−1, FLT_MAX) entries.
    static func smallIndex(emptyList: Bool = false) throws -> FeatureIndex {
        let near = FeatureIndex.List(ids: [10, 11, 12], vectors: [0.1, 0, 0, 0.2, -0.3, 0])
        var farVectors: [Float] = []
        for i in 0..<10 { farVectors += [Float(10 + i), 10] }
        let far = FeatureIndex.List(ids: Array(20..<30), vectors: farVectors)
        let empty = FeatureIndex.List(ids: [], vectors: [])
        return try FeatureIndex(
            dimension: 2, centroids: [0, 0, 12, 10, -50, -50], lists: [near, far, emptyList ? empty : far], probeCount: 1)
    }

    @Test("a list with fewer than 8 vectors pads with id −1 and distance FLT_MAX", arguments: [FeatureIndex.Strategy.grouped, .dense])
    func shortListIsPadded(strategy: FeatureIndex.Strategy) throws {
        let index = try Self.smallIndex()
        let result = try index.search(Tensor([Float(0.1), 0.1], shape: [1, 2]), k: 8, strategy: strategy)
        #expect(try result.ids.toArray(Int64.self) == [10, 11, 12, -1, -1, -1, -1, -1])
        let d = try result.distances.toArray(Float.self)
        #expect(abs(d[0] - 0.01) < 1e-7 && abs(d[1] - 0.02) < 1e-7 && abs(d[2] - 0.17) < 1e-7)
        #expect(d[3...].allSatisfy { $0 == .greatestFiniteMagnitude })
        // Missing neighbours weigh (1/FLT_MAX)² = 0: the blend only uses the three real ones.
        let retrieved = try index.retrieve(Tensor([Float(0.1), 0.1], shape: [1, 2])).toArray(Float.self)
        let w: [Double] = [0.01, 0.02, 0.17].map { 1 / ($0 * $0) }
        let total = w[0] + w[1] + w[2]
        let want: [Double] = [(0.1 * w[0] - 0.3 * w[2]) / total, 0.2 * w[1] / total]
        #expect(abs(Double(retrieved[0]) - want[0]) < 1e-6)
        #expect(abs(Double(retrieved[1]) - want[1]) < 1e-6)
    }

    @Test("with nprobe 2 the two nearest lists are scanned and merged", arguments: [FeatureIndex.Strategy.grouped, .dense])
    func twoProbes(strategy: FeatureIndex.Strategy) throws {
        let near = FeatureIndex.List(ids: [10, 11, 12], vectors: [0.1, 0, 0, 0.2, -0.3, 0])
        var farVectors: [Float] = []
        for i in 0..<10 { farVectors += [Float(10 + i), 10] }
        let far = FeatureIndex.List(ids: Array(20..<30), vectors: farVectors)
        let index = try FeatureIndex(dimension: 2, centroids: [0, 0, 12, 10, -50, -50], lists: [near, far, far], probeCount: 2)
        let queries = try Tensor([Float(0.1), 0.1, 12, 10], shape: [2, 2])
        let result = try index.search(queries, k: 8, strategy: strategy)
        let ids = try result.ids.toArray(Int64.self)
        // Query 0: its own list first, then the five nearest of the next list (x = 10…14).
        #expect(Array(ids[0..<8]) == [10, 11, 12, 20, 21, 22, 23, 24])
        // Query 1 probes lists 1 and 0: at (12, 10) its nearest are 22, then 21/23 (tie: lower row first), ...
        #expect(Array(ids[8..<16]) == [22, 21, 23, 20, 24, 25, 26, 27])
        let d = try result.distances.toArray(Float.self)
        #expect(Array(d[8..<16]) == [0, 1, 1, 4, 4, 9, 16, 25])
    }

    @Test("an exact match has distance 0 and takes all the weight instead of producing NaN", arguments: [FeatureIndex.Strategy.grouped, .dense])
    func exactMatch(strategy: FeatureIndex.Strategy) throws {
        let index = try Self.smallIndex()
        let query = try Tensor([Float(13), 10], shape: [1, 2])
        let result = try index.search(query, k: 8, strategy: strategy)
        #expect(try result.ids.toArray(Int64.self)[0] == 23)
        #expect(try result.distances.toArray(Float.self)[0] == 0)
        #expect(try index.retrieve(query).toArray(Float.self) == [13, 10])
    }

    @Test("a query whose probed list is empty gets no neighbours and keeps its own features", arguments: [FeatureIndex.Strategy.grouped, .dense])
    func emptyList(strategy: FeatureIndex.Strategy) throws {
        let index = try Self.smallIndex(emptyList: true)
        let query = try Tensor([Float(-40), -45], shape: [1, 2])
        #expect(try index.search(query, k: 8, strategy: strategy).ids.toArray(Int64.self) == Array(repeating: -1, count: 8))
        #expect(try index.retrieve(query).toArray(Float.self) == [-40, -45])
    }

    @Test("retrieval blends the 8 neighbours with weights (1/d)², normalised")
    func retrievalBlend() throws {
        let name = "v1_40k_f0"
        let parts = try FixtureModels.indexFile(name)
        let index = try FixtureModels.index(name)
        let (queries, rows) = try Self.rows(name, 30..<60)
        let retrieved = try index.retrieve(queries).toArray(Double.self)
        let d = parts.dimension
        var vectorsById: [Int64: ArraySlice<Float>] = [:]
        for (row, id) in parts.ids.enumerated() { vectorsById[id] = parts.vectors[(row * d)..<((row + 1) * d)] }
        var worst = 0.0
        for (r, row) in rows.enumerated() {
            let neighbours = Self.bruteForce(row, parts)
            let w = neighbours.map { 1 / ($0.distance * $0.distance) }
            let total = w.reduce(0, +)
            for c in 0..<d {
                var want = 0.0
                for (j, n) in neighbours.enumerated() {
                    guard let v = vectorsById[n.id] else { continue }
                    want += Double(v[v.startIndex + c]) * w[j] / total
                }
                worst = max(worst, abs(retrieved[r * d + c] - want) / max(abs(want), 1e-3))
            }
        }
        #expect(worst < 1e-4)
    }

    @Test("queries of the wrong width and inconsistent index parts are rejected")
    func errors() throws {
        let index = try Self.smallIndex()
        #expect(throws: FeatureIndexError.dimension(expected: 2, actual: 3)) {
            try index.search(Tensor.zeros([4, 3]))
        }
        #expect(throws: FeatureIndexError.queryShape([2])) {
            try index.search(Tensor.zeros([2]))
        }
        #expect(throws: FeatureIndexError.self) {
            try FeatureIndex(dimension: 2, centroids: [0, 0, 1], lists: [FeatureIndex.List(ids: [], vectors: [])], probeCount: 1)
        }
        #expect(throws: FeatureIndexError.self) {
            try FeatureIndex(dimension: 2, centroids: [0, 0], lists: [FeatureIndex.List(ids: [1], vectors: [1, 2, 3])], probeCount: 1)
        }
        // The flat parts (as a faiss file holds them): list sizes that do not add up to the ids,
        // a negative size, values that are not ids × dimension.
        for (ids, values, sizes) in [([Int64(1)], [Float](repeating: 0, count: 2), [2]), ([1], [0, 0], [-1, 2]), ([1], [0, 0, 0], [1])] {
            #expect(throws: FeatureIndexError.self) {
                try FeatureIndex(
                    dimension: 2, centroids: [Float](repeating: 0, count: 2 * sizes.count), vectors: values, ids: ids,
                    listSizes: sizes, probeCount: 1, device: .cpu)
            }
        }
    }

    /// A file's index is built from its flat arrays without splitting them into lists; built
    /// through ``FeatureIndex/List``s from the same file, every tensor is the same.
    @Test("an index built from a file equals one built from the file's lists", arguments: ["v2_48k_f0", "v1_40k_f0"])
    func fileAndListsAgree(name: String) throws {
        let file = try FixtureModels.indexFile(name)
        let fromFile = try FeatureIndex(file: file)
        let lists = (0..<file.nlist).map { l in
            let (ids, vectors) = file.list(l)
            return FeatureIndex.List(ids: Array(ids), vectors: Array(vectors))
        }
        let fromLists = try FeatureIndex(dimension: file.dimension, centroids: file.centroids, lists: lists, probeCount: file.nprobe)
        #expect(fromFile.count == file.ntotal && fromLists.count == file.ntotal)
        #expect(fromFile.listCount == fromLists.listCount && fromFile.probeCount == fromLists.probeCount)
        #expect(try fromFile.vectors.toArray(Float.self) == fromLists.vectors.toArray(Float.self))
        #expect(try fromFile.vectors.toArray(Float.self) == file.vectors)
        #expect(try fromFile.vectorNorms.toArray(Float.self) == fromLists.vectorNorms.toArray(Float.self))
        for (a, b) in [(fromFile.ids, fromLists.ids), (fromFile.vectorLists, fromLists.vectorLists),
                       (fromFile.listStarts, fromLists.listStarts), (fromFile.listSizes, fromLists.listSizes)] {
            #expect(try a.toArray(Int64.self) == b.toArray(Int64.self))
        }
        #expect(try fromFile.listSizes.toArray(Int64.self) == file.listSizes.map(Int64.init))
    }
}
