import Foundation

/// A voice model ready to convert with: its synthesizer and, optionally, its retrieval index,
/// loaded once and shared by any number of conversions.
public final class VoiceModel: Sendable {
    /// The synthesizer built from the `.pth` weights.
    public let synthesizer: Synthesizer
    /// The retrieval index, when one was supplied.
    public let index: FeatureIndex?
    /// Where the model came from (file path or other description), for logs and errors.
    public let source: String
    let segments: SegmentConverter

    /// Output sample rate, in Hz.
    public var sampleRate: Int { synthesizer.sampleRate }
    /// True for models conditioned on pitch (RMVPE runs only for them).
    public var hasPitch: Bool { synthesizer.hasPitch }
    /// v1 (layer-9 + projection features) or v2 (layer-12 features).
    public var version: VoiceModelVersion { synthesizer.version }
    /// Number of speakers (valid ``ConversionOptions/speaker`` values are 0 ..< this).
    public var speakerCount: Int { synthesizer.speakerCount }

    /// Wraps an already built synthesizer and index.
    /// - Throws: ``FeatureIndexError/dimension(expected:actual:)`` when the index's vectors do not
    ///   have the model's feature width.
    public init(synthesizer: Synthesizer, index: FeatureIndex? = nil, source: String = "voice model") throws {
        self.synthesizer = synthesizer
        self.index = index
        self.source = source
        segments = try SegmentConverter(synthesizer: synthesizer, index: index)
    }
}
