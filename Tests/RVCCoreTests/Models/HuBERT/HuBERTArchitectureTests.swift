import RVCTestSupport
import Testing
@testable import RVCCore

/// Architecture variants the fixtures do not exercise are read from the right keys.
@Suite struct HuBERTArchitectureTests {
    /// `extractor_mode: layer_norm` has an Fp32LayerNorm in every conv block (`conv_layers.{i}.2.1.*`)
    /// and no GroupNorm; with unit/zero affine parameters it must equal the plain normalisation.
    @Test func layerNormExtractorModeReadsPerBlockNorms() throws {
        let checkpoint = try HuBERTCheckpoint.load(Fixtures.parity("hubert_tiny.pt"))
        var config = checkpoint.config
        config.extractorMode = "layer_norm"
        let base = checkpoint.weights
        let c = config.convLayers[0].channels
        var entries = base.keys.filter { !$0.hasPrefix("feature_extractor.conv_layers.0.2.") }.compactMap { k in
            base[k].map { (k, $0) }
        }
        for i in config.convLayers.indices {
            entries.append(("feature_extractor.conv_layers.\(i).2.1.weight", try Tensor.ones([c])))
            entries.append(("feature_extractor.conv_layers.\(i).2.1.bias", try Tensor.zeros([c])))
        }
        let weights = StateDict(entries, source: base.source)
        let model = try HuBERT(weights: weights, config: config)
        let audio = try ModelFixtures.tensor("stage_audio16k.npy")
        let features = try model.extractFeatures(audio: audio, version: .v2)
        #expect(features.shape == [99, config.embedDim])

        // Independent forward of the conv stack: conv → LayerNorm over channels → GELU per block.
        var expected = try audio.reshape([1, 1, -1])
        for (i, layer) in config.convLayers.enumerated() {
            expected = try expected.conv1d(weight: base.require("feature_extractor.conv_layers.\(i).0.weight"), stride: layer.stride)
                .transposed(1, 2).layerNorm(normalizedShape: [layer.channels], weight: nil, bias: nil)
                .transposed(1, 2).gelu()
        }
        let extracted = try model.featureExtractor(audio.reshape([1, 1, -1]))
        #expect(try extracted.toArray(Float.self) == expected.toArray(Float.self))

        let missing = StateDict(entries.filter { $0.0 != "feature_extractor.conv_layers.3.2.1.bias" }, source: base.source)
        #expect(throws: WeightError.missing(key: "feature_extractor.conv_layers.3.2.1.bias", source: base.source)) {
            try HuBERT(weights: missing, config: config)
        }
    }

    @Test func unknownExtractorModeIsUnsupported() throws {
        let checkpoint = try HuBERTCheckpoint.load(Fixtures.parity("hubert_tiny.pt"))
        var config = checkpoint.config
        config.extractorMode = "fancy"
        #expect(throws: WeightError.self) { try HuBERT(weights: checkpoint.weights, config: config) }
        config = checkpoint.config
        config.layerNormFirst = true
        #expect(throws: WeightError.self) { try HuBERT(weights: checkpoint.weights, config: config) }
    }
}
