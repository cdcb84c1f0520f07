import Foundation
import Testing

@testable import RVCAudio

@Suite struct PolyphaseFilterTests {
    @Test func sizesFollowLibswresampleDefaults() {
        // (input, output, taps, phases): taps = ⌈32 / min(0.97·out/in, 1)⌉ rounded up to even;
        // phases = out / gcd when at most 1024.
        let cases: [(Int, Int, Int, Int)] = [
            (44_100, 16_000, 92, 160), (48_000, 16_000, 100, 1), (22_050, 16_000, 46, 320),
            (32_000, 16_000, 66, 1), (96_000, 16_000, 198, 1), (40_000, 48_000, 32, 6),
            (16_000, 48_000, 32, 3), (44_056, 16_000, 92, 1_024),
        ]
        for (from, to, taps, phases) in cases {
            let filter = PolyphaseFilter(inputRate: from, outputRate: to)
            #expect(filter.taps == taps, "\(from)→\(to)")
            #expect(filter.phases == phases, "\(from)→\(to)")
            #expect(filter.stride % 8 == 0 && filter.stride >= taps)
            #expect(filter.isExact == (phases != 1_024), "\(from)→\(to)")
        }
    }

    @Test func phaseZeroHasUnitGainAndEveryPhaseIsNearUnity() {
        for (from, to) in [(44_100, 16_000), (40_000, 48_000), (44_056, 16_000)] {
            let filter = PolyphaseFilter(inputRate: from, outputRate: to)
            for phase in 0..<filter.phases {
                let row = filter.coefficients[(phase * filter.stride)..<((phase + 1) * filter.stride)]
                let gain = row.reduce(0.0) { $0 + Double($1) }
                // Phase 0 sets the normalisation; the others keep their own small deviation
                // (at most 1.1e-5, for 40 → 48 kHz).
                #expect(abs(gain - 1) < (phase == 0 ? 1e-6 : 2e-5), "\(from)→\(to) phase \(phase)")
                #expect(row.dropFirst(filter.taps).allSatisfy { $0 == 0 }, "padding stays zero")
            }
        }
    }

    @Test func phasesMirrorEachOther() {
        let filter = PolyphaseFilter(inputRate: 44_100, outputRate: 16_000)
        let (p, s, t) = (filter.phases, filter.stride, filter.taps)
        for phase in 1..<p {
            for i in 0..<t {
                #expect(filter.coefficients[phase * s + i] == filter.coefficients[(p - phase) * s + t - 1 - i])
            }
        }
        // Phase 0 is symmetric about its centre tap (taps/2 − 1).
        let c = filter.center
        for k in 1...c { #expect(filter.coefficients[c - k] == filter.coefficients[c + k]) }
        // The extra row is phase 0 one tap later.
        for i in 1..<t { #expect(filter.coefficients[p * s + i] == filter.coefficients[i - 1]) }
    }

    @Test func besselFunctionMatchesKnownValues() {
        // Reference values from mpmath's besseli at 50 digits, rounded to double.
        #expect(PolyphaseFilter.besselI0(0) == 1)
        #expect(abs(PolyphaseFilter.besselI0(1) - 1.266_065_877_752_008_4) < 1e-15)
        #expect(abs(PolyphaseFilter.besselI0(9) / 1_093.588_354_511_374_7 - 1) < 1e-14)
    }
}
