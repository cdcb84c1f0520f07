/// RMVPE's `DeepUnet` (reference-inference.md C.3): a BatchNorm, an encoder of residual blocks with
/// average pooling, an intermediate stack without pooling, and a decoder of 3×3 transposed
/// convolutions concatenated with the encoder's skips. Sized from ``RMVPEConfig``; every weight's
/// shape is checked (`unet.encoder.*`, `unet.intermediate.*`, `unet.decoder.*`).
struct RMVPEUNet: Sendable {
    struct DecoderLayer: Sendable {
        /// The transposed convolution with its BatchNorm folded in at load.
        let upsample: (weight: Tensor, bias: Tensor)
        let blocks: [RMVPEConvBlock]
    }

    let inputNorm: RMVPEBatchNorm
    /// Encoder stages, each a list of residual blocks followed by pooling.
    let encoder: [[RMVPEConvBlock]]
    let intermediate: [[RMVPEConvBlock]]
    let decoder: [DecoderLayer]
    /// Pooling kernel of the encoder, and stride of the decoder's transposed convolutions.
    let kernel: (Int, Int)
    /// `ResDecoderBlock`: output_padding (0, 1) for stride (1, 2), else (1, 1).
    let outputPadding: (Int, Int)

    init(_ reader: WeightReader, config: RMVPEConfig) throws {
        guard config.poolKernel.count == 2, config.poolKernel.allSatisfy({ $0 > 0 }) else {
            throw reader.unsupported("RMVPE pooling kernel \(config.poolKernel) is not a positive pair")
        }
        guard config.blocks > 0, config.encoderDecoderLayers > 0, config.intermediateLayers > 0, config.encoderOutChannels > 0 else {
            throw reader.unsupported("RMVPE architecture \(config) has an empty stage")
        }
        kernel = (config.poolKernel[0], config.poolKernel[1])
        outputPadding = kernel == (1, 2) ? (0, 1) : (1, 1)
        inputNorm = try RMVPEBatchNorm(reader.scoped("encoder.bn."), channels: config.inChannels)

        func stack(_ r: WeightReader, in c0: Int, out c: Int) throws -> [RMVPEConvBlock] {
            try (0..<config.blocks).map { b in try RMVPEConvBlock(r.scoped("conv.\(b)."), in: b == 0 ? c0 : c, out: c) }
        }
        // Encoder stage e: in → W·2^e; Encoder.out_channel ends one doubling past the last stage.
        var c = config.inChannels
        var width = config.encoderOutChannels
        var encoder: [[RMVPEConvBlock]] = []
        for e in 0..<config.encoderDecoderLayers {
            encoder.append(try stack(reader.scoped("encoder.layers.\(e)."), in: c, out: width))
            c = width
            width *= 2
        }
        self.encoder = encoder
        intermediate = try (0..<config.intermediateLayers).map { i in
            try stack(reader.scoped("intermediate.layers.\(i)."), in: i == 0 ? width / 2 : width, out: width)
        }
        var decoder: [DecoderLayer] = []
        var inWidth = width
        for d in 0..<config.encoderDecoderLayers {
            let r = reader.scoped("decoder.layers.\(d).")
            let out = inWidth / 2
            decoder.append(DecoderLayer(
                upsample: try RMVPEBatchNorm(r.scoped("conv1.1."), channels: out)
                    .folded(into: r.tensor("conv1.0.weight", shape: [inWidth, out, 3, 3]), outputDim: 1),
                blocks: try (0..<config.blocks).map { b in
                    try RMVPEConvBlock(r.scoped("conv2.\(b)."), in: b == 0 ? 2 * out : out, out: out)
                }))
            inWidth = out
        }
        self.decoder = decoder
    }

    /// The time and frequency sizes must be multiples of these for the skips to line up.
    var sizeMultiple: (time: Int, frequency: Int) {
        (power(kernel.0, encoder.count), power(kernel.1, encoder.count))
    }

    private func power(_ base: Int, _ exponent: Int) -> Int { (0..<exponent).reduce(1) { r, _ in r * base } }

    /// [1, 1, T, F] → [1, W, T, F].
    func callAsFunction(_ input: Tensor) throws -> Tensor {
        var x = try inputNorm(input)
        var skips: [Tensor] = []
        for stage in encoder {
            for block in stage { x = try block(x) }
            skips.append(x)
            x = try x.avgPool2d(kernel: kernel, stride: kernel)
        }
        for stage in intermediate {
            for block in stage { x = try block(x) }
        }
        for (layer, skip) in zip(decoder, skips.reversed()) {
            x = try x.convTranspose2d(
                weight: layer.upsample.weight, bias: layer.upsample.bias, stride: kernel, padding: (1, 1),
                outputPadding: outputPadding
            ).relu()
            x = try Tensor.cat([x, skip], dim: 1)
            for block in layer.blocks { x = try block(x) }
        }
        return x
    }
}
