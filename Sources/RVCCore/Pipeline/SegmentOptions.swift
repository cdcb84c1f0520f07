/// Per-request settings of the segment conversion step.
public struct SegmentOptions: Sendable, Equatable {
    /// Speaker row of the voice model (`sid`); the worker always uses 0.
    public var speaker: Int = 0
    /// Weight of the retrieved features, 0…1 (0 skips the index). Production default 0.75.
    public var indexRate: Double = 0.75
    /// Consonant protection, 0…1: unvoiced frames keep this share of the retrieval-blended features
    /// and take the rest from the original ones; 0.5 or more switches protection off. Production 0.33.
    public var protect: Double = 0.33

    public init(speaker: Int = 0, indexRate: Double = 0.75, protect: Double = 0.33) {
        self.speaker = speaker
        self.indexRate = indexRate
        self.protect = protect
    }
}
