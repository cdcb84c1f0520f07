/// The HiFi-GAN decoder `dec`: `GeneratorNSF` for pitch models (with the harmonic source and its
/// noise convolutions) or the plain `Generator` otherwise (reference-inference.md D.6, D.7).
struct Decoder: Sendable {
    /// One upsampling stage: transposed conv, optional source injection, averaged residual blocks.
    struct Stage: Sendable {
        let upsample: Upsampler
        let sourceConv: Conv1dLayer?
        let blocks: [ResBlock]
    }

    let preConv: Conv1dLayer
    let speakerConv: Conv1dLayer
    let stages: [Stage]
    let postConv: Conv1dLayer
    let source: SineSource?
    /// Output samples per input frame (the product of the upsample rates).
    let samplesPerFrame: Int
    /// Frames of input on each side that an output frame can depend on: every layer is a
    /// convolution, so the output for a range of frames needs only that much context. A conservative
    /// sum of the half-widths of every layer, in frames, rounded up.
    var contextFrames: Int

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
            let upsample = try Upsampler(weight: weight, bias: bias, stride: rate, padding: (kernel - rate) / 2)
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
            stages.append(Stage(upsample: upsample, sourceConv: sourceConv, blocks: blocks))
        }
        self.stages = stages
        let last = u >> rates.count
        let postKernel = try reader.shape("dec.conv_post.weight", rank: 3)[2]
        postConv = try Conv1dLayer(
            reader, "dec.conv_post", out: 1, in: last, kernel: postKernel, padding: (postKernel - 1) / 2, bias: false)
        source = hasPitch
            ? try SineSource(reader, sampleRate: config.sampleRate, upsampling: config.samplesPerFrame)
            : nil
        samplesPerFrame = config.samplesPerFrame
        contextFrames = Self.context(
            config: config, preKernel: preKernel, postKernel: postKernel, kind1: kind1)
    }

    /// The receptive half-width of the decoder in frames, plus one frame of slack.
    private static func context(config: VoiceModelConfig, preKernel: Int, postKernel: Int, kind1: Bool) -> Int {
        func frames(_ samples: Int, perFrame: Int) -> Int { (samples + perFrame - 1) / perFrame }
        var total = frames((preKernel - 1) / 2 + 1, perFrame: 1)
        var perFrame = 1
        for (rate, kernel) in zip(config.upsampleRates, config.upsampleKernelSizes) {
            // A transposed conv output reads ⌈k/s⌉ inputs around its position.
            total += frames((kernel + rate - 1) / rate + 1, perFrame: perFrame)
            perFrame *= rate
            // The source conv reads its input around 2 strides, i.e. about 2 samples of this stage.
            total += frames(2, perFrame: perFrame)
            let blocks = zip(config.resblockKernelSizes, config.resblockDilationSizes).map { kernel, dilations in
                dilations.prefix(kind1 ? 3 : 2).reduce(0) { $0 + $1 * (kernel - 1) / 2 + (kind1 ? (kernel - 1) / 2 : 0) }
            }
            total += frames(blocks.max() ?? 0, perFrame: perFrame)
        }
        total += frames((postKernel - 1) / 2, perFrame: perFrame)
        return total + 1
    }

    /// Frames decoded at once by default: long segments are decoded in pieces of this many frames (plus
    /// ``contextFrames`` each side), which bounds the activation memory (a 48 kHz stage tensor of
    /// 5 s is 31 MB per piece) at a cost of 2·context extra frames per piece (about 10 % of the
    /// work with two pieces of 500 frames in flight, against 7 % with 750). 1000 rather than
    /// 1500: a 180 s conversion peaked at 2.00 instead of 2.06 GB, and the 20 s synthesizer took
    /// 12.6 / 10.4 s against 11.8 / 10.7 s in two alternating rounds (inside this machine's spread).
    static let defaultChunkFrames = 1000

    /// The most frames decoded at once (``defaultChunkFrames``; smaller in tests): the length of a
    /// piece, or of all the pieces in flight when several run at the same time.
    var chunkFrames = Decoder.defaultChunkFrames

    /// Pieces decoded at the same time on the CPU, each with its share of the intra-op threads
    /// (``Torch/concurrently(_:_:)``), together at most ``chunkFrames`` long. Two pieces on one
    /// thread each avoid the barriers LibTorch's kernels wait at between operations: on 2 cores
    /// the 20 s synthesizer took 11.8–12.3 s against 15–22 s one piece after another, and 180 s of
    /// input 151 s against 216 s, at the same peak memory (2.82 GB; AMD EPYC Zen 4).
    static let defaultConcurrentPieces = 2

    /// At most this many pieces at once (``defaultConcurrentPieces``; 1 decodes one after another).
    var concurrentPieces = Decoder.defaultConcurrentPieces

    /// Pieces run at the same time only when each worker gets at least this many frames (2 s),
    /// so the context each piece adds (2 × ``contextFrames``, about 50 frames at 48 kHz) stays a
    /// small part of the work. A 5 s input (about 500 kept frames) still splits in two:
    /// 3.6 → 3.3 s for the synthesizer measured.
    static let minimumConcurrentFrames = 200

    /// z [1, I, T], speaker g [1, G, 1], f0 [1, T] Hz (pitch models) → audio [1, 1, T·upp], or
    /// only the audio of the frames in `keep`.
    ///
    /// The convolutions run on the kept frames plus ``contextFrames`` on each side, in pieces of at
    /// most ``chunkFrames`` (the harmonic source still runs on all frames: its phase accumulates
    /// from the first), so the result equals the same samples of the whole output while skipping
    /// the padding the pipeline discards and bounding memory on long segments. On the CPU with
    /// more than one thread, up to ``concurrentPieces`` pieces of equal length run at the same time.
    func callAsFunction(_ z: Tensor, speaker g: Tensor, f0: Tensor?, noise: SynthesisNoise, keep: Range<Int>? = nil) throws -> Tensor {
        let harmonic: Tensor? = if let source, let f0 { try source(f0, noise: noise) } else { nil }
        let frames = z.size(2)
        let wanted = keep.map { $0.clamped(to: 0..<frames) } ?? 0..<frames
        let plan = Self.pieces(
            of: wanted, chunk: chunkFrames,
            workers: z.device == .cpu ? min(concurrentPieces, Torch.threadCount) : 1)
        if wanted == 0..<frames, plan.pieces.count == 1 {
            return try decode(z, speaker: g, harmonic: harmonic)
        }
        let upp = samplesPerFrame
        @Sendable func decodePiece(_ piece: Range<Int>) throws -> Tensor {
            let start = max(0, piece.lowerBound - contextFrames)
            let end = min(frames, piece.upperBound + contextFrames)
            let audio = try decode(
                z.narrow(dim: 2, start: start, length: end - start), speaker: g,
                harmonic: harmonic?.narrow(dim: 2, start: start * upp, length: (end - start) * upp))
            return try audio.narrow(dim: 2, start: (piece.lowerBound - start) * upp, length: piece.count * upp)
        }
        // Worker w decodes pieces w, w + workers, …; with one worker, all of them here in order.
        let decoded = try Torch.concurrently(plan.workers) { worker in
            try stride(from: worker, to: plan.pieces.count, by: plan.workers).map { try decodePiece(plan.pieces[$0]) }
        }
        let outputs = plan.pieces.indices.map { decoded[$0 % plan.workers][$0 / plan.workers] }
        return outputs.count == 1 ? outputs[0] : try Tensor.cat(outputs, dim: 2)
    }

    /// Cuts `wanted` into pieces of equal length (±1 frame) for `workers` decoding at once (fewer
    /// when a share would be under `minimum` frames). The pieces in flight together hold at most
    /// `chunk` frames, so memory stays what one piece of `chunk` frames needs, and with more than
    /// one worker their count is a multiple of the workers so that they finish together.
    /// Returns the pieces and how many run at once.
    static func pieces(
        of wanted: Range<Int>, chunk: Int, workers: Int, minimum: Int = minimumConcurrentFrames
    ) -> (pieces: [Range<Int>], workers: Int) {
        let length = wanted.count
        guard length > 0, chunk > 0 else { return ([wanted], 1) }
        let workers = max(1, min(workers, length / max(1, minimum)))
        let longest = max(1, chunk / workers)
        var count = (length + longest - 1) / longest
        count = (count + workers - 1) / workers * workers
        var pieces: [Range<Int>] = []
        for i in 0..<count {
            let lower = wanted.lowerBound + length * i / count
            let upper = wanted.lowerBound + length * (i + 1) / count
            pieces.append(lower..<upper)
        }
        return (pieces, workers)
    }

    private func decode(_ z: Tensor, speaker g: Tensor, harmonic: Tensor?) throws -> Tensor {
        // In-place activations and sums on tensors this function made itself: each avoids a fresh
        // activation-sized allocation without changing a single operation or its order.
        var x = try preConv(z) + speakerConv(g)
        for stage in stages {
            try x.leakyReluInPlace(Self.stageSlope)
            x = try stage.upsample(x)
            if let conv = stage.sourceConv, let harmonic {
                try x.addInPlace(conv(harmonic))
            }
            let sum = try stage.blocks[0](x)
            for block in stage.blocks.dropFirst() {
                try sum.addInPlace(block(x))
            }
            try sum.divideInPlace(Double(stage.blocks.count))
            x = sum
        }
        try x.leakyReluInPlace(Self.finalSlope)
        return try postConv(x).tanh()
    }
}
