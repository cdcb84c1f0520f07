/// fairseq's `ConvFeatureExtractionModel`: strided 1-D convolutions from 16 kHz samples to frames
/// (reference-inference.md B.1). Keys: `feature_extractor.conv_layers.{i}.…`.
struct HuBERTFeatureExtractor: Sendable {
    /// How a block normalises its convolution output.
    enum Norm: Sendable {
        case none
        /// fairseq `Fp32GroupNorm(C, C)`: one group per channel, computed in float32.
        case group(weight: Tensor, bias: Tensor)
        /// fairseq `Fp32LayerNorm` over channels, computed in float32.
        case layer(weight: Tensor, bias: Tensor)
    }

    struct Block: Sendable {
        let weight: Tensor
        let bias: Tensor?
        let stride: Int
        let kernel: Int
        let channels: Int
        let norm: Norm
    }

    let blocks: [Block]
    let dtype: DType
    /// Output frames per convolution call in the wide blocks (see ``defaultPieceFrames``).
    var pieceFrames = Self.defaultPieceFrames

    /// fairseq's norm epsilon (torch default for GroupNorm/LayerNorm).
    static let eps = 1e-5

    init(_ reader: WeightReader, config: HuBERTConfig) throws {
        guard !config.convLayers.isEmpty else { throw reader.unsupported("HuBERT conv_feature_layers is empty") }
        let layerNormMode: Bool
        switch config.extractorMode {
        case "default": layerNormMode = false
        case "layer_norm": layerNormMode = true
        default: throw reader.unsupported("HuBERT extractor_mode '\(config.extractorMode)' is not supported")
        }
        var blocks: [Block] = []
        var inChannels = 1
        for (i, layer) in config.convLayers.enumerated() {
            let r = reader.scoped("feature_extractor.conv_layers.\(i).")
            let c = layer.channels
            guard c > 0, layer.kernel > 0, layer.stride > 0 else {
                throw reader.unsupported("HuBERT conv layer \(i) has a non-positive size \(layer)")
            }
            let weight = try r.tensor("0.weight", shape: [c, inChannels, layer.kernel])
            let bias = config.convBias ? try r.tensor("0.bias", shape: [c]) : nil
            let norm: Norm
            if layerNormMode {
                // Sequential(conv, dropout, Sequential(TransposeLast, Fp32LayerNorm, TransposeLast), GELU)
                norm = .layer(weight: try r.float32("2.1.weight", shape: [c]), bias: try r.float32("2.1.bias", shape: [c]))
            } else if i == 0 {
                norm = .group(weight: try r.float32("2.weight", shape: [c]), bias: try r.float32("2.bias", shape: [c]))
            } else {
                norm = .none
            }
            blocks.append(Block(weight: weight, bias: bias, stride: layer.stride, kernel: layer.kernel, channels: c, norm: norm))
            inChannels = c
        }
        self.blocks = blocks
        self.dtype = reader.dtype
    }

    /// Channels of the output frames.
    var outputChannels: Int { blocks.last?.channels ?? 0 }

    /// Output frames for `samples` input samples, or nil when some block would get no input.
    func frameCount(samples: Int) -> Int? {
        var length = samples
        for block in blocks {
            guard length >= block.kernel else { return nil }
            length = (length - block.kernel) / block.stride + 1
        }
        return length
    }

    /// The smallest input that yields one frame (400 samples for fairseq's extractor).
    var minimumSamples: Int {
        blocks.reversed().reduce(1) { length, block in (length - 1) * block.stride + block.kernel }
    }

    /// Output frames per convolution call. LibTorch computes the strided convolutions of the blocks
    /// with more than one input channel through an im2col scratch of C·k values per output frame:
    /// a 60 s segment's second block took 0.6 GB at once, the peak of a whole conversion. The
    /// first block (one input channel) goes through oneDNN, which writes its output in its own
    /// blocked layout and then copies it to a plain one: two copies of 512 × L/5 values, 575 MB for
    /// a 44 s segment, HuBERT's largest moment. Pieces of 8192 frames bound either to 35–50 MB
    /// beside the output; each output frame is computed exactly as before.
    static let defaultPieceFrames = 8192

    /// One block's convolution, in pieces of `pieceFrames` output frames when the output is long.
    private func convolve(_ x: Tensor, _ block: Block) throws -> Tensor {
        let length = x.size(2)
        let frames = length >= block.kernel ? (length - block.kernel) / block.stride + 1 : 0
        guard frames > pieceFrames else {
            return try x.conv1d(weight: block.weight, bias: block.bias, stride: block.stride)
        }
        let y = try Tensor.zeros([x.size(0), block.channels, frames], dtype: x.dtype, device: x.device)
        var first = 0
        while first < frames {
            let count = min(pieceFrames, frames - first)
            let input = try x.narrow(dim: 2, start: first * block.stride, length: (count - 1) * block.stride + block.kernel)
            try y.narrow(dim: 2, start: first, length: count)
                .copyFrom(input.conv1d(weight: block.weight, bias: block.bias, stride: block.stride))
            first += count
        }
        return y
    }

    /// [1, 1, L] audio in the compute dtype → [1, C, n].
    func callAsFunction(_ audio: Tensor) throws -> Tensor {
        var x = audio
        for block in blocks {
            x = try convolve(x, block)
            switch block.norm {
            case .none:
                break
            case .group(let weight, let bias) where x.dtype == .float32 && x.device == .cpu:
                // In place: no second copy of the first block's 512 × L/5 activation.
                try x.channelNormInPlace(weight: weight, bias: bias, eps: Self.eps)
            case .group(let weight, let bias):
                x = try x.to(dtype: .float32)
                    .groupNorm(groups: block.channels, weight: weight, bias: bias, eps: Self.eps)
                    .to(dtype: dtype)
            case .layer(let weight, let bias):
                x = try x.to(dtype: .float32).transposed(1, 2)
                    .layerNorm(normalizedShape: [block.channels], weight: weight, bias: bias, eps: Self.eps)
                    .transposed(1, 2).to(dtype: dtype)
            }
            // In place: the first block's activation is 512 × L/5 values (268 MB for a 41 s segment).
            try x.geluInPlace()
        }
        return x
    }
}
