/// The 18 positional constructor arguments of an RVC synthesizer (`config` in a voice `.pth`,
/// reference-inference.md A.1), typed.
public struct VoiceModelConfig: Sendable, Equatable, Codable {
    /// 0: spec_channels (only used by the deleted posterior encoder).
    public var specChannels: Int
    /// 1: segment_size (training only).
    public var segmentSize: Int
    /// 2: inter_channels (latent channels).
    public var interChannels: Int
    /// 3: hidden_channels.
    public var hiddenChannels: Int
    /// 4: filter_channels (text-encoder FFN width).
    public var filterChannels: Int
    /// 5: n_heads.
    public var heads: Int
    /// 6: n_layers (text-encoder attention layers).
    public var layers: Int
    /// 7: kernel_size (text-encoder FFN kernel).
    public var kernelSize: Int
    /// 8: p_dropout (unused at inference).
    public var dropout: Double
    /// 9: resblock: "1" selects ResBlock1, anything else ResBlock2.
    public var resblock: String
    /// 10: resblock_kernel_sizes.
    public var resblockKernelSizes: [Int]
    /// 11: resblock_dilation_sizes.
    public var resblockDilationSizes: [[Int]]
    /// 12: upsample_rates (their product is samples per 10 ms frame).
    public var upsampleRates: [Int]
    /// 13: upsample_initial_channel.
    public var upsampleInitialChannel: Int
    /// 14: upsample_kernel_sizes.
    public var upsampleKernelSizes: [Int]
    /// 15: spk_embed_dim as stored (the reference overrides it with `emb_g.weight` rows).
    public var speakerEmbedDim: Int
    /// 16: gin_channels (speaker-embedding width).
    public var ginChannels: Int
    /// 17: output sample rate in Hz.
    public var sampleRate: Int

    public init(
        specChannels: Int, segmentSize: Int, interChannels: Int, hiddenChannels: Int,
        filterChannels: Int, heads: Int, layers: Int, kernelSize: Int, dropout: Double,
        resblock: String, resblockKernelSizes: [Int], resblockDilationSizes: [[Int]],
        upsampleRates: [Int], upsampleInitialChannel: Int, upsampleKernelSizes: [Int],
        speakerEmbedDim: Int, ginChannels: Int, sampleRate: Int
    ) {
        self.specChannels = specChannels
        self.segmentSize = segmentSize
        self.interChannels = interChannels
        self.hiddenChannels = hiddenChannels
        self.filterChannels = filterChannels
        self.heads = heads
        self.layers = layers
        self.kernelSize = kernelSize
        self.dropout = dropout
        self.resblock = resblock
        self.resblockKernelSizes = resblockKernelSizes
        self.resblockDilationSizes = resblockDilationSizes
        self.upsampleRates = upsampleRates
        self.upsampleInitialChannel = upsampleInitialChannel
        self.upsampleKernelSizes = upsampleKernelSizes
        self.speakerEmbedDim = speakerEmbedDim
        self.ginChannels = ginChannels
        self.sampleRate = sampleRate
    }

    /// Output samples per 10 ms feature frame: the product of the upsample rates.
    public var samplesPerFrame: Int { upsampleRates.reduce(1, *) }
}

/// RVC model generation: v1 (256-d HuBERT layer-9 features) or v2 (768-d layer-12 features).
public enum VoiceModelVersion: String, Sendable, Codable {
    case v1, v2
}
