import Foundation
import Testing
@testable import RVCCore

/// The salience → Hz decode (reference-inference.md C.4) on hand-made rows.
@Suite struct RMVPEPitchDecoderTests {
    private func row(_ values: [Int: Float]) -> [Float] {
        var r = [Float](repeating: 0, count: RMVPEPitchDecoder.bins)
        for (i, v) in values { r[i] = v }
        return r
    }

    @Test func singlePeakGivesItsBinFrequency() {
        let f0 = RMVPEPitchDecoder.decode(salience: row([100: 0.9]))
        let cents = Double(Float(0.9)) * (2000 + 1997.3794084376191) / Double(Float(0.9) + Float(1e-7))
        #expect(f0 == [10 * Foundation.pow(2.0, cents / 1200)])
    }

    @Test func thresholdIsInclusiveAndInFloat32() {
        // 0.03 as float32 is 0.029999999329…: a peak equal to it is unvoiced, the next float is voiced.
        #expect(RMVPEPitchDecoder.decode(salience: row([50: 0.03])) == [0])
        #expect(RMVPEPitchDecoder.decode(salience: row([50: Float(0.03).nextUp]))[0] > 0)
    }

    @Test func edgeBinsUseZeroPadding() {
        let low = RMVPEPitchDecoder.decode(salience: row([0: 0.5, 1: 0.25]))[0]
        let high = RMVPEPitchDecoder.decode(salience: row([359: 0.5]))[0]
        #expect(low > 31 && low < 33)
        #expect(high > 2000 && high < 2010)
    }

    @Test func firstMaximumWinsTies() {
        // Equal peaks far apart: the window is centred on the first, so f0 stays near bin 10.
        let f0 = RMVPEPitchDecoder.decode(salience: row([10: 0.5, 300: 0.5]))[0]
        let bin10 = 10 * Foundation.pow(2.0, (200 + 1997.3794084376191) / 1200)
        #expect(Swift.abs(f0 - bin10) < 1e-6 * bin10)
    }

    @Test func framesAreDecodedIndependently() {
        let f0 = RMVPEPitchDecoder.decode(salience: row([:]) + row([200: 0.8]) + row([5: 0.01]))
        #expect(f0.count == 3)
        #expect(f0[0] == 0 && f0[1] > 0 && f0[2] == 0)
    }
}
