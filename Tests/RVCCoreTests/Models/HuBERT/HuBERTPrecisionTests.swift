import RVCTestSupport
import Testing
@testable import RVCCore

/// Half-precision compute dtypes load and stay close to float32 (no fixtures exist for them; the
/// reference's fp16 path is checked against float32 with a loose bound).
@Suite struct HuBERTPrecisionTests {
    @Test(arguments: [DType.float16, DType.bfloat16])
    func halfPrecisionFollowsFloat32(dtype: DType) throws {
        let checkpoint = try HuBERTCheckpoint.load(Fixtures.parity("hubert_tiny.pt"))
        let half = try HuBERT(weights: checkpoint.weights, config: checkpoint.config, dtype: dtype)
        let audio = try ModelFixtures.tensor("stage_audio16k.npy")
        let features = try half.extractFeatures(audio: audio, version: .v2)
        #expect(features.dtype == dtype)
        let reference = try ModelFixtures.array("stage_hubert_v2.npy")
        let error = try ModelFixtures.relativeError(features, reference)
        print("[precision] HuBERT v2 \(dtype): relative error \(error)")
        // float16 keeps ~11 bits, bfloat16 ~8: bounds a few times the errors measured on the fixtures.
        #expect(error < (dtype == .float16 ? 0.02 : 0.15))
    }
}
