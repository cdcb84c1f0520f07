import Foundation

/// Signal measurements for codec and resampler checks.
enum Measure {
    static func rms(_ x: ArraySlice<Float>) -> Double {
        guard !x.isEmpty else { return 0 }
        return (x.reduce(0.0) { $0 + Double($1) * Double($1) } / Double(x.count)).squareRoot()
    }

    static func rms(_ x: [Float]) -> Double { rms(x[...]) }

    /// SNR in dB of `test` against `reference` over their common length.
    static func snr(_ reference: ArraySlice<Float>, _ test: ArraySlice<Float>) -> Double {
        var signal = 0.0
        var noise = 0.0
        for (r, t) in zip(reference, test) {
            signal += Double(r) * Double(r)
            noise += (Double(r) - Double(t)) * (Double(r) - Double(t))
        }
        guard noise > 0 else { return .infinity }
        return 10 * log10(signal / noise)
    }

    /// Amplitude of the component at `frequency` (Goertzel over a Hann window), in the signal's
    /// units: a sine of amplitude A measures ≈ A.
    static func amplitude(at frequency: Double, in x: ArraySlice<Float>, rate: Int) -> Double {
        let n = x.count
        guard n > 1 else { return 0 }
        let w = 2 * Double.pi * frequency / Double(rate)
        let coeff = 2 * cos(w)
        var s1 = 0.0
        var s2 = 0.0
        var windowSum = 0.0
        for (i, v) in x.enumerated() {
            let hann = 0.5 - 0.5 * cos(2 * .pi * Double(i) / Double(n - 1))
            windowSum += hann
            let s0 = Double(v) * hann + coeff * s1 - s2
            s2 = s1
            s1 = s0
        }
        let power = s1 * s1 + s2 * s2 - coeff * s1 * s2
        return 2 * power.squareRoot() / windowSum
    }

    /// The frequency (to `step` Hz) with the largest Goertzel amplitude between `low` and `high`.
    static func peakFrequency(
        in x: ArraySlice<Float>, rate: Int, low: Double, high: Double, step: Double = 1
    ) -> Double {
        var best = low
        var bestAmplitude = -1.0
        var f = low
        while f <= high {
            let a = amplitude(at: f, in: x, rate: rate)
            if a > bestAmplitude {
                bestAmplitude = a
                best = f
            }
            f += step
        }
        return best
    }

    /// Lag (in samples, within ±maxLag) that best aligns `test` to `reference`, by correlation
    /// over a `window`-sample stretch from the middle of the signals.
    static func bestLag(_ reference: [Float], _ test: [Float], maxLag: Int, window: Int = 8_192)
        -> Int
    {
        var best = 0
        var bestScore = -Double.infinity
        let common = min(reference.count, test.count)
        let n = min(window, common - 2 * maxLag)
        guard n > 0 else { return 0 }
        let start = maxLag + (common - 2 * maxLag - n) / 2
        for lag in -maxLag...maxLag {
            var score = 0.0
            for i in start..<(start + n) { score += Double(reference[i]) * Double(test[i + lag]) }
            if score > bestScore {
                bestScore = score
                best = lag
            }
        }
        return best
    }
}
