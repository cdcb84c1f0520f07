/// A stage of the conversion pipeline, named in errors about its results.
public enum ConversionStage: String, Sendable, Equatable, CaseIterable {
    /// RMVPE pitch extraction.
    case pitch
    /// HuBERT content features.
    case features
    /// The retrieval-index blend.
    case index
    /// The synthesizer (text encoder, flow, decoder).
    case synthesizer
}
