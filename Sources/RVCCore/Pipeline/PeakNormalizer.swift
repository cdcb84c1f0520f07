/// Scales audio whose peak exceeds 0.95 down to a peak of 0.95 (reference-inference.md E.3).
enum PeakNormalizer {
    /// `audio_max = np.abs(audio).max() / 0.95` in `pipeline.py`.
    static let targetPeak = 0.95

    /// Divides `samples` in place by `max|x| / 0.95` when that exceeds 1, as a float32 division by
    /// the float32-rounded divisor (NumPy 1.x value-based casting of the in-place `/=`).
    static func normalize(_ samples: inout [Float]) {
        var peak: Float = 0
        for value in samples { peak = max(peak, abs(value)) }
        let divisor = Double(peak) / targetPeak
        guard divisor > 1 else { return }
        let divisor32 = Float(divisor)
        for i in samples.indices { samples[i] /= divisor32 }
    }
}
