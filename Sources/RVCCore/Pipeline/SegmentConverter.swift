/// The per-segment step of the reference pipeline after HuBERT (`vc()` of reference-inference.md
/// E.8, steps 2–7): retrieval blending, 2× frame upsampling, the pitch length rule, consonant
/// protection and the synthesizer.
public final class SegmentConverter: Sendable {
    /// The voice model.
    public let synthesizer: Synthesizer
    /// Its retrieval index, if one was supplied.
    public let index: FeatureIndex?

    /// Input samples per pitch frame at 16 kHz (`window` in the reference).
    public static let window = 160

    /// - Throws: ``FeatureIndexError/dimension(expected:actual:)`` when the index does not store
    ///   vectors of the model's feature width.
    public init(synthesizer: Synthesizer, index: FeatureIndex? = nil) throws {
        if let index, index.dimension != synthesizer.featureWidth {
            throw FeatureIndexError.dimension(expected: synthesizer.featureWidth, actual: index.dimension)
        }
        self.synthesizer = synthesizer
        self.index = index
    }

    /// Converts one segment.
    /// - Parameters:
    ///   - features: HuBERT features [1, n, featureWidth] of the segment (any floating dtype; the
    ///     model's dtype is used from here on).
    ///   - pitch: the segment's pitch columns (pitch models; ignored otherwise). At least
    ///     min(2n, ⌊L/160⌋) columns; they are cut to that length.
    ///   - segmentLength: L, the segment's length in 16 kHz samples.
    ///   - options: speaker, index rate, protection.
    ///   - noise: ``SynthesisNoise/none`` for deterministic output.
    /// - Returns: float32 audio [2n · samplesPerFrame] on the model's device, before the pad trim.
    /// - Throws: ``SynthesizerError`` for bad options, shapes or lengths; ``FeatureIndexError``;
    ///   ``TorchError``.
    public func convert(
        features: Tensor, pitch: SegmentPitch?, segmentLength: Int, options: SegmentOptions = SegmentOptions(),
        noise: SynthesisNoise = .none
    ) throws -> Tensor {
        let blended = try blend(features: features, options: options)
        return try synthesize(blended, pitch: pitch, segmentLength: segmentLength, options: options, noise: noise)
    }

    /// The features of one segment after the retrieval blend, with the unblended ones kept for
    /// consonant protection (the first half of ``convert(features:pitch:segmentLength:options:noise:)``,
    /// separate so callers can time the index search on its own).
    /// The frames left after dropping `trim` at each end (nil: keep all; empty when nothing is left).
    private static func kept(_ frames: Int, _ trim: Int) -> Range<Int>? {
        guard trim > 0 else { return nil }
        return min(trim, frames)..<max(min(trim, frames), frames - trim)
    }

    public struct BlendedFeatures: Sendable {
        /// [1, n, featureWidth] in the model dtype, after the index blend (unchanged without an index).
        public let features: Tensor
        /// [1, n, featureWidth] in the model dtype, before the blend.
        public let original: Tensor
    }

    /// Validates the features and blends in the retrieved index features (E.8 steps 2–3).
    /// - Throws: as ``convert(features:pitch:segmentLength:options:noise:)``.
    public func blend(features: Tensor, options: SegmentOptions = SegmentOptions()) throws -> BlendedFeatures {
        try Self.check("indexRate", options.indexRate, 0...1)
        guard features.rank == 3, features.size(0) == 1 else {
            throw SynthesizerError.badShape(argument: "features", expected: "[1, frames, \(synthesizer.featureWidth)]", actual: features.shape)
        }
        guard features.size(2) == synthesizer.featureWidth else {
            throw SynthesizerError.featureWidth(expected: synthesizer.featureWidth, actual: features.size(2))
        }
        let dtype = synthesizer.dtype
        let device = synthesizer.device
        var feats = try features.to(dtype: dtype, device: device)
        let original = feats

        if let index, options.indexRate != 0 {
            let retrieved = try index.retrieve(feats.squeeze(0)).unsqueeze(0).to(dtype: dtype, device: device)
            // retrieved·rate + (1 − rate)·feats, each product rounded to the model dtype.
            feats = try (retrieved * options.indexRate) + ((1 - options.indexRate) * feats)
        }
        return BlendedFeatures(features: feats, original: original)
    }

