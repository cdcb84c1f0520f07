import Foundation
import Logging
import RVCBasics

/// Converts 16 kHz mono speech or singing into the voice of an RVC model: the reference pipeline of
/// reference-inference.md E (peak normalisation, 48 Hz high-pass, reflect padding, long-audio
/// splitting at quiet points, RMVPE pitch, HuBERT features, index blend, consonant protection,
/// synthesizer, RMS envelope mixing, int16).
///
/// HuBERT and RMVPE are loaded once per converter; voice models (``VoiceModel``) are loaded once
/// and passed to each conversion, so one converter serves many models and many requests. A
/// conversion keeps only the padded input, the pitch track and the output buffer for the whole
/// audio; each segment's tensors are released before the next segment starts.
///
/// Short and silent input: inputs shorter than ``minimumInputLength(for:)`` (400 samples, 25 ms, for
/// the standard models) throw ``ConversionError/inputTooShort(samples:minimum:)``. Inputs shorter
/// than the padding (1 s in float32) are padded by mirror-periodic reflection, as the reference does.
/// Pure silence converts to pure silence (all-zero int16) without NaN: the RMS mix scales the output
/// by the input's zero envelope.
///
/// Non-finite results: if the pitch track or a segment's audio holds NaN or infinity (a half-precision
/// overflow, or broken weights), the conversion stops with
/// ``ConversionError/nonFiniteResult(stage:segment:precision:)`` naming the first stage whose
/// result is not finite, rather than returning bad audio. The check reads only what is copied to the
/// host anyway; the stage diagnosis runs only after a failure.
public final class VoiceConverter: Sendable {
    /// The HuBERT content encoder.
    public let hubert: HuBERT
    /// The RMVPE pitch estimator.
    public let rmvpe: RMVPE
    /// Padding and split lengths for the networks' precision.
    public let constants: PipelineConstants

    private static let logger = Logger(label: "rvc-nano.converter")

    /// Freed CPU tensor memory kept for reuse (``Torch/enableHostAllocationCache(limitBytes:)``),
    /// set when a converter is loaded: about five 48 kHz decoder activations of each of the two
    /// pieces decoded side by side, the working set allocated again and again. Measured on 5 s of
    /// input, one thread: the synthesizer took 24 % less time when freed blocks were reused
    /// instead of unmapped. 128 MiB took 0.37 GB off the peak of a 180 s input but made the 20 s
    /// synthesizer 13 % slower, and 256 MiB made a 20 s job through `rvc serve` 10 % slower.
    /// Since a miss gives back blocks of other sizes first, the limit no longer adds to the peak.
    public static let hostCacheLimit = 512 << 20

    /// oneDNN primitives kept (``Torch/boundPrimitiveCache(capacity:)``): the convolutions of a
    /// segment or two. Every segment length makes new shapes; with oneDNN's default (1 024) a
    /// 180 s input grew by 0.3 GB over its five segments, and with none kept it ran 7 % slower.
    public static let primitiveCacheCapacity = 256

    /// glibc's mmap threshold (``Torch/fixMallocMapThreshold(bytes:)``). With its sliding default,
    /// the buffers left to malloc took 0.16 GB of holes in its heaps at a 180 s conversion's peak:
    /// fixed at 256 KiB, that peak went from 2.00 to 1.92 GB at the same speed.
    public static let mallocMapThreshold = 256 << 10

    /// Uses already built networks.
    /// - Parameter constants: padding and split lengths; nil (the default) follows HuBERT's dtype
    ///   as the reference does (``PipelineConstants/forModelDType(_:)``).
    public init(hubert: HuBERT, rmvpe: RMVPE, constants: PipelineConstants? = nil) {
        self.hubert = hubert
        self.rmvpe = rmvpe
        self.constants = constants ?? PipelineConstants.forModelDType(hubert.dtype)
    }

    /// Loads HuBERT (`hubert_base.pt`) and RMVPE (`rmvpe.pt`) for `device` in `precision`, and
    /// sets the process's CPU memory policy: reuse of large freed blocks (``hostCacheLimit``), a
    /// bound on oneDNN's primitives (``primitiveCacheCapacity``) and a fixed mmap threshold for
    /// malloc (``mallocMapThreshold``).
    /// - Throws: ``CheckpointError`` or ``WeightError`` naming the file and field, ``TorchError``
    ///   (for example CUDA unavailable, or a dtype a device's kernels lack).
    public static func load(
        hubert: URL, rmvpe: URL, device: Device = .cpu, precision: ComputePrecision = .float32
    ) throws -> VoiceConverter {
        try Torch.enableHostAllocationCache(limitBytes: hostCacheLimit)
        try Torch.boundPrimitiveCache(capacity: primitiveCacheCapacity)
        try Torch.fixMallocMapThreshold(bytes: mallocMapThreshold)
        // The two networks load side by side (reading, converting and preparing their weights).
        let (hubertNetwork, rmvpeNetwork) = try Torch.concurrently(
            {
                let file = try HuBERTCheckpoint.load(hubert)
                return try HuBERT(weights: file.weights, config: file.config, device: device, dtype: precision.dtype)
            },
            {
                let file = try RMVPECheckpoint.load(rmvpe)
                return try RMVPE(weights: file.weights, config: file.config, device: device, dtype: precision.dtype)
            })
        // Loading freed its temporaries (half-precision copies, unprepared weights) into the cache.
        try Torch.trimHostAllocationCache()
        return VoiceConverter(hubert: hubertNetwork, rmvpe: rmvpeNetwork)
    }

