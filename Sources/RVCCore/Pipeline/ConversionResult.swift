/// Seconds spent in each stage of one conversion.
public struct StageTimings: Sendable, Equatable, Codable {
    /// RMVPE pitch estimation and pitch post-processing.
    public var pitch: Double = 0
    /// HuBERT feature extraction (all segments).
    public var features: Double = 0
    /// Index search and feature blending (all segments).
    public var index: Double = 0
    /// Synthesizer (all segments).
    public var synthesis: Double = 0
    /// Everything else: filtering, padding, RMS mixing, int16 conversion.
    public var other: Double = 0

    public init() {}

    /// The sum of all stages.
    public var total: Double { pitch + features + index + synthesis + other }
}

/// The output of ``VoiceConverter/convert(_:voice:options:progress:)``.
public struct ConversionResult: Sendable {
    /// Converted mono audio at ``sampleRate``.
    public let samples: [Int16]
    /// The voice model's output rate, in Hz.
    public let sampleRate: Int
    /// How many segments the input was cut into.
    public let segmentCount: Int
    /// Per-stage wall times, in seconds.
    public let timings: StageTimings

    /// Duration of the output, in seconds.
    public var duration: Double { Double(samples.count) / Double(sampleRate) }
}

/// Progress of one conversion: the segment about to be converted.
public struct ConversionProgress: Sendable, Equatable {
    /// Zero-based index of the segment.
    public let segment: Int
    /// Total number of segments.
    public let segmentCount: Int
}
