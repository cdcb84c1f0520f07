import Foundation
import RVCBench
import Testing

@Suite("ParityMetrics")
struct ParityMetricsTests {
    @Test("SNR: infinite when equal, 20 dB for a tenth of the amplitude off, −∞ for NaN or other lengths")
    func snr() {
        let reference: [Double] = [1, -1, 2, -2]
        #expect(ParityMetrics.snr(reference, reference: reference) == .infinity)
        #expect(abs(ParityMetrics.snr(reference.map { $0 * 1.1 }, reference: reference) - 20) < 1e-9)
        #expect(ParityMetrics.snr([1, .nan, 2, -2], reference: reference) == -.infinity)
        #expect(ParityMetrics.snr([1, -1], reference: reference) == -.infinity)
    }

    @Test("relative error: max |Δ| over max |reference|; infinite for NaN or other lengths")
    func relativeError() {
        #expect(ParityMetrics.relativeError([1, 2.5, -4], reference: [1, 2, -4]) == 0.125)
        #expect(ParityMetrics.relativeError([1, .nan], reference: [1, 2]) == .infinity)
        #expect(ParityMetrics.relativeError([1], reference: [1, 2]) == .infinity)
    }

    @Test("pitch agreement counts frames with the same voicing and f0 within the cents")
    func pitchAgreement() {
        let reference: [Double] = [0, 100, 200, 300]
        // 10 cents sharp, an octave off, unvoiced where voiced: 2 of 4 agree within 20 cents.
        let track = [0, 100 * pow(2, 10.0 / 1200), 400, 0]
        #expect(ParityMetrics.pitchAgreement(track, reference: reference, cents: 20) == 0.5)
        #expect(ParityMetrics.pitchAgreement(track, reference: reference, cents: 5) == 0.25)
        #expect(ParityMetrics.voicingAgreement(track, reference: reference) == 0.75)
        #expect(ParityMetrics.voicedRelativeError(track, reference: reference) == 1)
    }
}