    /// The fewest 16 kHz input samples `voice` can convert (shorter input leaves nothing after the
    /// padding trim, or is too short for the high-pass filter).
    public func minimumInputLength(for voice: VoiceModel) -> Int {
        PreparedAudio.minimumInputLength(
            samplesPerFrame: voice.synthesizer.samplesPerFrame, sampleRate: voice.sampleRate, constants: constants)
    }

    /// The number of output samples (at `voice.sampleRate`) the conversion of `samples` produces;
    /// slightly shorter than the input's duration (reference-inference.md E.8 step 5).
    ///
    /// It depends on the samples, not only on their count: each segment's padding is trimmed in
    /// whole HuBERT frames, as the reference does, so where the quiet split points fall changes
    /// the total by a few frames (a 600 s song came out 10 frames shorter than silence of the
    /// same length would).
    /// - Throws: ``ConversionError`` for input that cannot be converted (too short, not finite).
    public func outputLength(of samples: [Float], voice: VoiceModel) throws -> Int {
        outputLength(plan: try PreparedAudio(samples: samples, constants: constants).plan, voice: voice)
    }

    private func outputLength(plan: SegmentPlan, voice: VoiceModel) -> Int {
        plan.segments.reduce(0) {
            $0 + PreparedAudio.segmentOutputLength(
                samples: $1.audio.count, samplesPerFrame: voice.synthesizer.samplesPerFrame,
                sampleRate: voice.sampleRate, constants: constants)
        }
    }

    /// Converts mono float samples at 16 kHz into int16 samples at the voice model's rate.
    ///
    /// - Parameters:
    ///   - samples: mono audio at 16 kHz, nominally in −1…1 (louder input is scaled down to a 0.95 peak).
    ///   - voice: the target voice.
    ///   - options: pitch shift, index rate, protection, RMS mix, speaker, noise.
    ///   - progress: called before each segment with its index and the segment count. It may throw
    ///     to stop the conversion there (a cancelled job): the error is rethrown as is, and the
    ///     segments after it are not computed.
    /// - Returns: the int16 audio, its rate, the segment count and per-stage timings.
    /// - Throws: ``ConversionError`` for invalid options, too-short or non-finite input, or a
    ///   non-finite network result (naming the stage);
    ///   ``ModelInputError``, ``SynthesizerError``, ``FeatureIndexError`` or ``TorchError`` from the
    ///   networks; whatever `progress` throws.
    public func convert(
        _ samples: [Float], voice: VoiceModel, options: ConversionOptions = ConversionOptions(),
        progress: (@Sendable (ConversionProgress) throws -> Void)? = nil
    ) throws -> ConversionResult {
        try options.validate(speakerCount: voice.speakerCount)
        let minimum = minimumInputLength(for: voice)
        guard samples.count >= minimum else {
            throw ConversionError.inputTooShort(samples: samples.count, minimum: minimum)
        }
        var timings = StageTimings()
        let clock = ContinuousClock()
        var mark = clock.now
        func lap(_ stage: WritableKeyPath<StageTimings, Double>) {
            let now = clock.now
            timings[keyPath: stage] += (now - mark).inSeconds
            mark = now
        }

        let prepared = try PreparedAudio(samples: samples, constants: constants)
        lap(\.other)

        var pitch: SegmentPitch?
        if voice.hasPitch {
            ThreadBudget.shared.rebalance()
            var f0 = try rmvpe.pitch(audio: Tensor(prepared.padded))
            try checkFinite(pitch: f0)
            PitchPostprocessor.shift(&f0, semitones: options.pitchShift)
            pitch = PitchPostprocessor.inputs(shiftedF0: f0, frames: prepared.pitchFrames)
            lap(\.pitch)
        }

        let noise: SynthesisNoise
        if options.deterministic {
            noise = .none
        } else {
            noise = .random(try Generator(seed: options.seed ?? UInt64.random(in: 0...UInt64.max), device: voice.synthesizer.device))
        }
        let segmentOptions = SegmentOptions(speaker: options.speaker, indexRate: options.indexRate, protect: options.protect)
        let trim = constants.tPadTarget(sampleRate: voice.sampleRate)
        let segments = prepared.plan.segments
        var output: [Float] = []
        output.reserveCapacity(outputLength(plan: prepared.plan, voice: voice))

        for (i, segment) in segments.enumerated() {
            try progress?(ConversionProgress(segment: i, segmentCount: segments.count))
            // Jobs converting side by side share the CPU threads; a job left alone takes them all.
            ThreadBudget.shared.rebalance()
            // The cache holds the previous stage's block sizes (RMVPE's, or the last segment's
            // decoder's), which HuBERT does not ask for: giving them back keeps them off the peak,
            // which comes with HuBERT's first block (a 180 s input peaked 0.5 GB higher).
            try Torch.trimHostAllocationCache()
            try Torch.inferenceMode {
                let audio = try Tensor(Array(prepared.padded[segment.audio]))
                let features = try hubert.extractFeatures(audio: audio, version: voice.version).unsqueeze(0)
                try synchronize(voice)
                lap(\.features)
                let blended = try voice.segments.blend(features: features, options: segmentOptions)
                try synchronize(voice)
                lap(\.index)
                let segmentPitch = pitch.map {
                    SegmentPitch(coarse: Array($0.coarse[segment.pitch]), hz: Array($0.hz[segment.pitch]))
                }
                // The padding is a whole number of frames (x_pad seconds at 100 frames/s), so the
                // decoder can skip it; otherwise it is computed and cut here.
                let upp = voice.synthesizer.samplesPerFrame
                let trimFrames = trim % upp == 0 ? trim / upp : 0
                let converted = try voice.segments.synthesize(
                    blended, pitch: segmentPitch, segmentLength: segment.audio.count, options: segmentOptions, noise: noise,
                    trimFrames: trimFrames)
                let cut = trim - trimFrames * upp
                let kept = converted.count - 2 * cut
                if kept > 0 {
                    let audio = try converted.narrow(dim: 0, start: cut, length: kept).toArray(Float.self)
                    try checkFinite(audio, segment: i, features: features, blended: blended.features, voice: voice)
                    output.append(contentsOf: audio)
                }
                lap(\.synthesis)
            }
        }

        RMSEnvelopeMixer.mix(
            input: prepared.filtered, output: &output, outputRate: voice.sampleRate, rate: options.rmsMixRate)
        let result = Int16Converter.convert(output)
        lap(\.other)
        Self.logger.debug(
            "converted",
            metadata: [
                "model": "\(voice.source)", "inputSamples": "\(samples.count)", "outputSamples": "\(result.count)",
                "segments": "\(segments.count)", "seconds": "\(timings.total)",
            ])
        return ConversionResult(samples: result, sampleRate: voice.sampleRate, segmentCount: segments.count, timings: timings)
    }

