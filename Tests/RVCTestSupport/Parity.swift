import Foundation

/// Comparison metrics used by the parity tests.
public enum Parity {
    /// max |a − b| / max |b| (the fixtures README's "relative" measure); max |a − b| when `b` is all
    /// zeros. The arrays must have the same length.
    public static func relativeError(_ a: [Double], _ b: [Double]) -> Double {
        precondition(a.count == b.count, "length \(a.count) vs \(b.count)")
        var maxDiff = 0.0
        var maxRef = 0.0
        for i in 0..<a.count {
            maxDiff = max(maxDiff, abs(a[i] - b[i]))
            maxRef = max(maxRef, abs(b[i]))
        }
        return maxRef == 0 ? maxDiff : maxDiff / maxRef
    }

    /// Signal-to-noise ratio of `a` against the reference `b`, in dB (+∞ when they are equal). The
    /// arrays must have the same length.
    public static func snr(_ a: [Double], reference b: [Double]) -> Double {
        precondition(a.count == b.count, "length \(a.count) vs \(b.count)")
        var signal = 0.0
        var noise = 0.0
        for i in 0..<a.count {
            signal += b[i] * b[i]
            noise += (a[i] - b[i]) * (a[i] - b[i])
        }
        if noise == 0 { return .infinity }
        return 10 * log10(signal / noise)
    }
}
