import Foundation
import RVCTestSupport
import Testing
@testable import RVCCore

/// Mutated faiss indexes through the reader and into the search structure: every input must load
/// (and then reconstruct or be refused for its ids) or fail with an ``IndexFileError`` or
/// ``FeatureIndexError``, quickly.
@Suite("Faiss index fuzzing")
struct FaissIndexFuzzTests {
    @Test("mutated indexes load or fail with a typed error, each within the time bound")
    func mutatedIndexes() throws {
        let fixture = [UInt8](try Data(contentsOf: Fixtures.parity("v1_40k_f0.index")))
        var sparse = FaissFileBuilder()
        sparse.sparse = true
        let seeds = [
            FuzzMutator.Seed("v1_40k_f0.index", fixture, hot: [0..<512]),
            FuzzMutator.Seed("tiny.index", FaissFileBuilder().bytes()),
            FuzzMutator.Seed("sparse.index", sparse.bytes()),
        ]
        let dir = try TemporaryDirectory()
        let url = dir.file("input.index")
        let report = Fuzzer.run(
            reader: "faiss", seeds: seeds, isTyped: { $0 is IndexFileError || $0 is FeatureIndexError }
        ) { _, bytes in
            try Data(bytes).write(to: url)
            let index = try FaissIndexFile.load(url)
            _ = try FeatureIndex(file: index)
            _ = try index.reconstructAll()
        }
        #expect(report.problems.isEmpty, "\(report)")
        #expect(report.mixedOutcomes, "\(report)")
    }
}
