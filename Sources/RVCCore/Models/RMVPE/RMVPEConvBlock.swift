/// RMVPE's `ConvBlockRes` (reference-inference.md C.3): two 3×3 conv → BatchNorm → ReLU stages plus
/// a residual that is a biased 1×1 conv when the channel count changes.
/// Keys: `{prefix}conv.{0,3}.weight`, `{prefix}conv.{1,4}.*`, `{prefix}shortcut.{weight,bias}`.
struct RMVPEConvBlock: Sendable {
    /// The 3×3 convolutions with their BatchNorms folded in at load.
    let conv1: (weight: Tensor, bias: Tensor)
    let conv2: (weight: Tensor, bias: Tensor)
    let shortcut: (weight: Tensor, bias: Tensor)?

    init(_ reader: WeightReader, in inChannels: Int, out outChannels: Int) throws {
        conv1 = try RMVPEBatchNorm(reader.scoped("conv.1."), channels: outChannels)
            .folded(into: reader.tensor("conv.0.weight", shape: [outChannels, inChannels, 3, 3]), outputDim: 0)
        conv2 = try RMVPEBatchNorm(reader.scoped("conv.4."), channels: outChannels)
            .folded(into: reader.tensor("conv.3.weight", shape: [outChannels, outChannels, 3, 3]), outputDim: 0)
        if inChannels != outChannels {
            shortcut = (
                try reader.tensor("shortcut.weight", shape: [outChannels, inChannels, 1, 1]),
                try reader.tensor("shortcut.bias", shape: [outChannels]))
        } else {
            shortcut = nil
        }
    }

    func callAsFunction(_ x: Tensor) throws -> Tensor {
        var y = try x.conv2d(weight: conv1.weight, bias: conv1.bias, padding: (1, 1)).relu()
        y = try y.conv2d(weight: conv2.weight, bias: conv2.bias, padding: (1, 1)).relu()
        if let shortcut {
            return try y + x.conv2d(weight: shortcut.weight, bias: shortcut.bias)
        }
        return try y + x
    }
}
