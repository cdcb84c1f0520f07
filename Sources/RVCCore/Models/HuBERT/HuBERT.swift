/// The fairseq HuBERT content encoder as RVC uses it (reference-inference.md A.5, A.6, B): 16 kHz
/// samples in, one feature vector per 20 ms frame out.
///
/// Every size comes from the checkpoint's ``HuBERTConfig`` and is checked against the weights at
/// load; the weight-normalised positional convolution and all dtype conversions are done once in
/// the initialiser. The model is immutable and can be shared between threads.
public final class HuBERT: Sendable {
    /// The architecture the model was built from.
    public let config: HuBERTConfig
    /// Where the weights live and the computation runs.
    public let device: Device
    /// The compute dtype (float32; float16/bfloat16 for half-precision inference).
    public let dtype: DType

    let featureExtractor: HuBERTFeatureExtractor
    let layerNormWeight, layerNormBias: Tensor
    let postExtractProjection: (weight: Tensor, bias: Tensor)?
    let positionalConvolution: HuBERTPositionalConvolution
    let encoderNormWeight, encoderNormBias: Tensor
    let layers: [HuBERTEncoderLayer]
    let finalProjection: (weight: Tensor, bias: Tensor)?

    /// The name used in error messages.
    static let name = "HuBERT"
    /// RVC v1 models read transformer layer 9 through `final_proj` (reference B.7).
    public static let v1OutputLayer = 9
    /// RVC v2 models read transformer layer 12 (reference B.7).
    public static let v2OutputLayer = 12

    /// Builds the network from a fairseq state dict (keys as in the checkpoint's `model` dict).
    ///
    /// - Parameters:
    ///   - weights: the `model` state dict; float16 or float32 storage.
    ///   - config: the checkpoint's architecture.
    ///   - device: where to place the weights.
    ///   - dtype: the compute dtype; weights are converted to it once, here.
    /// - Throws: ``WeightError`` naming the first missing or mis-shaped key, or an unsupported
    ///   architecture (`layer_norm_first`, `pos_conv_depth` > 1, unknown `extractor_mode`).
    public init(weights: StateDict, config: HuBERTConfig, device: Device = .cpu, dtype: DType = .float32) throws {
        let reader = WeightReader(weights, device: device, dtype: dtype)
        guard !config.layerNormFirst else {
            throw reader.unsupported("HuBERT with layer_norm_first (pre-LN) is not supported")
        }
        let e = config.embedDim
        guard e > 0, config.attentionHeads > 0, e % config.attentionHeads == 0 else {
            throw reader.unsupported("HuBERT embed dim \(e) is not divisible by \(config.attentionHeads) heads")
        }
        guard config.activation == "gelu" else {
            throw reader.unsupported("HuBERT activation_fn '\(config.activation)' is not supported (only gelu)")
        }
        guard config.requiredSeqLenMultiple >= 1 else {
            throw reader.unsupported("HuBERT required_seq_len_multiple \(config.requiredSeqLenMultiple) is invalid")
        }
        self.config = config
        self.device = device
        self.dtype = dtype
        featureExtractor = try HuBERTFeatureExtractor(reader, config: config)
        let c = featureExtractor.outputChannels
        layerNormWeight = try reader.tensor("layer_norm.weight", shape: [c])
        layerNormBias = try reader.tensor("layer_norm.bias", shape: [c])
        // fairseq creates post_extract_proj only when the conv width differs from the model width.
        if reader.contains("post_extract_proj.weight") || c != e {
            postExtractProjection = (
                try reader.tensor("post_extract_proj.weight", shape: [e, c]),
                try reader.tensor("post_extract_proj.bias", shape: [e]))
        } else {
            postExtractProjection = nil
        }
        positionalConvolution = try HuBERTPositionalConvolution(reader, config: config)
        encoderNormWeight = try reader.tensor("encoder.layer_norm.weight", shape: [e])
        encoderNormBias = try reader.tensor("encoder.layer_norm.bias", shape: [e])
        layers = try (0..<config.encoderLayers).map { n in
            try HuBERTEncoderLayer(
                reader.scoped("encoder.layers.\(n)."), embedDim: e, ffnDim: config.ffnDim, heads: config.attentionHeads)
        }
        if reader.contains("final_proj.weight") {
            finalProjection = (
                try reader.tensor("final_proj.weight", shape: [config.finalDim, e]),
                try reader.tensor("final_proj.bias", shape: [config.finalDim]))
        } else {
            finalProjection = nil
        }
    }

    /// The smallest number of samples that gives one frame (400 for HuBERT base).
    public var minimumSamples: Int { featureExtractor.minimumSamples }

    /// Frames produced for `samples` input samples (⌊(L − 400)/320⌋ + 1 for HuBERT base), or nil
    /// when the input is shorter than ``minimumSamples``.
    public func frameCount(samples: Int) -> Int? { featureExtractor.frameCount(samples: samples) }

