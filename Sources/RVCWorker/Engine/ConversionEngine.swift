import Foundation

/// The voice-conversion engine behind a job, kept small so the job runner, the schema and the
/// worker loops can be exercised without models. ``RVCConversionEngine`` is the real one.
///
/// Implementations are called from a dedicated thread, never from Swift's cooperative pool, so
/// they may block.
public protocol ConversionEngine: Sendable {
    /// Loads the shared networks (HuBERT, RMVPE) and runs them once so the first job does not pay
    /// for lazy initialisation. Called once at process start.
    func prepare() throws
    /// Loads a voice model checkpoint and its optional index from local files.
    /// - Throws: any error; the runner reports it as `MODEL_LOAD_FAILED`.
    func loadModel(checkpoint: URL, index: URL?) throws -> any LoadedVoiceModel
    /// A short description of the compute device, e.g. "cpu" or "cuda:0 (NVIDIA H100)".
    var deviceDescription: String { get }
}

/// A loaded voice model, reused across jobs by ``ModelCache``.
public protocol LoadedVoiceModel: Sendable {
    /// What kind of model this is.
    var info: VoiceModelInfo { get }
    /// Converts 16 kHz mono samples (nominally −1…1) into the model's voice.
    /// - Parameter cancellation: set when the job is cancelled (stopped by the platform, cancelled
    ///   through the local API); check it between segments and stop with its error.
    /// - Throws: ``JobFailure`` or any error; the runner reports the latter as
    ///   `CONVERSION_FAILED` (or `OUT_OF_MEMORY` when the message says so). `CancellationError`
    ///   from ``JobCancellation/check()``.
    func convert(samples16k: [Float], settings: ConversionSettings, cancellation: JobCancellation) throws -> ConvertedAudio
}

/// Facts about a loaded voice model, reported in responses and metadata.
public struct VoiceModelInfo: Sendable, Equatable {
    /// "v1" (256-dimensional features) or "v2" (768).
    public var version: String
    /// The synthesizer's output rate in Hz (32 000, 40 000 or 48 000).
    public var sampleRate: Int
    /// Whether the model uses pitch (f0).
    public var usesPitch: Bool
    /// Number of speakers in the embedding table.
    public var speakerCount: Int

    public init(version: String, sampleRate: Int, usesPitch: Bool, speakerCount: Int) {
        self.version = version
        self.sampleRate = sampleRate
        self.usesPitch = usesPitch
        self.speakerCount = speakerCount
    }
}

/// The conversion parameters of one job, taken from ``JobInput``.
public struct ConversionSettings: Sendable, Equatable {
    /// Semitones, −24…24.
    public var pitchShift: Int
    /// 0…1.
    public var indexRate: Double
    /// 0…0.5.
    public var protect: Double
    /// 0…1.
    public var rmsMixRate: Double
    /// ≥ 0, below the model's speaker count.
    public var speaker: Int

    public init(pitchShift: Int, indexRate: Double, protect: Double, rmsMixRate: Double, speaker: Int) {
        self.pitchShift = pitchShift
        self.indexRate = indexRate
        self.protect = protect
        self.rmsMixRate = rmsMixRate
        self.speaker = speaker
    }

    init(_ input: JobInput) {
        self.init(
            pitchShift: input.f0UpKey, indexRate: input.indexRate, protect: input.protect,
            rmsMixRate: input.rmsMixRate, speaker: input.speakerID)
    }
}

/// The converted voice at the model's rate, with the time spent in each part.
public struct ConvertedAudio: Sendable {
    public var samples: [Int16]
    /// Hz.
    public var sampleRate: Int
    /// Seconds spent extracting pitch (RMVPE).
    public var pitchSeconds: Double
    /// Seconds spent in the rest of the conversion (features, index, synthesizer).
    public var inferenceSeconds: Double

    public init(samples: [Int16], sampleRate: Int, pitchSeconds: Double, inferenceSeconds: Double) {
        self.samples = samples
        self.sampleRate = sampleRate
        self.pitchSeconds = pitchSeconds
        self.inferenceSeconds = inferenceSeconds
    }
}
