/// A 1-D convolution with resolved weights (weight-norm already applied), as `torch.nn.Conv1d`.
struct Conv1dLayer: Sendable {
    let weight: Tensor
    let bias: Tensor?
    let stride: Int
    let padding: Int
    let dilation: Int

    /// Loads `prefix.weight` [out, in, k] (or the weight-normed pair) and `prefix.bias` [out].
    init(
        _ reader: SynthesizerWeightReader, _ prefix: String, out: Int, in inChannels: Int, kernel: Int,
        stride: Int = 1, padding: Int = 0, dilation: Int = 1, bias: Bool = true, weightNorm: Bool = false
    ) throws {
        let shape = [out, inChannels, kernel]
        weight = weightNorm
            ? try reader.weightNormed(prefix + ".", shape: shape)
            : try reader.tensor(prefix + ".weight", shape: shape)
        self.bias = bias ? try reader.tensor(prefix + ".bias", shape: [out]) : nil
        self.stride = stride
        self.padding = padding
        self.dilation = dilation
    }

    func callAsFunction(_ x: Tensor) throws -> Tensor {
        try x.conv1d(weight: weight, bias: bias, stride: stride, padding: padding, dilation: dilation)
    }
}
