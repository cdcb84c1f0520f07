/// The pitch columns handed to one segment's conversion (reference-inference.md E.6, E.7).
public struct SegmentPitch: Sendable, Equatable {
    /// Coarse pitch per 10 ms frame, 1…255 (1 = unvoiced).
    public var coarse: [Int32]
    /// f0 in Hz per frame (0 = unvoiced), already rounded to float32 as the reference's tensor.
    public var hz: [Float]

    public init(coarse: [Int32], hz: [Float]) {
        self.coarse = coarse
        self.hz = hz
    }
}
