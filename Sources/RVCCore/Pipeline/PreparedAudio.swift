/// The 16 kHz input made ready for the networks: peak-normalised, high-passed, cut into segments and
/// reflect-padded (reference-inference.md E.3–E.5, E.7).
struct PreparedAudio: Sendable {
    /// The high-passed, unpadded signal (float64), kept for the RMS envelope.
    let filtered: [Double]
    /// `audio_pad`: `filtered` with `t_pad` reflected samples on each side.
    let padded: [Double]
    /// `p_len_total`: pitch frames over the padded audio.
    let pitchFrames: Int
    /// Where the padded audio is cut.
    let plan: SegmentPlan

    /// Prepares `samples` (mono float32 at 16 kHz).
    /// - Throws: ``ConversionError/nonFiniteInput(index:)`` or ``ConversionError/inputTooShort(samples:minimum:)``
    ///   when there are fewer than ``HighPassFilter/minimumLength`` samples.
    init(samples input: [Float], constants: PipelineConstants) throws {
        if let bad = input.firstIndex(where: { !$0.isFinite }) {
            throw ConversionError.nonFiniteInput(index: bad)
        }
        guard input.count >= HighPassFilter.minimumLength else {
            throw ConversionError.inputTooShort(samples: input.count, minimum: HighPassFilter.minimumLength)
        }
        var samples = input
        PeakNormalizer.normalize(&samples)
        filtered = HighPassFilter.apply(samples)
        let splitPoints = SplitPointFinder.splitPoints(filtered, constants: constants)
        padded = ReflectPadding.pad(filtered, left: constants.tPad, right: constants.tPad)
        pitchFrames = padded.count / PipelineConstants.window
        plan = SegmentPlan(
            splitPoints: splitPoints, paddedLength: padded.count, pitchFrames: pitchFrames, constants: constants)
    }

    /// HuBERT frames for `samples` of 16 kHz audio: ⌊(L − 400)/320⌋ + 1 (HuBERT base's conv stack).
    static func featureFrames(samples: Int) -> Int { (samples - 400) / 320 + 1 }

    /// Output samples of a segment of `samples` padded 16 kHz samples after the pad trim
    /// (2n frames of `samplesPerFrame` samples, less `t_pad_tgt` on each side; never negative).
    static func segmentOutputLength(samples: Int, samplesPerFrame: Int, sampleRate: Int, constants: PipelineConstants) -> Int {
        max(0, 2 * featureFrames(samples: samples) * samplesPerFrame - 2 * constants.tPadTarget(sampleRate: sampleRate))
    }

    /// The fewest input samples that yield at least one output sample (and that the high-pass
    /// filter accepts). Shorter inputs are rejected rather than returning empty audio.
    static func minimumInputLength(samplesPerFrame: Int, sampleRate: Int, constants: PipelineConstants) -> Int {
        var n = HighPassFilter.minimumLength
        // Short inputs are never split, so one segment of n + 2·t_pad samples decides.
        while segmentOutputLength(samples: n + constants.tPad2, samplesPerFrame: samplesPerFrame, sampleRate: sampleRate, constants: constants) == 0 {
            n += 1
        }
        return n
    }
}
