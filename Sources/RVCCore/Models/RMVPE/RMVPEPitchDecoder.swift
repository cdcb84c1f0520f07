import Foundation

/// Turns RMVPE salience into f0 in Hz (reference-inference.md C.4), with the reference's mix of
/// float32 and float64 arithmetic and NumPy's summation order, so voicing decisions match exactly.
public enum RMVPEPitchDecoder {
    /// Salience bins per frame (rmvpe.py N_CLASS).
    public static let bins = 360
    /// The worker's voicing threshold (`infer_from_audio(thred=0.03)`).
    public static let defaultThreshold: Float = 0.03
    /// Cents of bin i: 20·i + 1997.3794084376191 (rmvpe.py `cents_mapping`).
    static let centsOffset = 1997.3794084376191

    /// f0 per frame in Hz (0 = unvoiced) from salience [frames, 360] in row-major order.
    ///
    /// - Parameters:
    ///   - salience: frames × 360 values in [0, 1].
    ///   - threshold: frames whose peak salience is ≤ this (compared in float32) are unvoiced.
    /// - Returns: `salience.count / 360` values (float64); NaN for a frame with a NaN salience.
    public static func decode(salience: [Float], threshold: Float = defaultThreshold) -> [Double] {
        let frames = salience.count / bins
        var f0 = [Double](repeating: 0, count: frames)
        salience.withUnsafeBufferPointer { s in
            for t in 0..<frames {
                let row = UnsafeBufferPointer(rebasing: s[(t * bins)..<((t + 1) * bins)])
                f0[t] = frequency(row: row, threshold: threshold)
            }
        }
        return f0
    }

    static func frequency(row: UnsafeBufferPointer<Float>, threshold: Float) -> Double {
        // argmax: the first maximum. A sigmoid gives NaN only from NaN logits (an overflowing
        // network); such a frame decodes to NaN so that the caller can report it.
        var center = 0
        var peak = row[0]
        var sawNaN = peak.isNaN
        for i in 1..<row.count {
            if row[i] > peak {
                peak = row[i]
                center = i
            } else if row[i].isNaN {
                sawNaN = true
            }
        }
        if sawNaN { return .nan }
        if peak <= threshold { return 0 }
        // The 9 entries centre−4 … centre+4 of the zero-padded row and cents table.
        var s = [Float](repeating: 0, count: 9)
        var products = [Double](repeating: 0, count: 9)
        for j in 0..<9 {
            let i = center - 4 + j
            guard i >= 0, i < row.count else { continue }
            s[j] = row[i]
            products[j] = Double(row[i]) * (20 * Double(i) + centsOffset)
        }
        let weightSum = numpySum9(s) + Float(1e-7)
        let cents = numpySum9(products) / Double(weightSum)
        // 10·2^(cents/1200); exactly 10 Hz (cents 0) means unvoiced.
        let hz = 10 * Foundation.pow(2.0, cents / 1200)
        return hz == 10 ? 0 : hz
    }

    /// NumPy's pairwise sum of 9 contiguous values: (((v0+v1)+(v2+v3))+((v4+v5)+(v6+v7)))+v8.
    static func numpySum9<T: FloatingPoint>(_ v: [T]) -> T {
        (((v[0] + v[1]) + (v[2] + v[3])) + ((v[4] + v[5]) + (v[6] + v[7]))) + v[8]
    }
}
