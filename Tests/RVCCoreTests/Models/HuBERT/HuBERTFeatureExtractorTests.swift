import RVCBench
import RVCTestSupport
import Testing
@testable import RVCCore

/// The feature extractor's memory-bounding forms give the plain forward's result.
@Suite struct HuBERTFeatureExtractorTests {
    /// Wide blocks convolved in pieces (here 7 output frames, so every multi-channel block of the
    /// tiny model is split and most end on a partial piece) equal one convolution per block, and
    /// the in-place channel norm equals LibTorch's group norm.
    @Test(arguments: [7, 64])
    func piecewiseConvolutionEqualsTheWholeForward(pieceFrames: Int) throws {
        let model = try ModelFixtures.hubert()
        var extractor = model.featureExtractor
        #expect(extractor.pieceFrames == HuBERTFeatureExtractor.defaultPieceFrames)
        extractor.pieceFrames = pieceFrames
        let audio = try ModelFixtures.tensor("stage_audio16k.npy").to(dtype: .float32).reshape([1, 1, -1])
        let pieced = try extractor(audio)

        // Reference forward: one conv1d per block, LibTorch's group norm, GELU.
        var expected = audio
        for block in extractor.blocks {
            expected = try expected.conv1d(weight: block.weight, bias: block.bias, stride: block.stride)
            if case .group(let weight, let bias) = block.norm {
                expected = try expected.groupNorm(groups: block.channels, weight: weight, bias: bias, eps: HuBERTFeatureExtractor.eps)
            }
            expected = try expected.gelu()
        }
        #expect(pieced.shape == expected.shape)
        let frames = extractor.blocks.dropLast().reduce(audio.size(2)) { ($0 - $1.kernel) / $1.stride + 1 }
        #expect(frames > pieceFrames, "the last block must be split for this test to mean anything")
        let error = try ParityMetrics.relativeError(pieced.toArray(Double.self), reference: expected.toArray(Double.self))
        #expect(error < 1e-5, "relative error \(error)")
    }
}
