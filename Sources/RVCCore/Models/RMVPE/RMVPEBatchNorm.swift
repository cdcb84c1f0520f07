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