    /// Width of the features for `version`: `final_dim` (v1) or the model width (v2).
    public func featureDimension(version: VoiceModelVersion) -> Int {
        version == .v1 ? config.finalDim : config.embedDim
    }

    /// RVC's content features: layer 9 through `final_proj` for v1 models, layer 12 for v2.
    ///
    /// - Parameter audio: 16 kHz mono samples, shape [L], any floating dtype (float64 is converted
    ///   to the compute dtype directly, as the reference does).
    /// - Returns: features [⌊(L − 400)/320⌋ + 1, D] in the compute dtype on ``device``.
    /// - Throws: ``ModelInputError`` for short or malformed audio or a layer the weights lack.
    public func extractFeatures(audio: Tensor, version: VoiceModelVersion) throws -> Tensor {
        switch version {
        case .v1: return try extractFeatures(audio: audio, outputLayer: Self.v1OutputLayer, project: true)
        case .v2: return try extractFeatures(audio: audio, outputLayer: Self.v2OutputLayer, project: false)
        }
    }

    /// The output of transformer layer `outputLayer` (1-based), optionally through `final_proj`.
    ///
    /// - Parameters:
    ///   - audio: 16 kHz mono samples [L], any floating dtype.
    ///   - outputLayer: 1 … `encoder_layers`.
    ///   - project: apply `final_proj` (needs the checkpoint to have it).
    /// - Returns: features [frames, D].
    /// - Throws: ``ModelInputError`` or ``TorchError``.
    public func extractFeatures(audio: Tensor, outputLayer: Int, project: Bool) throws -> Tensor {
        guard audio.rank == 1, audio.dtype.isFloatingPoint else {
            throw ModelInputError.badInput(
                model: Self.name, what: "audio must be a 1-D floating-point tensor, got \(audio.dtype) \(audio.shape)")
        }
        guard (1...layers.count).contains(outputLayer) else {
            throw ModelInputError.unavailable(
                model: Self.name, what: "output layer \(outputLayer) is outside 1...\(layers.count)")
        }
        if project && finalProjection == nil {
            throw ModelInputError.unavailable(model: Self.name, what: "the checkpoint has no final_proj weights (needed for v1 features)")
        }
        guard let frames = frameCount(samples: audio.count), frames > 0 else {
            throw ModelInputError.audioTooShort(model: Self.name, samples: audio.count, minimum: minimumSamples)
        }
        return try Torch.inferenceMode {
            try forward(audio.to(dtype: dtype, device: device), frames: frames, outputLayer: outputLayer, project: project)
        }
    }

    private func forward(_ audio: Tensor, frames n: Int, outputLayer: Int, project: Bool) throws -> Tensor {
        let e = config.embedDim
        // B.1–B.4: conv features [1, C, n] → [n, C] → layer norm → projection.
        var x = try featureExtractor(audio.reshape([1, 1, -1])).squeeze(0).transposed(0, 1)
        x = try x.layerNorm(normalizedShape: [x.size(1)], weight: layerNormWeight, bias: layerNormBias, eps: HuBERTEncoderLayer.eps)
        if let projection = postExtractProjection {
            x = try x.linear(weight: projection.weight, bias: projection.bias)
        }
        // B.5.b–c: positional convolution over [1, E, n], added, then the encoder layer norm.
        let positional = try positionalConvolution(x.transposed(0, 1).unsqueeze(0)).squeeze(0).transposed(0, 1)
        x = try (x + positional).layerNorm(
            normalizedShape: [e], weight: encoderNormWeight, bias: encoderNormBias, eps: HuBERTEncoderLayer.eps)
        // B.5.d: pad to a multiple of required_seq_len_multiple with zero frames masked out of attention.
        let multiple = config.requiredSeqLenMultiple
        let padded = (n + multiple - 1) / multiple * multiple
        if padded > n {
            x = try x.pad([0, 0, 0, padded - n])
        }
        let mask = try keyMask(frames: n, padded: padded)
        for layer in layers.prefix(outputLayer) {
            x = try layer(x, mask: mask)
        }
        if padded > n {
            x = try x.narrow(dim: 0, start: 0, length: n)
        }
        if project, let projection = finalProjection {
            x = try x.linear(weight: projection.weight, bias: projection.bias)
        }
        return try x.contiguous()
    }

    /// The additive key-padding mask [1, H, 1, S] that torch's attention builds from fairseq's
    /// boolean mask: 0 for real frames, −∞ for padding.
    private func keyMask(frames: Int, padded: Int) throws -> Tensor {
        var values = [Float](repeating: 0, count: padded)
        for i in frames..<padded { values[i] = -.infinity }
        return try Tensor(values, shape: [1, 1, 1, padded]).to(dtype: dtype, device: device)
            .expand([1, config.attentionHeads, 1, padded]).contiguous()
    }
}
