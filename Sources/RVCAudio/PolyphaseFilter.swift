import Foundation

/// The polyphase filter bank of libswresample's default resampler (what `ffmpeg -ar` uses), built
/// from its published design: a Kaiser-windowed sinc, one row of taps per phase.
///
/// Design, for input rate `fi` and output rate `fo` (libswresample's option defaults):
/// - cut-off `factor = min(fo · 0.97 / fi, 1)` of the input Nyquist frequency (`cutoff` 0.97);
/// - `taps = ⌈32 / factor⌉` rounded up to even (`filter_size` 32): 32 taps when upsampling, 92 for
///   44.1 → 16 kHz, 100 for 48 → 16 kHz;
/// - phases: `fo / gcd(fi, fo)` when that is at most 1024 (`exact_rational` on, `phase_shift` 10),
///   so every output falls exactly on a phase; otherwise 1024 phases and linear interpolation
///   between neighbouring phases (`linear_interp` on);
/// - tap `i` of phase `p` is `sinc(π·(i − c − p/P)·factor) · I₀(β·√(1 − w²))` with `c = taps/2 − 1`,
///   `w = 2·(i − c − p/P) / taps` and β = 9 (`kaiser_beta`), all divided by the sum of phase 0's
///   taps (one gain for every phase, as libswresample does), rounded to float32;
/// - for an even phase count only phases 0…P/2 are computed and the others mirrored, and when
///   upsampling the sine comes from one value per phase with alternating sign, so the float32
///   taps equal libswresample's (its Bessel function is a rational approximation, this one a
///   series: they agree to a few ulp of a double, far below float32's resolution).
///
/// Rows are `stride` floats (taps rounded up to a multiple of 8, zero padded) so the dot
/// products run on whole SIMD vectors. Row `phases` is phase 0 delayed by one tap, the
/// neighbour of the last phase for interpolation.
struct PolyphaseFilter: Sendable {
    /// libswresample's `filter_size`.
    static let filterSize = 32
    /// libswresample's `cutoff` default (0 selects 0.97).
    static let cutoff = 0.97
    /// libswresample's `kaiser_beta`.
    static let kaiserBeta = 9.0
    /// `1 << phase_shift` with libswresample's `phase_shift` 10.
    static let maxPhases = 1 << 10

    /// Taps per phase (even).
    let taps: Int
    /// Floats per row: `taps` rounded up to a multiple of 8.
    let stride: Int
    /// Number of phases P.
    let phases: Int
    /// `(phases + 1) · stride` coefficients, row by row.
    let coefficients: [Float]
    /// Output `n` sits at input position `n · inputStep / outputStep` phase steps (1/P input
    /// samples); the fraction is reduced.
    let inputStep: Int
    let outputStep: Int

    /// Index of the tap that sits on the output position at phase 0: taps/2 − 1.
    var center: Int { (taps - 1) / 2 }

    /// True when every output falls on a phase (no interpolation).
    var isExact: Bool { inputStep % outputStep == 0 }

    init(inputRate: Int, outputRate: Int) {
        let divisor = Self.gcd(inputRate, outputRate)
        let reducedOutput = outputRate / divisor
        let factor = min(Double(outputRate) * Self.cutoff / Double(inputRate), 1.0)
        var taps = max(Int((Double(Self.filterSize) / factor).rounded(.up)), 1)
        if taps > 1 { taps = (taps + 1) / 2 * 2 }
        let phases = reducedOutput <= Self.maxPhases ? reducedOutput : Self.maxPhases
        let stride = (taps + 7) / 8 * 8
        self.taps = taps
        self.stride = stride
        self.phases = phases
        self.coefficients = Self.bank(
            factor: factor, taps: taps, stride: stride, phases: phases)
        // Phase steps per output: inputRate · P / outputRate, as a reduced fraction.
        let numerator = inputRate * phases
        let common = Self.gcd(numerator, outputRate)
        self.inputStep = numerator / common
        self.outputStep = outputRate / common
    }

    private static func bank(factor: Double, taps: Int, stride: Int, phases: Int) -> [Float] {
        var bank = [Float](repeating: 0, count: (phases + 1) * stride)
        let center = (taps - 1) / 2
        // An even phase count is symmetric: phase P − p is phase p reversed.
        let computed = phases % 2 == 1 ? phases : phases / 2 + 1
        var row = [Double](repeating: 0, count: taps)
        var norm = 0.0
        for phase in 0..<computed {
            // Upsampling (factor 1): sin(π(i − c − p/P)) is ±sin(π·p/P), the sign alternating
            // with i; libswresample computes it so, and the rounding differs from sin(x).
            var sine = factor == 1 ? sin(Double.pi * Double(phase) / Double(phases)) : 0
            if center & 1 == 0 { sine = -sine }
            for i in 0..<taps {
                let x = Double.pi * (Double(i - center) - Double(phase) / Double(phases)) * factor
                var y: Double
                if x == 0 {
                    y = 1
                } else if factor == 1 {
                    y = sine / x
                } else {
                    y = sin(x) / x
                }
                let w = 2.0 * x / (factor * Double(taps) * Double.pi)
                y *= besselI0(kaiserBeta * max(1 - w * w, 0).squareRoot())
                row[i] = y
                sine = -sine
                if phase == 0 { norm += y }
            }
            for i in 0..<taps {
                bank[phase * stride + i] = Float(row[i] / norm)
            }
            if phases % 2 == 0 {
                for i in 0..<taps {
                    bank[(phases - phase) * stride + taps - 1 - i] = bank[phase * stride + i]
                }
            }
        }
        // Row P: phase 0 one tap later (its first tap wraps around from the end of row 0, which
        // is padding unless taps fill the row), cut to `taps` like libswresample's loop.
        for i in 0..<stride {
            bank[phases * stride + i] =
                i >= taps ? 0 : i == 0 ? bank[stride - 1] : bank[i - 1]
        }
        return bank
    }

    /// The modified Bessel function of the first kind, order 0: Σ ((x/2)^k / k!)², summed until
    /// the terms no longer change the sum (all terms are positive: no cancellation).
    static func besselI0(_ x: Double) -> Double {
        let quarterSquare = x * x / 4
        var term = 1.0
        var sum = 1.0
        var k = 1.0
        while true {
            term *= quarterSquare / (k * k)
            let next = sum + term
            if next == sum { return sum }
            sum = next
            k += 1
        }
    }

    static func gcd(_ a: Int, _ b: Int) -> Int {
        var (a, b) = (a, b)
        while b != 0 { (a, b) = (b, a % b) }
        return a
    }
}
