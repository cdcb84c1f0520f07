/// The final float → int16 conversion with peak limiting (reference-inference.md E.11).
enum Int16Converter {
    /// `audio_max = np.abs(audio_opt).max() / 0.99` in `pipeline.py`.
    static let targetPeak = 0.99
    /// `max_int16 = 32768`.
    static let fullScale = 32768.0

    /// Converts `samples` to int16: scaled by 32768 (or 32768/peak when the peak exceeds 0.99),
    /// multiplied in float32 and truncated toward zero. Non-finite samples (which the reference would
    /// turn into arbitrary values) become 0, and results are clamped to the int16 range.
    static func convert(_ samples: [Float]) -> [Int16] {
        var peak: Float = 0
        for value in samples where value.isFinite { peak = max(peak, abs(value)) }
        var scale = fullScale
        let limit = Double(peak) / targetPeak
        if limit > 1 { scale /= limit }
        let scale32 = Float(scale)
        return samples.map { value in
            let scaled = value * scale32
            guard scaled.isFinite else { return 0 }
            return Int16(max(-32768, min(32767, scaled.rounded(.towardZero))))
        }
    }
}