    /// Converts one second of a quiet synthetic tone with `voice` and discards the result, so that
    /// lazy initialisation (CUDA kernels and context, cuDNN plans, the caching allocator's pools)
    /// is paid before the first real request rather than during it.
    /// - Returns: the seconds the warm-up took.
    /// - Throws: as ``convert(_:voice:options:progress:)``.
    @discardableResult
    public func warmUp(_ voice: VoiceModel) throws -> Double {
        let rate = Double(PipelineConstants.analysisSampleRate)
        let tone = (0..<PipelineConstants.analysisSampleRate).map { Float(0.1 * Foundation.sin(2 * Double.pi * 220 * Double($0) / rate)) }
        let result = try convert(tone, voice: voice, options: ConversionOptions(deterministic: true))
        return result.timings.total
    }

    /// Waits for queued CUDA work so that stage timings are attributed to the right stage.
    private func synchronize(_ voice: VoiceModel) throws {
        if case .cuda(let n) = voice.synthesizer.device { try Torch.cudaSynchronize(device: n) }
    }

    /// Throws when the pitch track holds NaN or infinity (RMVPE overflowed).
    private func checkFinite(pitch f0: [Double]) throws {
        guard f0.allSatisfy(\.isFinite) else {
            throw ConversionError.nonFiniteResult(stage: .pitch, segment: nil, precision: Self.precisionName(rmvpe.dtype))
        }
    }

    /// Throws when a segment's audio (already on the host) holds NaN or infinity, naming the first
    /// stage whose result is not finite: HuBERT's features, the index blend, or the synthesizer.
    /// Only the failure path reads the device tensors back.
    private func checkFinite(_ audio: [Float], segment: Int, features: Tensor, blended: Tensor, voice: VoiceModel) throws {
        guard !audio.allSatisfy(\.isFinite) else { return }
        func finite(_ t: Tensor) throws -> Bool { try t.isFinite().all().item() != 0 }
        let stage: ConversionStage
        let dtype: DType
        if try !finite(features) {
            (stage, dtype) = (.features, hubert.dtype)
        } else if try !finite(blended) {
            (stage, dtype) = (.index, voice.synthesizer.dtype)
        } else {
            (stage, dtype) = (.synthesizer, voice.synthesizer.dtype)
        }
        throw ConversionError.nonFiniteResult(stage: stage, segment: segment, precision: Self.precisionName(dtype))
    }

    private static func precisionName(_ dtype: DType) -> String {
        ComputePrecision.allCases.first { $0.dtype == dtype }?.rawValue ?? dtype.rawValue
    }
}
