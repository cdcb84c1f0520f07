/// The architecture of an RMVPE `E2E` pitch network (reference-inference.md A.7, C.3), inferred
/// from the weight shapes of `rmvpe.pt`.
public struct RMVPEConfig: Sendable, Equatable, Codable {
    /// ConvBlockRes blocks per encoder/intermediate/decoder layer (`n_blocks`, 4 in production).
    public var blocks: Int
    /// Bidirectional GRU layers (`n_gru`, 1 in production; 0 means a plain Linear head).
    public var gruLayers: Int
    /// Average-pooling kernel of the encoder (`kernel_size`). Not visible in the weights: the
    /// reference always builds `E2E(..., kernel_size=(2, 2), ...)` (lib/rmvpe.py RMVPE.__init__).
    public var poolKernel: [Int]
    /// Encoder and decoder layers (`en_de_layers`, 5 in production).
    public var encoderDecoderLayers: Int
    /// Intermediate layers (`inter_layers`, 4 in production).
    public var intermediateLayers: Int
    /// Input channels (`in_channels`, 1).
    public var inChannels: Int
    /// Output channels of the first encoder layer (`en_out_channels`, 16 in production).
    public var encoderOutChannels: Int
    /// GRU hidden size per direction (256).
    public var gruHidden: Int
    /// Mel bins of the input spectrogram (128; the GRU input is 3 × bins).
    public var melBins: Int
    /// Output pitch classes (360, the rows of `fc.1.weight`).
    public var classes: Int

    public init(
        blocks: Int, gruLayers: Int, poolKernel: [Int] = [2, 2], encoderDecoderLayers: Int,
        intermediateLayers: Int, inChannels: Int, encoderOutChannels: Int, gruHidden: Int, melBins: Int,
        classes: Int
    ) {
        self.blocks = blocks
        self.gruLayers = gruLayers
        self.poolKernel = poolKernel
        self.encoderDecoderLayers = encoderDecoderLayers
        self.intermediateLayers = intermediateLayers
        self.inChannels = inChannels
        self.encoderOutChannels = encoderOutChannels
        self.gruHidden = gruHidden
        self.melBins = melBins
        self.classes = classes
    }
}
