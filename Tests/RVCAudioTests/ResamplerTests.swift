import Foundation
import Testing

@testable import RVCAudio

@Suite struct ResamplerTests {
    static let pairs: [(Int, Int)] = [
        (16_000, 32_000), (16_000, 40_000), (16_000, 44_100), (16_000, 48_000),
        (32_000, 16_000), (40_000, 16_000), (44_100, 16_000), (48_000, 16_000),
        (40_000, 48_000), (32_000, 48_000),
    ]

    @Test func outputLengthIsTheCeilingOfTheScaledInputLength() throws {
        #expect(Resampler.outputFrames(for: 16_000, from: 16_000, to: 48_000) == 48_000)
        #expect(Resampler.outputFrames(for: 10, from: 48_000, to: 16_000) == 4)
        #expect(Resampler.outputFrames(for: 1, from: 44_100, to: 16_000) == 1)
        #expect(Resampler.outputFrames(for: 441, from: 44_100, to: 16_000) == 160)
        #expect(Resampler.outputFrames(for: 442, from: 44_100, to: 16_000) == 161)
        for (from, to) in Self.pairs {
            for n in [1, 2, 3, 159, 160, 161, 4_410, 16_001, 33_333] {
                let resampler = try Resampler(from: from, to: to)
                let out = try resampler.process(Signals.noise(count: n))
                let expected = Int((Double(n) * Double(to) / Double(from)).rounded(.up))
                #expect(out.count == expected, "\(n) frames \(from)→\(to)")
            }
        }
    }

    @Test(arguments: pairs)
    func toneFrequencyAndAmplitudeArePreserved(from: Int, to: Int) throws {
        let frequency = 1_000.0
        let input = Signals.sine(frequency: frequency, rate: from, seconds: 1, amplitude: 0.5)
        let output = try Resampler(from: from, to: to).process(input)
        // Skip the edges, where the filter sees the signal start and stop.
        let middle = output[(to / 10)..<(output.count - to / 10)]
        let peak = Measure.peakFrequency(in: middle, rate: to, low: 900, high: 1_100)
        #expect(abs(peak - frequency) <= 1)
        let amplitude = Measure.amplitude(at: frequency, in: middle, rate: to)
        #expect(abs(amplitude - 0.5) < 0.5 * 0.001, "passband gain \(amplitude / 0.5)")
        let reference = Signals.sine(frequency: frequency, rate: to, seconds: 1, amplitude: 0.5)
        // Time-aligned: compares sample by sample with the ideal tone at the new rate.
        let snr = Measure.snr(reference[(to / 10)..<(output.count - to / 10)], middle)
        #expect(snr > 60, "SNR \(snr) dB")
    }

    @Test func passbandRippleIsSmallAcrossSpeechFrequencies() throws {
        for (from, to) in [(48_000, 16_000), (16_000, 40_000), (44_100, 16_000)] {
            let resampler = try Resampler(from: from, to: to)
            let limit = Double(min(from, to)) / 2
            for frequency in stride(from: 100.0, through: 0.85 * limit, by: 700) {
                let input = Signals.sine(frequency: frequency, rate: from, seconds: 0.5)
                let output = try resampler.process(input)
                let middle = output[(to / 20)..<(output.count - to / 20)]
                let gain = Measure.amplitude(at: frequency, in: middle, rate: to) / 0.5
                #expect(abs(20 * log10(gain)) < 0.05, "\(frequency) Hz \(from)→\(to): \(gain)")
            }
        }
    }

    @Test func downsamplingSuppressesAliases() throws {
        // 12 kHz is above the 8 kHz Nyquist limit of 16 kHz: it must vanish, not fold to 4 kHz.
        let input = Signals.sine(frequency: 12_000, rate: 48_000, seconds: 1, amplitude: 0.5)
        let output = try Resampler(from: 48_000, to: 16_000).process(input)
        let middle = output[1_600..<(output.count - 1_600)]
        let alias = Measure.amplitude(at: 4_000, in: middle, rate: 16_000)
        #expect(20 * log10(alias / 0.5) < -90, "alias at \(20 * log10(alias / 0.5)) dB")
        #expect(Measure.rms(middle) < 0.5e-4)
    }

    @Test func everyQualityKeepsTheToneAndLength() throws {
        for quality in Resampler.Quality.allCases {
            let input = Signals.sine(frequency: 440, rate: 44_100, seconds: 1)
            let output = try Resampler(from: 44_100, to: 16_000, quality: quality).process(input)
            #expect(output.count == 16_000)
            let middle = output[1_600..<14_400]
            let reference = Signals.sine(frequency: 440, rate: 16_000, seconds: 1)
            #expect(Measure.snr(reference[1_600..<14_400], middle) > 60, "\(quality)")
        }
    }

    @Test func stereoChannelsStayApart() throws {
        let left = Signals.sine(frequency: 300, rate: 48_000, seconds: 0.5)
        let right = Signals.sine(frequency: 2_000, rate: 48_000, seconds: 0.5)
        let buffer = try AudioBuffer(
            samples: Signals.interleave([left, right]), sampleRate: 48_000, channels: 2)
        let out = try buffer.resampled(to: 16_000)
        #expect(out.frameCount == 8_000)
        #expect(out.channels == 2)
        let l = out.channel(0)[800..<7_200]
        let r = out.channel(1)[800..<7_200]
        #expect(Measure.amplitude(at: 300, in: l, rate: 16_000) > 0.49)
        #expect(Measure.amplitude(at: 2_000, in: l, rate: 16_000) < 1e-4)
        #expect(Measure.amplitude(at: 2_000, in: r, rate: 16_000) > 0.49)
        #expect(Measure.amplitude(at: 300, in: r, rate: 16_000) < 1e-4)
    }

    @Test func equalRatesReturnTheInputUnchanged() throws {
        let input = Signals.noise(count: 1_000)
        #expect(try Resampler(from: 16_000, to: 16_000).process(input) == input)
        #expect(try Resampler(from: 16_000, to: 48_000).process([]) == [])
    }

    @Test func rejectsImpossibleRatesAndMisalignedSamples() throws {
        #expect(throws: AudioError.self) { try Resampler(from: 0, to: 16_000) }
        #expect(throws: AudioError.self) { try Resampler(from: 1_000_000, to: 1_000) }
        let stereo = try Resampler(from: 16_000, to: 48_000, channels: 2)
        #expect(throws: AudioError.self) { try stereo.process([0, 0, 0]) }
    }
}
