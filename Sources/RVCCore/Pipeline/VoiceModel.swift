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

    /// Loads a voice model file (`.pth`) and, optionally, its retrieval index (`.index`).
    /// - Parameters:
    ///   - model: the voice model file.
    ///   - index: its faiss IVF-Flat index, or nil to convert without retrieval.
    ///   - device: where the synthesizer and index live.
    ///   - precision: the synthesizer's compute precision.
    /// - Throws: ``CheckpointError`` or ``WeightError`` for unreadable or malformed model files
    ///   (naming the file and field), ``IndexFileError`` or ``FeatureIndexError`` for a bad index
    ///   (including one whose vector width does not match the model), ``TorchError``.
    public static func load(
        model: URL, index: URL? = nil, device: Device = .cpu, precision: ComputePrecision = .float32
    ) throws -> VoiceModel {
        // The synthesizer (with its prepared spectra) and the index load side by side.
        let (synthesizer, featureIndex) = try Torch.concurrently(
            {
                let file = try VoiceModelFile.load(model)
                return try Synthesizer(
                    weights: file.weights, config: file.config, version: file.version, hasPitch: file.hasPitch,
                    dtype: precision.dtype, device: device)
            },
            { try index.map { try FeatureIndex(file: FaissIndexFile.load($0), device: device) } })
        // Loading freed its temporaries (unprepared weights) into the host cache.
        try Torch.trimHostAllocationCache()
        return try VoiceModel(synthesizer: synthesizer, index: featureIndex, source: model.path)
    }
}
