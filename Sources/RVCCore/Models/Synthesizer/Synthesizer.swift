/// An RVC synthesizer (`SynthesizerTrnMs256NSFsid`, `…_nono`, `SynthesizerTrnMs768NSFsid`,
/// `…_nono`; reference-inference.md A.2, D): HuBERT features (plus pitch) and a speaker id →
/// waveform at the model's sample rate.
///
/// Every size comes from ``VoiceModelConfig`` and the weight shapes (the feature width from
/// `enc_p.emb_phone.weight`, the speaker count from `emb_g.weight`); weight normalisation is
/// resolved once at load in the compute dtype, as the reference evaluates it after `.float()` /
/// `.half()` (A.4). The instance is immutable and can be shared between tasks; calls on it are
/// independent.
///
/// Half precision keeps an fp32 island: in float16 and bfloat16 the text encoder (`enc_p`: phone
/// projection, relative attention, FFN, layer norms, projection) and the prior sample
/// (m_p + e^logs_p · ε) run in float32, and the prior is cast to the compute dtype before the flow.
/// float16 overflows there on some models (residual activations and attention logits beyond
/// 65 504, giving NaN or silence: Applio commit 3393dadc), while the encoder is a small share of
/// the work; the flow and the decoder, where the time goes, run in the compute dtype.
public final class Synthesizer: Sendable {
    /// v1 (256-d features in production) or v2 (768-d).
    public let version: VoiceModelVersion
    /// True for pitch-conditioned (NSF) models.
    public let hasPitch: Bool
    /// The constructor arguments stored in the model file.
    public let config: VoiceModelConfig
    /// Feature channels the model takes (E_in).
    public let featureWidth: Int
    /// Rows of the speaker table; valid speaker ids are `0..<speakerCount`.
    public let speakerCount: Int
    /// Compute dtype (`.float32`, or `.float16` for the reference's half-precision mode, or `.bfloat16`).
    public let dtype: DType
    /// The dtype of the text encoder and the prior sample: float32 (the fp32 island in half precision).
    public let encoderDType: DType
    /// Where the weights live and the computation runs.
    public let device: Device

    /// Output sample rate in Hz.
    public var sampleRate: Int { config.sampleRate }
    /// Output samples per feature frame (the product of the upsample rates; sampleRate / 100).
    public var samplesPerFrame: Int { config.samplesPerFrame }

    let speakerTable: Tensor
    let encoder: TextEncoder
    let flow: ReverseFlow
    let decoder: Decoder

    /// The constant the reference scales the prior noise by (`* 0.66666` in `infer`).
    static let priorNoiseScale = 0.66666

    /// Builds the synthesizer from a voice model's weights.
    /// - Parameters:
    ///   - weights: the `weight` state dict of the `.pth` (float16 or float32 tensors).
    ///   - config: the 18 constructor arguments.
    ///   - version: selects the class with `hasPitch`; the architecture itself is read from the weights.
    ///   - dtype: `.float32` (weights widened at load, as the reference's fp32 mode), `.float16` or
    ///     `.bfloat16` (with the float32 island described above).
    ///   - device: where to place the weights.
    /// - Throws: ``WeightError`` naming the first missing or mis-shaped key, or an unbuildable
    ///   configuration; ``TorchError`` if a weight cannot be moved or converted.
    public convenience init(
        weights: StateDict, config: VoiceModelConfig, version: VoiceModelVersion, hasPitch: Bool,
        dtype: DType = .float32, device: Device = .cpu
    ) throws {
        try self.init(
            weights: weights, config: config, version: version, hasPitch: hasPitch, dtype: dtype,
            encoderDType: .float32, device: device)
    }

