import Foundation
import RVCBench
import RVCTestSupport
import Testing
@testable import RVCCore

/// Mutated zip archives into the directory reader: small checkpoints (plain and ZIP64) and a fixture,
/// mutated mostly in the local headers and the central directory. Each must be read or refused with
/// a ``CheckpointError``, and every member the directory accepts must lie inside the file.
@Suite("Zip archive fuzzing")
struct ZipArchiveFuzzTests {
    static func seeds(in dir: TemporaryDirectory) throws -> [FuzzMutator.Seed] {
        var seeds: [FuzzMutator.Seed] = []
        let root = CheckpointWriter.Value.dict([("a", .int(1)), ("t", .tensor(try Tensor([Float](repeating: 1, count: 6), shape: [2, 3])))])
        for (label, writer) in [("small", CheckpointWriter()), ("zip64", CheckpointWriter(forceZip64: true))] {
            let url = dir.file("\(label).pth")
            try writer.write(root, storages: [("extra", [UInt8](repeating: 7, count: 100))], to: url)
            seeds.append(FuzzMutator.Seed(label, [UInt8](try Data(contentsOf: url))))
        }
        let fixture = [UInt8](try Data(contentsOf: Fixtures.parity("v2_32k_nof0.pth")))
        seeds.append(FuzzMutator.Seed("v2_32k_nof0.pth", fixture, hot: [0..<2048, (fixture.count - 8192)..<fixture.count]))
        return seeds
    }

    @Test("mutated archives are read or refused with a CheckpointError, members inside the file")
    func mutatedArchives() throws {
        let dir = try TemporaryDirectory()
        let url = dir.file("input.zip")
        let report = Fuzzer.run(reader: "zip", seeds: try Self.seeds(in: dir), isTyped: { $0 is CheckpointError }) { _, bytes in
            try Data(bytes).write(to: url)
            let file = try MappedFile(url)
            let archive = try ZipArchive(file)
            for name in archive.names {
                guard let entry = archive.entries[name] else { continue }
                let data = try archive.data(of: entry, in: file)
                // Both ends of the member: inside the mapping, or the reader is wrong.
                _ = (data.first, data.last)
                #expect(entry.dataOffset >= 0 && entry.dataOffset + entry.size <= file.count)
            }
        }
        #expect(report.problems.isEmpty, "\(report)")
        #expect(report.mixedOutcomes, "\(report)")
    }
}
