import RVCTestSupport
import Testing
@testable import RVCCore

/// Half-precision weights kept as stored and widened at each use give the same network as
/// weights widened once at load.
@Suite struct StoredWeightTests {
    /// The tiny HuBERT fixture rounded to float16, as `hubert_base.pt` stores its weights.
    private static func halfWeights() throws -> StateDict {
        let checkpoint = try HuBERTCheckpoint.load(Fixtures.parity("hubert_tiny.pt"))
        let weights = checkpoint.weights
        let entries = try weights.keys.map { key -> (String, Tensor) in
            let tensor = try weights.require(key)
            return (key, tensor.dtype == .float32 ? try tensor.to(dtype: .float16) : tensor)
        }
        return StateDict(entries, source: "hubert_tiny.pt in float16")
    }

    @Test func halfWeightsWidenedOnUseEqualWeightsWidenedAtLoad() throws {
        let config = try HuBERTCheckpoint.load(Fixtures.parity("hubert_tiny.pt")).config
        let half = try Self.halfWeights()
        let widened = StateDict(
            try half.keys.map { key in (key, try half.require(key).to(dtype: .float32)) }, source: "widened")
        let kept = try HuBERT(weights: half, config: config, dtype: .float32)
        let atLoad = try HuBERT(weights: widened, config: config, dtype: .float32)

        let layer = try #require(kept.layers.first)
        #expect(layer.fc1Weight.stored.dtype == .float16 && layer.fc1Weight.isWidenedOnUse)
        #expect(layer.qWeight.stored.dtype == .float16 && layer.outWeight.stored.dtype == .float16)
        #expect(try layer.fc2Weight.resolved().dtype == .float32)
        #expect(atLoad.layers.allSatisfy { !$0.fc1Weight.isWidenedOnUse && $0.fc1Weight.stored.dtype == .float32 })

        let audio = try ModelFixtures.tensor("stage_audio16k.npy")
        for version in [VoiceModelVersion.v1, .v2] {
            let a = try kept.extractFeatures(audio: audio, version: version).toArray(Float.self)
            let b = try atLoad.extractFeatures(audio: audio, version: version).toArray(Float.self)
            #expect(a.count == b.count && !a.isEmpty)
            #expect(a == b, "\(version): features differ where widening is exact")
        }
    }

    /// The reader keeps half precision only where a float32 network would widen it: float32
    /// checkpoints and half-precision networks get their weights in the compute dtype as before.
    @Test func readerKeepsHalfPrecisionOnlyForFloat32Networks() throws {
        let half = try Self.halfWeights()
        let key = "encoder.layers.0.fc1.weight"
        let shape = try half.require(key).shape
        let float32Network = try WeightReader(half, device: .cpu, dtype: .float32).stored(key, shape: shape)
        #expect(float32Network.stored.dtype == .float16 && float32Network.dtype == .float32)
        let halfNetwork = try WeightReader(half, device: .cpu, dtype: .float16).stored(key, shape: shape)
        #expect(halfNetwork.stored.dtype == .float16 && !halfNetwork.isWidenedOnUse)
        let full = try HuBERTCheckpoint.load(Fixtures.parity("hubert_tiny.pt")).weights
        let fromFloat32 = try WeightReader(full, device: .cpu, dtype: .float32).stored(key, shape: shape)
        #expect(fromFloat32.stored.dtype == .float32 && !fromFloat32.isWidenedOnUse)
        #expect(throws: WeightError.self) {
            try WeightReader(half, device: .cpu, dtype: .float32).stored(key, shape: [shape[0] + 1, shape[1]])
        }
    }
}