    /// As the public initialiser, with the encoder's dtype chosen (tests run it in the compute
    /// dtype to show what the float32 island prevents).
    init(
        weights: StateDict, config: VoiceModelConfig, version: VoiceModelVersion, hasPitch: Bool,
        dtype: DType, encoderDType: DType, device: Device
    ) throws {
        let reader = SynthesizerWeightReader(weights: weights, dtype: dtype, device: device)
        self.version = version
        self.hasPitch = hasPitch
        self.config = config
        self.dtype = dtype
        self.encoderDType = encoderDType
        self.device = device
        speakerCount = try reader.shape("emb_g.weight", rank: 2)[0]
        speakerTable = try reader.tensor("emb_g.weight", shape: [speakerCount, config.ginChannels])
        let encoderReader = SynthesizerWeightReader(weights: weights, dtype: encoderDType, device: device)
        encoder = try TextEncoder(encoderReader, config: config, hasPitch: hasPitch)
        featureWidth = encoder.featureWidth
        flow = try ReverseFlow(reader, channels: config.interChannels, hidden: config.hiddenChannels, gin: config.ginChannels)
        decoder = try Decoder(reader, config: config, hasPitch: hasPitch)
    }

    /// Runs `infer` on one segment where every frame is valid.
    /// - Parameters:
    ///   - features: [1, T, featureWidth] in any floating dtype (converted to ``dtype``).
    ///   - pitch: coarse pitch [1, T] int64 in 1…255 (pitch models only).
    ///   - pitchHz: f0 [1, T] in Hz, 0 = unvoiced (pitch models only; computed in float32).
    ///   - speaker: row of the speaker table, `0..<speakerCount`.
    ///   - noise: ``SynthesisNoise/none`` for deterministic output.
    ///   - keepFrames: when given, only the audio of these frames is computed and returned (the
    ///     decoder skips what lies beyond its receptive field; the samples equal the same part of
    ///     the whole output).
    /// - Returns: float32 audio [T · samplesPerFrame] (or `keepFrames.count · samplesPerFrame`) on
    ///   ``device``, in −1…1.
    /// - Throws: ``SynthesizerError`` for a bad speaker, width, length or missing pitch;
    ///   ``TorchError`` from the computation (e.g. a coarse pitch outside 0…255).
    public func infer(
        features: Tensor, pitch: Tensor? = nil, pitchHz: Tensor? = nil, speaker: Int, noise: SynthesisNoise = .none,
        keepFrames: Range<Int>? = nil
    ) throws -> Tensor {
        guard (0..<speakerCount).contains(speaker) else {
            throw SynthesizerError.speakerOutOfRange(speaker: speaker, count: speakerCount)
        }
        guard features.rank == 3, features.size(0) == 1 else {
            throw SynthesizerError.badShape(argument: "features", expected: "[1, frames, \(featureWidth)]", actual: features.shape)
        }
        guard features.size(2) == featureWidth else {
            throw SynthesizerError.featureWidth(expected: featureWidth, actual: features.size(2))
        }
        let frames = features.size(1)
        var coarse: Tensor?
        var f0: Tensor?
        if hasPitch {
            guard let pitch, let pitchHz else { throw SynthesizerError.missingPitch }
            for (name, t) in [("pitch", pitch), ("pitchHz", pitchHz)] {
                guard t.rank == 2, t.size(0) == 1 else {
                    throw SynthesizerError.badShape(argument: name, expected: "[1, \(frames)]", actual: t.shape)
                }
                guard t.size(1) == frames else {
                    throw SynthesizerError.lengthMismatch(argument: name, expected: frames, actual: t.size(1))
                }
            }
            coarse = try pitch.to(dtype: .int64, device: device)
            f0 = try pitchHz.to(dtype: .float32, device: device)
        }
        // The encoder and the prior in encoderDType (the float32 island), the rest in dtype.
        let x = try features.to(dtype: encoderDType, device: device)
        let g = try speakerTable.narrow(dim: 0, start: speaker, length: 1).unsqueeze(-1)  // [1, G, 1]
        let (mean, logScale) = try encoder(x, pitch: coarse)
        var prior = mean
        if case .random(let generator) = noise {
            let eps = try Tensor.randn(mean.shape, dtype: encoderDType, device: device, generator: generator)
            prior = try mean + logScale.exp() * eps * Self.priorNoiseScale
        }
        let z = try flow(prior.to(dtype: dtype), speaker: g)
        let audio = try decoder(z, speaker: g, f0: f0, noise: noise, keep: keepFrames)
        return try audio.reshape([-1]).to(dtype: .float32)
    }
}
