/// The HiFi-GAN decoder `dec`: `GeneratorNSF` for pitch models (with the harmonic source and its
/// noise convolutions) or the plain `Generator` otherwise (reference-inference.md D.6, D.7).
struct Decoder: Sendable {
    /// One upsampling stage: transposed conv, optional source injection, averaged residual blocks.
    struct Stage: Sendable {
        let weight: Tensor
        let bias: Tensor
        let stride: Int
        let padding: Int
        let sourceConv: Conv1dLayer?
        let blocks: [ResBlock]
    }

    let preConv: Conv1dLayer
    let speakerConv: Conv1dLayer
    let stages: [Stage]
    let postConv: Conv1dLayer
    let source: SineSource?

    /// LeakyReLU slope between stages (`modules.LRELU_SLOPE`) and before `conv_post` (the
    /// `F.leaky_relu` default, not 0.1).
    static let stageSlope = 0.1
    static let finalSlope = 0.01

    init(_ reader: SynthesizerWeightReader, config: VoiceModelConfig, hasPitch: Bool) throws {
        let rates = config.upsampleRates
        let kernels = config.upsampleKernelSizes
        guard !rates.isEmpty, rates.count == kernels.count, rates.allSatisfy({ $0 > 0 }) else {
            throw reader.unsupported("upsample_rates \(rates) and upsample_kernel_sizes \(kernels) do not pair up")
        }
        guard config.resblockKernelSizes.count == config.resblockDilationSizes.count,
            !config.resblockKernelSizes.isEmpty
        else {
            throw reader.unsupported("resblock_kernel_sizes and resblock_dilation_sizes differ in length")
        }
        let u = config.upsampleInitialChannel
        let inter = config.interChannels
        let gin = config.ginChannels
        let preKernel = try reader.shape("dec.conv_pre.weight", rank: 3)[2]
        preConv = try Conv1dLayer(reader, "dec.conv_pre", out: u, in: inter, kernel: preKernel, padding: (preKernel - 1) / 2)
        speakerConv = try Conv1dLayer(reader, "dec.cond", out: u, in: gin, kernel: 1)
        let kind1 = config.resblock == "1"
        var stages: [Stage] = []
        for (i, (rate, kernel)) in zip(rates, kernels).enumerated() {
            let inChannels = u >> i
            let channels = u >> (i + 1)
            guard channels > 0, (kernel - rate) >= 0, (kernel - rate) % 2 == 0 else {
                throw reader.unsupported("upsampling stage \(i) (rate \(rate), kernel \(kernel), \(channels) channels) is not buildable")
            }
            let weight = try reader.weightNormed("dec.ups.\(i).", shape: [inChannels, channels, kernel])
            let bias = try reader.tensor("dec.ups.\(i).bias", shape: [channels])
            var sourceConv: Conv1dLayer?
            if hasPitch {
                // Maps T·upp source samples to this stage's length: stride = product of later rates.
                let stride = rates[(i + 1)...].reduce(1, *)
                sourceConv = i + 1 < rates.count
                    ? try Conv1dLayer(reader, "dec.noise_convs.\(i)", out: channels, in: 1, kernel: 2 * stride, stride: stride, padding: stride / 2)
                    : try Conv1dLayer(reader, "dec.noise_convs.\(i)", out: channels, in: 1, kernel: 1)
            }
            let blocks = try zip(config.resblockKernelSizes, config.resblockDilationSizes).enumerated().map { j, kd in
                try ResBlock(
                    reader, "dec.resblocks.\(i * config.resblockKernelSizes.count + j)", channels: channels,
                    kernel: kd.0, dilations: kd.1, kind1: kind1)
            }
            stages.append(Stage(
                weight: weight, bias: bias, stride: rate, padding: (kernel - rate) / 2,
                sourceConv: sourceConv, blocks: blocks))
        }
        self.stages = stages
        let last = u >> rates.count
        let postKernel = try reader.shape("dec.conv_post.weight", rank: 3)[2]
        postConv = try Conv1dLayer(
            reader, "dec.conv_post", out: 1, in: last, kernel: postKernel, padding: (postKernel - 1) / 2, bias: false)
        source = hasPitch
            ? try SineSource(reader, sampleRate: config.sampleRate, upsampling: config.samplesPerFrame)
            : nil
    }

    /// z [1, I, T], speaker g [1, G, 1], f0 [1, T] Hz (pitch models) → audio [1, 1, T·upp].
    func callAsFunction(_ z: Tensor, speaker g: Tensor, f0: Tensor?, noise: SynthesisNoise) throws -> Tensor {
        var harmonic: Tensor?
        if let source, let f0 {
            harmonic = try source(f0, noise: noise)
        }
        var x = try preConv(z) + speakerConv(g)
        for stage in stages {
            x = try x.leakyRelu(Self.stageSlope)
                .convTranspose1d(weight: stage.weight, bias: stage.bias, stride: stage.stride, padding: stage.padding)
            if let conv = stage.sourceConv, let harmonic {
                x = try x + conv(harmonic)
            }
            var sum = try stage.blocks[0](x)
            for block in stage.blocks.dropFirst() {
                sum = try sum + block(x)
            }
            x = try sum / Double(stage.blocks.count)
        }
        return try postConv(x.leakyRelu(Self.finalSlope)).tanh()
    }
}
