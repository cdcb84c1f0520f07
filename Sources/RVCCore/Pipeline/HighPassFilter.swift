/// The reference's 5th-order Butterworth high-pass at 48 Hz (fs 16 kHz), run forwards and backwards
/// exactly as `scipy.signal.filtfilt(b, a, audio)` with its defaults (reference-inference.md E.4).
enum HighPassFilter {
    /// `scipy.signal.butter(N=5, Wn=48, btype="high", fs=16000)` numerator (exact float64 bits).
    static let b: [Double] = [
        0x1.f09eae82f17f2p-1, -0x1.36632d11d6ef7p+2, 0x1.36632d11d6ef7p+3,
        -0x1.36632d11d6ef7p+3, 0x1.36632d11d6ef7p+2, -0x1.f09eae82f17f2p-1,
    ]
    /// The matching denominator (a[0] = 1, so scipy's normalisation by a[0] changes nothing).
    static let a: [Double] = [
        0x1.0p+0, -0x1.3c189b160d9bbp+2, 0x1.38406b02c5ae9p+3,
        -0x1.347726c291cb2p+3, 0x1.30bc870194e75p+2, -0x1.e1b3a34ba432ap-1,
    ]
    /// `scipy.signal.lfilter_zi(b, a)`: the steady-state initial state for a unit step.
    static let zi: [Double] = [
        -0x1.f09eaaa9c3b3ap-1, 0x1.f09eaab8c9b9dp+1, -0x1.74770015a14acp+2,
        0x1.f09eaad5ede3bp+1, -0x1.f09eaae41051dp-1,
    ]
    /// filtfilt's default `padlen = 3 * max(len(a), len(b))`.
    static let edge = 18

    /// The shortest input filtfilt accepts (it needs more samples than `edge`).
    static let minimumLength = edge + 1

    /// Filters float32 audio; the result is float64 like the reference's.
    /// - Precondition: `samples.count > 18` (callers check and throw; see ``minimumLength``).
    static func apply(_ samples: [Float]) -> [Double] {
        let n = samples.count
        precondition(n >= minimumLength, "filtfilt needs more than \(edge) samples")
        // scipy's odd extension is computed on the float32 input, so it rounds to float32.
        var extended = [Float](repeating: 0, count: n + 2 * edge)
        let first = 2 * samples[0]
        let last = 2 * samples[n - 1]
        for i in 0..<edge {
            extended[i] = first - samples[edge - i]
            extended[n + edge + i] = last - samples[n - 2 - i]
        }
        for i in 0..<n { extended[edge + i] = samples[i] }

        var forward = [Double](repeating: 0, count: extended.count)
        extended.withUnsafeBufferPointer { input in
            forward.withUnsafeMutableBufferPointer { output in
                run(count: input.count, initial: Double(input[0]), input: { Double(input[$0]) }) { output[$0] = $1 }
            }
        }
        let count = forward.count
        var backward = [Double](repeating: 0, count: count)
        forward.withUnsafeBufferPointer { input in
            backward.withUnsafeMutableBufferPointer { output in
                // Filter the reversed forward output and write it back reversed.
                run(count: count, initial: input[count - 1], input: { input[count - 1 - $0] }) {
                    output[count - 1 - $0] = $1
                }
            }
        }
        return Array(backward[edge..<(edge + n)])
    }

    /// Direct-form-II-transposed IIR over `count` samples with state `zi · initial`, in scipy's
    /// `lfilter` operation order (float64).
    @inline(__always)
    private static func run(
        count: Int, initial: Double, input: (Int) -> Double, output: (Int, Double) -> Void
    ) {
        let (b0, b1, b2, b3, b4, b5) = (b[0], b[1], b[2], b[3], b[4], b[5])
        let (a1, a2, a3, a4, a5) = (a[1], a[2], a[3], a[4], a[5])
        var z0 = zi[0] * initial
        var z1 = zi[1] * initial
        var z2 = zi[2] * initial
        var z3 = zi[3] * initial
        var z4 = zi[4] * initial
        for i in 0..<count {
            let x = input(i)
            let y = z0 + b0 * x
            z0 = z1 + x * b1 - y * a1
            z1 = z2 + x * b2 - y * a2
            z2 = z3 + x * b3 - y * a3
            z3 = z4 + x * b4 - y * a4
            z4 = x * b5 - y * a5
            output(i, y)
        }
    }
}
