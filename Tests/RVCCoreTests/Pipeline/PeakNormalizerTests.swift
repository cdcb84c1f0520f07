import Testing
@testable import RVCCore

@Suite("Peak normalisation (E.3)")
struct PeakNormalizerTests {
    @Test("audio with a peak at or below 0.95 is left untouched")
    func quietAudioUnchanged() {
        var samples: [Float] = [0.1, -0.95, 0.5]
        PeakNormalizer.normalize(&samples)
        #expect(samples == [0.1, -0.95, 0.5])
    }

    @Test("loud audio is divided by float32(peak / 0.95) in float32")
    func loudAudioScaled() {
        var samples: [Float] = [0.25, -1.9, 1.2, 0]
        PeakNormalizer.normalize(&samples)
        let divisor = Float(Double(Float(1.9)) / 0.95)
        #expect(samples == [Float(0.25) / divisor, Float(-1.9) / divisor, Float(1.2) / divisor, 0])
        #expect(abs(abs(samples[1]) - 0.95) < 1e-6)
    }

    @Test("silence stays silent")
    func silence() {
        var samples = [Float](repeating: 0, count: 10)
        PeakNormalizer.normalize(&samples)
        #expect(samples.allSatisfy { $0 == 0 })
    }
}
