import Foundation
import RVCCore

/// A deterministic singing-like test signal at 16 kHz: phrases of sung vowels (notes of a scale
/// with glides and vibrato, harmonics shaped by vowel formants, a little breath noise) separated by
/// short near-silent breaths, so that pitch tracking, voicing and the quiet-point splitting of long
/// inputs all do the work they do on a real vocal.
public struct SyntheticVoice: Sendable {
    /// The sample rate of the generated audio (the pipeline's analysis rate).
    public static let sampleRate = 16_000

    /// Seed of the melody, phrase lengths and noise.
    public var seed: UInt64

    public init(seed: UInt64 = 1) {
        self.seed = seed
    }

    /// `seconds` of audio, peak about 0.5.
    public func samples(seconds: Double) -> [Float] {
        let count = max(0, Int(seconds * Double(Self.sampleRate)))
        var random = SplitMix64(seed: seed)
        var out = [Float](repeating: 0, count: count)
        // A major scale around A3; vowel formants (F1, F2, F3 in Hz) of a, e, i, o, u.
        let scale: [Double] = [0, 2, 4, 5, 7, 9, 11, 12]
        let vowels: [(Double, Double, Double)] = [(800, 1200, 2500), (500, 1900, 2600), (300, 2300, 3000), (500, 900, 2400), (350, 800, 2300)]
        let rate = Double(Self.sampleRate)
        var position = 0
        var phase = 0.0
        var previousF0 = 220.0
        while position < count {
            let phraseLength = Int((2.5 + 3.5 * random.unit()) * rate)
            let breathLength = Int((0.25 + 0.5 * random.unit()) * rate)
            var noteStart = position
            let phraseEnd = min(count, position + phraseLength)
            while noteStart < phraseEnd {
                let noteLength = min(phraseEnd - noteStart, Int((0.25 + 0.6 * random.unit()) * rate))
                let semitone = scale[Int(random.next() % UInt64(scale.count))] + (random.unit() < 0.3 ? -12 : 0)
                let target = 220 * pow(2, semitone / 12)
                let vowel = vowels[Int(random.next() % UInt64(vowels.count))]
                let harmonicAmplitudes = { (f0: Double) -> [Double] in
                    let count = Int(7_600 / f0)
                    return (1...max(1, count)).map { k in
                        let f = Double(k) * f0
                        let envelope = [vowel.0, vowel.1, vowel.2].enumerated().reduce(0.05) { sum, item in
                            let bandwidth = 80.0 + 40.0 * Double(item.offset)
                            return sum + 1 / (1 + pow((f - item.element) / bandwidth, 2)) / Double(item.offset + 1)
                        }
                        return envelope / Double(k).squareRoot()
                    }
                }
                let amplitudes = harmonicAmplitudes(target)
                let norm = 0.5 / max(1e-9, amplitudes.reduce(0, +))
                for i in 0..<noteLength {
                    let n = noteStart + i
                    let t = Double(i) / rate
                    // A 60 ms glide from the previous note, then 5.5 Hz vibrato of ±30 cents.
                    let glide = min(1, t / 0.06)
                    let base = previousF0 + (target - previousF0) * glide
                    let f0 = base * pow(2, 0.3 / 12 * sin(2 * Double.pi * 5.5 * t))
                    phase += 2 * Double.pi * f0 / rate
                    if phase > 2 * Double.pi * 1_000 { phase -= 2 * Double.pi * 1_000 }
                    var value = 0.0
                    for (k, a) in amplitudes.enumerated() where Double(k + 1) * f0 < 7_800 {
                        value += a * sin(Double(k + 1) * phase)
                    }
                    let phrasePosition = Double(n - position) / Double(max(1, phraseEnd - position))
                    let envelope = min(1, phrasePosition * 20) * min(1, (1 - phrasePosition) * 10)
                    out[n] = Float((value * norm + 0.01 * random.gaussian()) * envelope)
                }
                previousF0 = target
                noteStart += noteLength
            }
            let breathEnd = min(count, phraseEnd + breathLength)
            for n in phraseEnd..<breathEnd { out[n] = Float(0.002 * random.gaussian()) }
            position = breathEnd
        }
        return out
    }
}
