import Foundation

/// The measures the parity fixtures are judged by (fixtures README).
public enum ParityMetrics {
    /// max |a − b| / max |b|: the "relative" error of stage outputs. Arrays of different lengths
    /// compare as infinitely far apart.
    public static func relativeError(_ a: [Double], reference b: [Double]) -> Double {
        guard a.count == b.count else { return .infinity }
        var maxDifference = 0.0
        var maxReference = 0.0
        for i in b.indices {
            let d = abs(a[i] - b[i])
            if d.isNaN { return .infinity }
            maxDifference = max(maxDifference, d)
            maxReference = max(maxReference, abs(b[i]))
        }
        return maxReference == 0 ? maxDifference : maxDifference / maxReference
    }

    /// Signal-to-noise ratio of `a` against the reference `b` in dB (+∞ when equal, −∞ when the
    /// lengths differ or `a` holds NaN).
    public static func snr(_ a: [Double], reference b: [Double]) -> Double {
        guard a.count == b.count else { return -.infinity }
        var signal = 0.0
        var noise = 0.0
        for i in b.indices {
            signal += b[i] * b[i]
            noise += (a[i] - b[i]) * (a[i] - b[i])
        }
        if noise.isNaN { return -.infinity }
        return noise == 0 ? .infinity : 10 * log10(signal / noise)
    }

    /// The share of frames on which two pitch tracks agree about voicing (f0 > 0).
    public static func voicingAgreement(_ a: [Double], reference b: [Double]) -> Double {
        guard a.count == b.count, !b.isEmpty else { return 0 }
        return Double(zip(a, b).filter { ($0 > 0) == ($1 > 0) }.count) / Double(b.count)
    }

    /// max |a − b| / b over the frames both tracks voice (0 when none).
    public static func voicedRelativeError(_ a: [Double], reference b: [Double]) -> Double {
        guard a.count == b.count else { return .infinity }
        return zip(a, b).reduce(0) { worst, pair in
            pair.0 > 0 && pair.1 > 0 ? max(worst, abs(pair.0 - pair.1) / pair.1) : worst
        }
    }

    /// The share of frames on which two pitch tracks agree about voicing and, where both are
    /// voiced, lie within `cents` of each other.
    public static func pitchAgreement(_ a: [Double], reference b: [Double], cents: Double) -> Double {
        guard a.count == b.count, !b.isEmpty else { return 0 }
        let agreeing = zip(a, b).filter { x, y in
            guard (x > 0) == (y > 0) else { return false }
            return x <= 0 || abs(1200 * log2(x / y)) <= cents
        }
        return Double(agreeing.count) / Double(b.count)
    }
}