    /// Upsamples, applies the pitch length rule and protection, and runs the synthesizer
    /// (E.8 steps 4–7) on features from ``blend(features:options:)``.
    ///
    /// `trimFrames` frames at each end are not returned (the pipeline's padding, E.8 step 8): the
    /// decoder then skips them beyond its receptive field instead of computing and discarding them.
    /// - Throws: as ``convert(features:pitch:segmentLength:options:noise:)``.
    public func synthesize(
        _ blended: BlendedFeatures, pitch: SegmentPitch?, segmentLength: Int, options: SegmentOptions = SegmentOptions(),
        noise: SynthesisNoise = .none, trimFrames: Int = 0
    ) throws -> Tensor {
        try Self.check("protect", options.protect, 0...1)
        let device = synthesizer.device
        let usePitch = synthesizer.hasPitch
        if usePitch, pitch == nil { throw SynthesizerError.missingPitch }
        let protecting = usePitch && options.protect < 0.5
        var feats = blended.features
        let original = blended.original
        // Nearest upsampling ×2 along time duplicates every frame.
        feats = try feats.repeatInterleave(2, dim: 1)
        let frames = feats.size(1)
        // p_len = ⌊L/160⌋, lowered to the feature length; every frame must then be valid.
        let length = min(segmentLength / Self.window, frames)
        guard length == frames else {
            throw SynthesizerError.lengthMismatch(argument: "segmentLength / \(Self.window)", expected: frames, actual: segmentLength / Self.window)
        }
        guard usePitch, let pitch else {
            return try synthesizer.infer(
                features: feats, speaker: options.speaker, noise: noise, keepFrames: Self.kept(length, trimFrames))
        }
        guard pitch.coarse.count >= length, pitch.hz.count >= length else {
            throw SynthesizerError.lengthMismatch(argument: "pitch", expected: length, actual: min(pitch.coarse.count, pitch.hz.count))
        }
        guard pitch.coarse.count == pitch.hz.count else {
            throw SynthesizerError.lengthMismatch(argument: "pitch.hz", expected: pitch.coarse.count, actual: pitch.hz.count)
        }
        let coarse = try Tensor(pitch.coarse.prefix(length).map(Int64.init), shape: [1, length]).to(device: device)
        let hz = try Tensor(Array(pitch.hz.prefix(length)), shape: [1, length]).to(device: device)
        if protecting {
            let protectedFeats = try original.repeatInterleave(2, dim: 1)
            // 1 where voiced, `protect` where f0 < 1 (the second assignment wins, as in the reference).
            let ones = try Tensor.ones([1, length], device: device)
            var mask = try Tensor.where(hz.gt(0), ones, hz)
            mask = try Tensor.where(hz.lt(1), Tensor.full([1, length], value: options.protect, device: device), mask)
            mask = try mask.unsqueeze(-1)
            // Blended in float32 (half × float32 promotes), then back to the model dtype.
            feats = try ((feats * mask) + (protectedFeats * (1.0 - mask))).to(dtype: protectedFeats.dtype)
        }
        return try synthesizer.infer(
            features: feats, pitch: coarse, pitchHz: hz, speaker: options.speaker, noise: noise,
            keepFrames: Self.kept(length, trimFrames))
    }

    private static func check(_ name: String, _ value: Double, _ range: ClosedRange<Double>) throws {
        guard range.contains(value) else {
            throw SynthesizerError.invalidOption(name: name, value: value, range: "\(range.lowerBound)…\(range.upperBound)")
        }
    }
}
