import Foundation
import RVCBench
import RVCTestSupport
import Testing
@testable import RVCCore

/// HuBERT against the reference features of the tiny fairseq checkpoint (fixtures README:
/// stage outputs within 1e-4 relative).
@Suite struct HuBERTParityTests {
    static let tolerance = 1e-4

    @Test(arguments: [
        (VoiceModelVersion.v1, "stage_hubert_v1.npy"),
        (VoiceModelVersion.v2, "stage_hubert_v2.npy"),
    ])
    func stageFeaturesMatchReference(version: VoiceModelVersion, reference: String) throws {
        let model = try ModelFixtures.hubert()
        let expected = try ModelFixtures.array(reference)
        let features = try model.extractFeatures(audio: ModelFixtures.tensor("stage_audio16k.npy"), version: version)
        #expect(features.shape == expected.shape)
        let error = try ModelFixtures.relativeError(features, expected)
        print("[parity] HuBERT \(version) stage: relative error \(error)")
        #expect(error < Self.tolerance)
    }

    @Test(arguments: [
        ("v2_48k_f0", VoiceModelVersion.v2),
        ("v1_40k_f0", VoiceModelVersion.v1),
        ("v2_32k_nof0", VoiceModelVersion.v2),
    ])
    func segmentFeaturesMatchReference(caseName: String, version: VoiceModelVersion) throws {
        let model = try ModelFixtures.hubert()
        let expected = try ModelFixtures.array("\(caseName)_seg0_hubert.npy")
        // The segment audio is float64, converted directly to the model dtype as the reference does.
        let audio = try ModelFixtures.tensor("\(caseName)_seg0_audio.npy")
        #expect(audio.dtype == .float64)
        let features = try model.extractFeatures(audio: audio, version: version)
        #expect([1] + features.shape == expected.shape)
        let error = try ModelFixtures.relativeError(features, expected)
        print("[parity] HuBERT \(caseName) seg0: relative error \(error)")
        #expect(error < Self.tolerance)
    }

    @Test func omegaconfCheckpointGivesIdenticalFeatures() throws {
        let audio = try ModelFixtures.tensor("stage_audio16k.npy")
        let plain = try ModelFixtures.hubert("hubert_tiny.pt").extractFeatures(audio: audio, version: .v2)
        let omegaconf = try ModelFixtures.hubert("hubert_tiny_omegaconf.pt").extractFeatures(audio: audio, version: .v2)
        #expect(try plain.toArray(Float.self) == omegaconf.toArray(Float.self))
    }

    @Test func frameCountFollowsReceptiveField() throws {
        let model = try ModelFixtures.hubert()
        #expect(model.minimumSamples == 400)
        for samples in [400, 719, 720, 32000, 96000] {
            #expect(model.frameCount(samples: samples) == (samples - 400) / 320 + 1)
        }
        #expect(model.frameCount(samples: 399) == nil)
    }

    /// Odd frame counts take the masked padding frame; the features of the real frames must equal
    /// attention over the real frames alone (reference B.5.f).
    @Test func paddingFrameDoesNotChangeRealFrames() throws {
        let model = try ModelFixtures.hubert()
        let audio = try ModelFixtures.tensor("stage_audio16k.npy")
        // 31999 samples → 99 frames (odd), so the encoder appends one masked zero frame.
        let odd = try model.extractFeatures(audio: audio.narrow(dim: 0, start: 0, length: 31_999), version: .v2)
        #expect(odd.size(0) % 2 == 1)
        let unpadded = try unmaskedFeatures(model, audio.narrow(dim: 0, start: 0, length: 31_999))
        let error = ParityMetrics.relativeError(try odd.toArray(Double.self), reference: try unpadded.toArray(Double.self))
        print("[parity] HuBERT masked-padding vs real-frames-only attention: relative error \(error)")
        #expect(error < 1e-6)
    }

    /// The v2 forward with attention over the real frames only (no padding frame, no mask).
    private func unmaskedFeatures(_ model: HuBERT, _ audio: Tensor) throws -> Tensor {
        var x = try model.featureExtractor(audio.reshape([1, 1, -1])).squeeze(0).transposed(0, 1)
        x = try x.layerNorm(normalizedShape: [x.size(1)], weight: model.layerNormWeight, bias: model.layerNormBias)
        if let p = model.postExtractProjection { x = try x.linear(weight: p.weight, bias: p.bias) }
        let positional = try model.positionalConvolution(x.transposed(0, 1).unsqueeze(0)).squeeze(0).transposed(0, 1)
        x = try (x + positional).layerNorm(
            normalizedShape: [model.config.embedDim], weight: model.encoderNormWeight, bias: model.encoderNormBias)
        let mask = try Tensor.zeros([1, model.config.attentionHeads, 1, x.size(0)])
        for layer in model.layers { x = try layer(x, mask: mask) }
        return x
    }
}
