import RVCBench
import RVCTestSupport
import Testing
@testable import RVCCore

/// Folding an eval BatchNorm into the convolution before it (done once at load) agrees with
/// convolution followed by `batch_norm`, for both the conv and the transposed-conv layouts.
@Suite struct RMVPEBatchNormTests {
    private func reader() throws -> WeightReader {
        WeightReader(try RMVPECheckpoint.load(Fixtures.parity("rmvpe_tiny.pt")).weights, device: .cpu, dtype: .float32)
    }

    @Test func foldedConvolutionMatchesBatchNorm() throws {
        let r = try reader().scoped("unet.encoder.layers.2.conv.0.")
        let weight = try r.tensor("conv.0.weight", shape: [16, 8, 3, 3])
        let norm = try RMVPEBatchNorm(r.scoped("conv.1."), channels: 16)
        let x = try Tensor.randn([1, 8, 32, 32])
        let reference = try norm(x.conv2d(weight: weight, padding: (1, 1)))
        let folded = try norm.folded(into: weight, outputDim: 0)
        let y = try x.conv2d(weight: folded.weight, bias: folded.bias, padding: (1, 1))
        let error = ParityMetrics.relativeError(try y.toArray(Double.self), reference: try reference.toArray(Double.self))
        #expect(error < 1e-6)
    }

    @Test func foldedTransposedConvolutionMatchesBatchNorm() throws {
        let r = try reader().scoped("unet.decoder.layers.1.")
        let weight = try r.tensor("conv1.0.weight", shape: [64, 32, 3, 3])
        let norm = try RMVPEBatchNorm(r.scoped("conv1.1."), channels: 32)
        let x = try Tensor.randn([1, 64, 8, 8])
        let reference = try norm(x.convTranspose2d(weight: weight, stride: (2, 2), padding: (1, 1), outputPadding: (1, 1)))
        let folded = try norm.folded(into: weight, outputDim: 1)
        let y = try x.convTranspose2d(weight: folded.weight, bias: folded.bias, stride: (2, 2), padding: (1, 1), outputPadding: (1, 1))
        #expect(y.shape == [1, 32, 16, 16])
        let error = ParityMetrics.relativeError(try y.toArray(Double.self), reference: try reference.toArray(Double.self))
        #expect(error < 1e-6)
    }
}
