/// How the padded audio and the pitch track are sliced into the segments converted one at a time
/// (reference-inference.md E.7).
struct SegmentPlan: Sendable, Equatable {
    /// One segment: a range of the padded audio and the matching pitch-frame columns.
    struct Segment: Sendable, Equatable {
        /// Samples of the padded 16 kHz audio (`audio_pad[s : t + t_pad2 + 160]`).
        var audio: Range<Int>
        /// Pitch-frame columns (`pitch[:, s // 160 : (t + t_pad2) // 160]`).
        var pitch: Range<Int>
    }

    /// The segments in order.
    let segments: [Segment]

    /// Plans segments for `paddedLength` samples of padded audio with `pitchFrames` pitch columns
    /// (`p_len_total`), cut at `splitPoints` (indices into the unpadded audio, ascending).
    init(splitPoints: [Int], paddedLength: Int, pitchFrames: Int, constants: PipelineConstants) {
        let window = PipelineConstants.window
        var segments: [Segment] = []
        var start = 0
        for point in splitPoints {
            // The split is floored to a pitch-frame boundary, then applied to the padded audio.
            let t = point / window * window
            segments.append(
                Segment(
                    audio: start..<min(t + constants.tPad2 + window, paddedLength),
                    pitch: (start / window)..<min((t + constants.tPad2) / window, pitchFrames)))
            start = t
        }
        segments.append(Segment(audio: start..<paddedLength, pitch: (start / window)..<pitchFrames))
        self.segments = segments
    }
}
