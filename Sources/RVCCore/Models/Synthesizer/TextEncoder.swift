/// `enc_p`: projects HuBERT features (plus the coarse-pitch embedding for pitch models) through a
/// post-LN transformer with relative attention to the prior mean and log-scale
/// (reference-inference.md D.2).
struct TextEncoder: Sendable {
    struct Layer: Sendable {
        let attention: RelativeAttention
        let norm1: (gamma: Tensor, beta: Tensor)
        let feedForward: FeedForward
        let norm2: (gamma: Tensor, beta: Tensor)
    }

    let phoneWeight: Tensor
    let phoneBias: Tensor
    /// `emb_pitch` [256, H]; nil for models without pitch.
    let pitchTable: Tensor?
    let layers: [Layer]
    let projection: Conv1dLayer
    let hidden: Int
    let inter: Int
    /// E_in: the feature width the phone projection takes.
    let featureWidth: Int

    /// Coarse pitch values index a 256-row embedding (RVC's `nn.Embedding(256, H)`).
    static let pitchBins = 256

    init(_ reader: SynthesizerWeightReader, config: VoiceModelConfig, hasPitch: Bool) throws {
        let h = config.hiddenChannels
        hidden = h
        inter = config.interChannels
        featureWidth = try reader.shape("enc_p.emb_phone.weight", rank: 2)[1]
        phoneWeight = try reader.tensor("enc_p.emb_phone.weight", shape: [h, featureWidth])
        phoneBias = try reader.tensor("enc_p.emb_phone.bias", shape: [h])
        pitchTable = hasPitch ? try reader.tensor("enc_p.emb_pitch.weight", shape: [Self.pitchBins, h]) : nil
        layers = try (0..<config.layers).map { l in
            let p = "enc_p.encoder."
            return Layer(
                attention: try RelativeAttention(reader, p + "attn_layers.\(l)", channels: h, heads: config.heads),
                norm1: (try reader.tensor(p + "norm_layers_1.\(l).gamma", shape: [h]),
                        try reader.tensor(p + "norm_layers_1.\(l).beta", shape: [h])),
                feedForward: try FeedForward(
                    reader, p + "ffn_layers.\(l)", channels: h, filterChannels: config.filterChannels,
                    kernel: config.kernelSize),
                norm2: (try reader.tensor(p + "norm_layers_2.\(l).gamma", shape: [h]),
                        try reader.tensor(p + "norm_layers_2.\(l).beta", shape: [h])))
        }
        projection = try Conv1dLayer(reader, "enc_p.proj", out: 2 * inter, in: h, kernel: 1)
    }

    /// features [1, T, E_in], pitch [1, T] int64 (nil without pitch) → (m_p, logs_p), each [1, I, T].
    func callAsFunction(_ features: Tensor, pitch: Tensor?) throws -> (mean: Tensor, logScale: Tensor) {
        var x = try features.linear(weight: phoneWeight, bias: phoneBias)
        if let pitchTable, let pitch {
            x = try x + pitchTable.embedding(pitch)
        }
        // ·√H then LeakyReLU(0.1), as the reference's TextEncoder.
        x = try (x * Double(hidden).squareRoot()).leakyRelu(0.1).transposed(1, 2)
        for layer in layers {
            x = try Self.layerNorm(x + layer.attention(x), layer.norm1)
            x = try Self.layerNorm(x + layer.feedForward(x), layer.norm2)
        }
        let stats = try projection(x)
        return (try stats.narrow(dim: 1, start: 0, length: inter), try stats.narrow(dim: 1, start: inter, length: inter))
    }

    /// Layer norm over channels of [1, C, T] (eps 1e-5, the VITS `LayerNorm` module).
    private static func layerNorm(_ x: Tensor, _ p: (gamma: Tensor, beta: Tensor)) throws -> Tensor {
        try x.transposed(1, 2).layerNorm(normalizedShape: [p.gamma.size(0)], weight: p.gamma, bias: p.beta, eps: 1e-5)
            .transposed(1, 2)
    }
}
