/// RMVPE's `DeepUnet` (reference-inference.md C.3): a BatchNorm, an encoder of residual blocks with
/// 2×2 average pooling, an intermediate stack without pooling, and a decoder of 3×3 stride-2
/// transposed convolutions concatenated with the encoder's skips. Depth, block count and widths are
/// read from the weights (`unet.encoder.layers.*`, `unet.intermediate.layers.*`, `unet.decoder.layers.*`).
struct RMVPEUNet: Sendable {
    struct DecoderLayer: Sendable {
        let upsample: Tensor
        let norm: RMVPEBatchNorm
        let blocks: [RMVPEConvBlock]
    }

    let inputNorm: RMVPEBatchNorm
    /// Encoder stages, each a list of residual blocks followed by pooling.
    let encoder: [[RMVPEConvBlock]]
    let intermediate: [[RMVPEConvBlock]]
    let decoder: [DecoderLayer]
    /// Channels of the decoder output (the encoder's first width).
    let outputChannels: Int

    /// `E2E(kernel_size=(2, 2))`: pooling kernel and decoder stride; the reference never changes it.
    static let poolKernel = (2, 2)

    init(_ reader: WeightReader) throws {
        let inChannels = try reader.shape(of: "encoder.bn.weight").first ?? 0
        guard inChannels == 1 else { throw reader.unsupported("RMVPE input BatchNorm has \(inChannels) channels, expected 1") }
        inputNorm = try RMVPEBatchNorm(reader.scoped("encoder.bn."), channels: inChannels)

        let stages = reader.countIndexed("encoder.layers.")
        let blocksPerStage = reader.countIndexed("encoder.layers.0.conv.")
        guard stages > 0, blocksPerStage > 0 else {
            throw WeightError.missing(key: reader.prefix + "encoder.layers.0.conv.0.conv.0.weight", source: reader.weights.source)
        }
        let firstWidth = try reader.shape(of: "encoder.layers.0.conv.0.conv.0.weight").first ?? 0
        guard firstWidth > 0 else { throw reader.unsupported("RMVPE encoder width is 0") }

        func stack(_ r: WeightReader, in c0: Int, out c: Int) throws -> [RMVPEConvBlock] {
            try (0..<blocksPerStage).map { b in
                try RMVPEConvBlock(r.scoped("conv.\(b)."), in: b == 0 ? c0 : c, out: c)
            }
        }
        var c = inChannels
        var width = firstWidth
        encoder = try (0..<stages).map { e in
            defer { c = width; width *= 2 }
            return try stack(reader.scoped("encoder.layers.\(e)."), in: c, out: width)
        }
        // Encoder.out_channel is one doubling past the last stage; the intermediate starts at half of it.
        let interLayers = reader.countIndexed("intermediate.layers.")
        guard interLayers > 0 else {
            throw WeightError.missing(key: reader.prefix + "intermediate.layers.0.conv.0.conv.0.weight", source: reader.weights.source)
        }
        intermediate = try (0..<interLayers).map { i in
            try stack(reader.scoped("intermediate.layers.\(i)."), in: i == 0 ? width / 2 : width, out: width)
        }
        var inWidth = width
        decoder = try (0..<stages).map { d in
            let r = reader.scoped("decoder.layers.\(d).")
            let out = inWidth / 2
            defer { inWidth = out }
            return DecoderLayer(
                upsample: try r.tensor("conv1.0.weight", shape: [inWidth, out, 3, 3]),
                norm: try RMVPEBatchNorm(r.scoped("conv1.1."), channels: out),
                blocks: try (0..<blocksPerStage).map { b in
                    try RMVPEConvBlock(r.scoped("conv2.\(b)."), in: b == 0 ? 2 * out : out, out: out)
                })
        }
        outputChannels = inWidth
    }

    /// The time and frequency sizes must be multiples of this (2^stages).
    var sizeMultiple: Int { 1 << encoder.count }

    /// [1, 1, T, F] → [1, C, T, F].
    func callAsFunction(_ input: Tensor) throws -> Tensor {
        var x = try inputNorm(input)
        var skips: [Tensor] = []
        for stage in encoder {
            for block in stage { x = try block(x) }
            skips.append(x)
            x = try x.avgPool2d(kernel: Self.poolKernel, stride: Self.poolKernel)
        }
        for stage in intermediate {
            for block in stage { x = try block(x) }
        }
        for (layer, skip) in zip(decoder, skips.reversed()) {
            // ConvTranspose2d(3×3, stride 2, padding 1, output_padding 1) exactly doubles T and F.
            x = try layer.norm(
                x.convTranspose2d(weight: layer.upsample, stride: Self.poolKernel, padding: (1, 1), outputPadding: (1, 1))
            ).relu()
            x = try Tensor.cat([x, skip], dim: 1)
            for block in layer.blocks { x = try block(x) }
        }
        return x
    }
}
