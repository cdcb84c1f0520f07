/// A 1-D convolution with resolved weights (weight-norm already applied), as `torch.nn.Conv1d`.
struct Conv1dLayer: Sendable {
    let weight: Tensor
    let bias: Tensor?
    let stride: Int
    let padding: Int
    let dilation: Int
    /// Long float32 CPU sequences through a narrow layer run as tiled matrix products
    /// (``Tensor/conv1dGEMM(weight:bias:padding:dilation:tile:)``), which LibTorch's direct kernels
    /// leave memory-bound. Measured on the v2 48 kHz decoder shapes (15 s, 2 threads): 32 channels
    /// k 3 0.19 → 0.10 s, k 11 0.31 → 0.25 s; 64 channels k 3 0.23 → 0.14 s; 128 channels k 3
    /// 0.23 → 0.18 s; 128 channels k 11 and 256 channels: no gain, so they stay direct.
    let matrixForm: Bool

    /// Output positions per matrix product: the tile that measured fastest (1024) for every shape.
    static let matrixTile = 1024
    /// Shorter sequences stay on the direct path (the tiling does not pay for itself).
    static let matrixMinimumLength = 4 * matrixTile

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
        matrixForm = stride == 1 && weight.dtype == .float32 && weight.device == .cpu
            && (inChannels <= 64 || kernel <= 3)
    }

    func callAsFunction(_ x: Tensor) throws -> Tensor {
        if matrixForm, x.size(0) == 1, x.size(2) >= Self.matrixMinimumLength, x.dtype == .float32 {
            return try x.conv1dGEMM(weight: weight, bias: bias, padding: padding, dilation: dilation, tile: Self.matrixTile)
        }
        return try x.conv1d(weight: weight, bias: bias, stride: stride, padding: padding, dilation: dilation)
    }
}
