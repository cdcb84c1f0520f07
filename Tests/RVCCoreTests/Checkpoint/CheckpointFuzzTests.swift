import Foundation
import RVCTestSupport
import Testing
@testable import RVCCore

/// Mutated fixture checkpoints through the model readers (checkpoint → state dict): every load must
/// end in weights whose bytes lie inside the file, or in a ``CheckpointError`` or ``WeightError``,
/// quickly, and never crash. One input in eight also goes through `rvc inspect`'s report.
@Suite("Checkpoint fuzzing")
struct CheckpointFuzzTests {
    enum Loader: String {
        case voice, hubert, rmvpe
    }

    /// The fixtures by loader; voice models are drawn most, being what strangers send.
    static let files: [(String, Loader)] = [
        ("v1_40k_f0.pth", .voice), ("v2_32k_nof0.pth", .voice), ("v2_48k_f0.pth", .voice),
        ("hubert_tiny.pt", .hubert), ("hubert_tiny_omegaconf.pt", .hubert), ("rmvpe_tiny.pt", .rmvpe),
    ]

    static func load(_ url: URL, _ loader: Loader) throws -> StateDict {
        switch loader {
        case .voice: return try VoiceModelFile.load(url).weights
        case .hubert: return try HuBERTCheckpoint.load(url).weights
        case .rmvpe: return try RMVPECheckpoint.load(url).weights
        }
    }

    @Test("mutated checkpoints load or fail with a typed error, each within the time bound")
    func mutatedCheckpoints() throws {
        let seeds = try Self.files.map { name, _ in
            let bytes = [UInt8](try Data(contentsOf: Fixtures.parity(name)))
            // Where the structure is: the pickle (near the start) and the directory (the end).
            return FuzzMutator.Seed(name, bytes, hot: [0..<(64 * 1024), (bytes.count - 16 * 1024)..<bytes.count])
        }
        let loaders = Dictionary(uniqueKeysWithValues: Self.files)
        let dir = try TemporaryDirectory()
        var count = 0
        let report = Fuzzer.run(
            reader: "checkpoint", seeds: seeds,
            isTyped: { $0 is CheckpointError || $0 is WeightError || $0 is IndexFileError }
        ) { label, bytes in
            count += 1
            let url = dir.file(label)
            try Data(bytes).write(to: url)
            if count % 8 == 0 { _ = try ModelFileReport.inspect(url, hash: false) }
            let weights = try Self.load(url, loaders[label] ?? .voice)
            // Both ends of every tensor: the views must lie inside the file.
            for tensor in weights.tensors.values {
                _ = try tensor.withUnsafeBytes { raw in (raw.first, raw.last) }
            }
        }
        #expect(report.problems.isEmpty, "\(report)")
        #expect(report.mixedOutcomes, "\(report)")
    }
}
