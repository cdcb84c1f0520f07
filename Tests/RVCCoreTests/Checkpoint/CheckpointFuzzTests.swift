import Foundation
import RVCTestSupport
import Testing
import RVCBench
@testable import RVCCore

/// Random byte mutations of the fixture files: every load must end in a value or a typed error,
/// quickly, and never crash the process or read out of bounds.
@Suite("Checkpoint fuzzing")
struct CheckpointFuzzTests {
    enum Loader: String, CaseIterable, Sendable {
        case voice, hubert, rmvpe, index
    }

    struct Target: Sendable, CustomStringConvertible {
        let file: String
        let loader: Loader
        let iterations: Int
        var description: String { file }
    }

    // Iteration counts keep the whole suite around 30 s in a debug build on 2 cores.
    static let targets = [
        Target(file: "v1_40k_f0.pth", loader: .voice, iterations: 1200),
        Target(file: "hubert_tiny_omegaconf.pt", loader: .hubert, iterations: 300),
        Target(file: "rmvpe_tiny.pt", loader: .rmvpe, iterations: 300),
        Target(file: "v1_40k_f0.index", loader: .index, iterations: 1200),
    ]

    static func load(_ url: URL, _ loader: Loader) throws -> [Tensor] {
        switch loader {
        case .voice: return Array(try VoiceModelFile.load(url).weights.tensors.values)
        case .hubert: return Array(try HuBERTCheckpoint.load(url).weights.tensors.values)
        case .rmvpe: return Array(try RMVPECheckpoint.load(url).weights.tensors.values)
        case .index:
            let index = try FaissIndexFile.load(url)
            _ = try? index.reconstructAll()
            return []
        }
    }

    @Test("mutated files load or fail with a typed error, each within a time bound", arguments: targets)
    func mutationsNeverCrash(target: Target) throws {
        let original = [UInt8](try Data(contentsOf: Fixtures.parity(target.file)))
        let dir = try TemporaryDirectory()
        let url = dir.file(target.file)
        var rng = SplitMix64(seed: UInt64(target.file.utf8.count) &* 7919)
        // Where the interesting structure is: the pickle (start) and the directory (end).
        let pickleRegion = 0..<min(original.count, 64 * 1024)
        let tailRegion = max(0, original.count - 16 * 1024)..<original.count
        var outcomes = (loaded: 0, refused: 0)
        var slowest = Duration.zero
        for _ in 0..<target.iterations {
            var bytes = original
            let edits = Int.random(in: 1...8, using: &rng)
            for _ in 0..<edits {
                let region = Int.random(in: 0..<10, using: &rng)
                let range = region < 4 ? pickleRegion : region < 7 ? tailRegion : 0..<original.count
                let position = min(Int.random(in: range, using: &rng), bytes.count - 1)
                switch Int.random(in: 0..<4, using: &rng) {
                case 0: bytes[position] = UInt8.random(in: 0...255, using: &rng)
                case 1: bytes[position] ^= 1 << UInt8.random(in: 0..<8, using: &rng)
                case 2: bytes[position] = [0x00, 0xFF, 0x7F, 0x80][Int.random(in: 0..<4, using: &rng)]
                default:
                    let end = min(bytes.count, position + Int.random(in: 1...64, using: &rng))
                    bytes.removeSubrange(position..<end)
                }
                if bytes.count < original.count / 2 { break }
            }
            try Data(bytes).write(to: url)
            let start = ContinuousClock.now
            do {
                let tensors = try Self.load(url, target.loader)
                // Read both ends of every tensor: the views must lie inside the file.
                for tensor in tensors {
                    _ = try tensor.withUnsafeBytes { raw in (raw.first, raw.last) }
                }
                outcomes.loaded += 1
            } catch is CheckpointError {
                outcomes.refused += 1
            } catch is IndexFileError {
                outcomes.refused += 1
            } catch is WeightError {
                outcomes.refused += 1
            }
            let elapsed = ContinuousClock.now - start
            slowest = max(slowest, elapsed)
            #expect(elapsed < .seconds(10), "one load took \(elapsed)")
        }
        #expect(outcomes.loaded + outcomes.refused == target.iterations)
        #expect(outcomes.refused > 0)
    }
}
