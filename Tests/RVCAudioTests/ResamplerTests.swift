import Foundation
import Testing

@testable import RVCAudio

@Suite struct ResamplerTests {
    static let pairs: [(Int, Int)] = [
        (16_000, 32_000), (16_000, 40_000), (16_000, 44_100), (16_000, 48_000),
        (32_000, 16_000), (40_000, 16_000), (44_100, 16_000), (48_000, 16_000),
        (40_000, 48_000), (32_000, 48_000),
    ]

    @Test func outputLengthFollowsLibswresample() throws {
        // Lengths the ffmpeg 5.1 CLI produced for these inputs (see FFmpegParityTests for the
        // live comparison): downsampling sometimes yields ⌈n·out/in⌉ − 1.
        #expect(Resampler.outputFrames(for: 1_000, from: 48_000, to: 16_000) == 333)
        #expect(Resampler.outputFrames(for: 44_107, from: 48_000, to: 16_000) == 14_702)
        #expect(Resampler.outputFrames(for: 4_410, from: 44_100, to: 16_000) == 1_600)
        #expect(Resampler.outputFrames(for: 94, from: 44_100, to: 16_000) == 34)
        #expect(Resampler.outputFrames(for: 100, from: 44_100, to: 16_000) == 36)
        #expect(Resampler.outputFrames(for: 44_107, from: 96_000, to: 16_000) == 7_351)
        #expect(Resampler.outputFrames(for: 1_000, from: 44_056, to: 16_000) == 363)
        #expect(Resampler.outputFrames(for: 0, from: 44_100, to: 16_000) == 0)
        #expect(Resampler.outputFrames(for: 500, from: 16_000, to: 16_000) == 500)
        for (from, to) in Self.pairs {
            let resampler = try Resampler(from: from, to: to)
            for n in [1, 2, 3, 159, 160, 161, 4_410, 16_001, 33_333] {
                let out = try resampler.process(Signals.noise(count: n))
                #expect(out.count == resampler.outputFrames(for: n), "\(n) frames \(from)→\(to)")
                let ceiling = Int((Double(n) * Double(to) / Double(from)).rounded(.up))
                if to > from || n <= PolyphaseFilter(inputRate: from, outputRate: to).taps {
                    // Upsampling keeps every frame, and so do inputs shorter than the filter.
                    #expect(out.count == ceiling, "\(n) frames \(from)→\(to)")
                } else {
                    #expect(out.count == ceiling || out.count == ceiling - 1, "\(n) frames \(from)→\(to)")
                }
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

    @Test func passbandIsFlatAcrossSpeechFrequencies() throws {
        // libswresample's filter cuts at 97 % of the narrower Nyquist frequency with a short
        // transition: flat to 0.05 dB over the lower 80 % of the band.
        for (from, to) in [(48_000, 16_000), (16_000, 40_000), (44_100, 16_000)] {
            let resampler = try Resampler(from: from, to: to)
            let limit = Double(min(from, to)) / 2
            for frequency in stride(from: 100.0, through: 0.8 * limit, by: 700) {
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

    @Test func threadsGiveBitIdenticalResults() throws {
        // A low work threshold splits even these short inputs; odd lengths put chunk edges
        // anywhere.
        for (from, to, channels) in [
            (44_100, 16_000, 1), (48_000, 16_000, 2), (40_000, 48_000, 1), (44_056, 16_000, 1),
            (22_050, 16_000, 1),
        ] {
            let frames = from / 2 + 17
            let input = Signals.noise(count: frames * channels, amplitude: 0.8)
            let resampler = try Resampler(from: from, to: to, channels: channels)
            let single = try resampler.process(input, maxThreads: 1)
            for threads in [2, 3, 8] {
                let many = try resampler.process(input, maxThreads: threads, workPerThread: 1_000)
                #expect(many == single, "\(from)→\(to), \(channels) ch, \(threads) threads")
            }
            #expect(single.count == resampler.outputFrames(for: frames) * channels)
        }
    }

    @Test func shortInputsAreExtendedByMirroring() throws {
        // Up to the 92-tap filter's length, and just beyond: a constant stays constant.
        for n in [1, 5, 40, 91, 92, 93, 200] {
            let resampler = try Resampler(from: 44_100, to: 16_000)
            let output = try resampler.process([Float](repeating: 0.25, count: n))
            #expect(output.count == resampler.outputFrames(for: n), "\(n)")
            for x in output { #expect(abs(x - 0.25) < 1e-3, "\(n) frames: \(x)") }
        }
    }

    @Test func stereoChannelsStayApart() throws {
        let left = Signals.sine(frequency: 300, rate: 48_000, seconds: 0.5)
        let right = Signals.sine(frequency: 2_000, rate: 48_000, seconds: 0.5)
        let buffer = try AudioBuffer(
            samples: Signals.interleave([left, right]), sampleRate: 48_000, channels: 2)
        let out = try buffer.resampled(to: 16_000)
        #expect(out.frameCount == Resampler.outputFrames(for: 24_000, from: 48_000, to: 16_000))
        #expect(out.channels == 2)
        let l = out.channel(0)[800..<7_200]
        let r = out.channel(1)[800..<7_200]
        #expect(Measure.amplitude(at: 300, in: l, rate: 16_000) > 0.49)
        #expect(Measure.amplitude(at: 2_000, in: l, rate: 16_000) < 1e-4)
        #expect(Measure.amplitude(at: 2_000, in: r, rate: 16_000) > 0.49)
        #expect(Measure.amplitude(at: 300, in: r, rate: 16_000) < 1e-4)
        // Each channel is resampled exactly as it would be alone.
        let alone = try Resampler(from: 48_000, to: 16_000).process(left)
        #expect(out.channel(0) == alone)
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
