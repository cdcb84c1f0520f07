import Foundation

/// Turns RMVPE's f0 track into the synthesizer's two pitch inputs: the continuous pitch in Hz and the
/// 1…255 coarse pitch (reference-inference.md E.6).
enum PitchPostprocessor {
    /// `f0_mel_min = 1127 * np.log(1 + 50 / 700)` (`pipeline.py`, f0_min = 50 Hz).
    static let melMin = 77.75496616579427
    /// `f0_mel_max = 1127 * np.log(1 + 1100 / 700)` (`pipeline.py`, f0_max = 1100 Hz).
    static let melMax = 1064.4082331636394

    /// The factor `pow(2, f0_up_key / 12)` applied to every f0 value.
    static func shiftFactor(semitones: Int) -> Double {
        Foundation.pow(2, Double(semitones) / 12)
    }

    /// Multiplies every f0 value by the key-shift factor (float64).
    static func shift(_ f0: inout [Double], semitones: Int) {
        let factor = shiftFactor(semitones: semitones)
        for i in f0.indices { f0[i] *= factor }
    }

    /// The coarse pitch of one f0 value: mel scale mapped onto 1…255, rounded half to even.
    /// Unvoiced frames (0 Hz) get 1.
    @inline(__always)
    static func coarse(_ f0: Double) -> Int32 {
        var mel = 1127 * Foundation.log(1 + f0 / 700)
        if mel > 0 { mel = ((mel - melMin) * 254) / (melMax - melMin) + 1 }
        if mel <= 1 { mel = 1 }
        if mel > 255 { mel = 255 }
        return Int32(mel.rounded(.toNearestOrEven))
    }

    /// The pitch inputs for `frames` (`p_len_total`) frames from key-shifted f0 (one more frame than
    /// `frames` is expected; RMVPE's last frame is dropped).
    static func inputs(shiftedF0 f0: [Double], frames: Int) -> SegmentPitch {
        let used = min(frames, f0.count)
        var coarse = [Int32](repeating: 1, count: used)
        var hz = [Float](repeating: 0, count: used)
        for i in 0..<used {
            coarse[i] = Self.coarse(f0[i])
            hz[i] = Float(f0[i])
        }
        return SegmentPitch(coarse: coarse, hz: hz)
    }
}
