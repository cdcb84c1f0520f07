/// The architecture of a fairseq HuBERT checkpoint (`cfg["model"]` or `args`), with fairseq's
/// `HubertConfig` defaults for absent fields (reference-inference.md A.5).
public struct HuBERTConfig: Sendable, Equatable, Codable {
    /// One convolution block of the feature extractor.
    public struct ConvLayer: Sendable, Equatable, Codable {
        public var channels: Int
        public var kernel: Int
        public var stride: Int
        public init(channels: Int, kernel: Int, stride: Int) {
            self.channels = channels
            self.kernel = kernel
            self.stride = stride
        }
    }

    /// `extractor_mode`: "default" (group norm in block 0 only) or "layer_norm".
    public var extractorMode: String = "default"
    /// Parsed `conv_feature_layers`.
    public var convLayers: [ConvLayer] =
        [ConvLayer(channels: 512, kernel: 10, stride: 5)]
        + Array(repeating: ConvLayer(channels: 512, kernel: 3, stride: 2), count: 4)
        + Array(repeating: ConvLayer(channels: 512, kernel: 2, stride: 2), count: 2)
    public var convBias: Bool = false
    public var encoderLayers: Int = 12
    public var embedDim: Int = 768
    public var ffnDim: Int = 3072
    public var attentionHeads: Int = 12
    public var activation: String = "gelu"
    public var layerNormFirst: Bool = false
    public var convPos: Int = 128
    public var convPosGroups: Int = 16
    public var finalDim: Int = 256
    public var requiredSeqLenMultiple: Int = 2
    public var posConvDepth: Int = 1
    /// `cfg["task"]["normalize"]`: whether the waveform is normalised first (false for RVC's file).
    public var normalize: Bool = false

    public init() {}
}
