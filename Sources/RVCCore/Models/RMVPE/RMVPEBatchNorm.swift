/// An eval-mode `BatchNorm2d` of the RMVPE network (running statistics, eps 1e-5).
/// Keys: `{prefix}{weight,bias,running_mean,running_var}` (`num_batches_tracked` is unused).
struct RMVPEBatchNorm: Sendable {
    let weight, bias, runningMean, runningVar: Tensor

    /// torch's BatchNorm2d default epsilon (the reference never overrides it).
    static let eps = 1e-5

    init(_ reader: WeightReader, channels: Int) throws {
        weight = try reader.tensor("weight", shape: [channels])
        bias = try reader.tensor("bias", shape: [channels])
        runningMean = try reader.tensor("running_mean", shape: [channels])
        runningVar = try reader.tensor("running_var", shape: [channels])
    }

    func callAsFunction(_ x: Tensor) throws -> Tensor {
        try x.batchNorm(weight: weight, bias: bias, runningMean: runningMean, runningVar: runningVar, eps: Self.eps)
    }
}

extension RMVPEBatchNorm {
    /// This BatchNorm folded into the convolution before it: weight·s and β − μ·s with
    /// s = γ/√(σ² + ε), evaluated in float32 once at load and cast back. `outputDim` is the weight
    /// dimension of the output channels (0 for Conv2d, 1 for ConvTranspose2d).
    func folded(into weight: Tensor, outputDim: Int) throws -> (weight: Tensor, bias: Tensor) {
        let dtype = weight.dtype
        let scale = try self.weight.to(dtype: .float32) * (runningVar.to(dtype: .float32) + Self.eps).rsqrt()
        var shape = [1, 1, 1, 1]
        shape[outputDim] = -1
        let w = try (weight.to(dtype: .float32) * scale.reshape(shape)).to(dtype: dtype).contiguous()
        let b = try (bias.to(dtype: .float32) - runningMean.to(dtype: .float32) * scale).to(dtype: dtype)
        return (w, b)
    }
}
