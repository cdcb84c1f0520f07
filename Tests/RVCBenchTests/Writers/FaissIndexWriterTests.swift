import Foundation
import RVCTestSupport
import Testing
import RVCBench
import RVCCore

/// The index writer produces faiss's own bytes and what the reader reads back.
@Suite("FaissIndexWriter")
struct FaissIndexWriterTests {
    @Test("rewriting a faiss-written fixture gives the same bytes", arguments: ["v2_48k_f0.index", "v1_40k_f0.index", "v2_48k_long.index"])
    func reproducesFaissBytes(name: String) throws {
        let url = Fixtures.parity(name)
        let file = try FaissIndexFile.load(url)
        let d = file.dimension
        var vectors = [Float](repeating: 0, count: file.ntotal * d)
        var assignment = [Int](repeating: -1, count: file.ntotal)
        for list in 0..<file.nlist {
            let (ids, rows) = file.list(list)
            for (position, id) in ids.enumerated() {
                let id = Int(id)
                assignment[id] = list
                let start = rows.startIndex + position * d
                vectors.replaceSubrange((id * d)..<((id + 1) * d), with: rows[start..<(start + d)])
            }
        }
        #expect(!assignment.contains(-1))
        let folder = try TemporaryDirectory()
        let out = folder.file("rewritten.index")
        try FaissIndexWriter(nprobe: file.nprobe).write(
            centroids: file.centroids, vectors: vectors, assignment: assignment, dimension: d, to: out)
        #expect(try Data(contentsOf: out) == Data(contentsOf: url))
    }

    @Test("vectors come back in their lists with their ids")
    func roundTrip() throws {
        let d = 4
        let centroids: [Float] = [0, 0, 0, 0, 10, 10, 10, 10]
        let vectors: [Float] = [1, 0, 0, 0, 9, 9, 9, 9, 0, 1, 0, 0]
        let assignment = try FaissIndexWriter.assignToNearestCentroids(vectors: vectors, centroids: centroids, dimension: d)
        #expect(assignment == [0, 1, 0])
        let folder = try TemporaryDirectory()
        try FaissIndexWriter().write(centroids: centroids, vectors: vectors, assignment: assignment, dimension: d, to: folder.file("x.index"))
        let file = try FaissIndexFile.load(folder.file("x.index"))
        #expect(file.ntotal == 3 && file.nlist == 2 && file.nprobe == 1 && file.metric == .l2)
        #expect(Array(file.list(0).ids) == [0, 2])
        #expect(Array(file.list(1).ids) == [1])
        #expect(Array(file.list(1).vectors) == [9, 9, 9, 9])
        #expect(try file.reconstructAll() == vectors)
    }

    @Test("inconsistent sizes are refused naming the field")
    func refusesInconsistentInput() throws {
        let folder = try TemporaryDirectory()
        #expect(throws: IndexFileError.self) {
            try FaissIndexWriter().write(centroids: [0, 0], vectors: [1, 1], assignment: [3], dimension: 2, to: folder.file("a"))
        }
        #expect(throws: IndexFileError.self) {
            try FaissIndexWriter().write(centroids: [0, 0, 0], vectors: [], assignment: [], dimension: 2, to: folder.file("b"))
        }
        #expect(!FileManager.default.fileExists(atPath: folder.file("a").path))
    }
}
