import Foundation
import RVCTestSupport
import Testing

@testable import RVCAudio

@Suite struct AudioEncoderTests {
    private let decoder = AudioDecoder()

    @Test func wavWritesInt16SamplesBitExactly() throws {
        var samples = (0..<40_000).map { Int16(truncatingIfNeeded: $0 &* 7_919) }
        samples += [.min, .max, 0, -1, 1]
        let data = try AudioEncoder(format: .wav).encode(int16: samples, sampleRate: 40_000)
        let decoded = try decoder.decode(data, name: "out.wav")
        #expect(decoded.sampleRate == 40_000)
        #expect(decoded.channels == 1)
        #expect(decoded.int16Samples() == samples)
        // The data chunk holds exactly these little-endian samples after a 44-byte-or-longer header.
        let bytes = [UInt8](data)
        let needle = Array(bytes.indices).firstIndex { i in
            i + 8 <= bytes.count && bytes[i..<i + 4].elementsEqual("data".utf8)
        }
        let start = try #require(needle) + 8
        let payload = bytes[start..<(start + samples.count * 2)]
        let expected = samples.flatMap { value -> [UInt8] in
            let bits = UInt16(bitPattern: value)
            return [UInt8(bits & 0xFF), UInt8(bits >> 8)]
        }
        #expect(Array(payload) == expected)
    }

    @Test func floatInputTakesTheInt16PathForWav() throws {
        let signal = AudioFixtures.richSignal(rate: 32_000, seconds: 1) + [1.5, -1.5, 0.99999]
        let buffer = try AudioBuffer(samples: signal, sampleRate: 32_000)
        let decoded = try decoder.decode(AudioEncoder(format: .wav).encode(buffer), name: "out.wav")
        #expect(decoded.int16Samples() == buffer.int16Samples())
        #expect(decoded.frameCount == buffer.frameCount)
        let top: Float = 32_767.0 / 32_768
        let clipped: [Float] = [top, -1, top]
        #expect(Array(decoded.samples.suffix(3)) == clipped)
    }

    @Test func wavAndFlacRoundTripsAreLosslessForStereo() throws {
        let left = AudioFixtures.richSignal(rate: 44_100, seconds: 1)
        let right = Signals.noise(count: left.count, amplitude: 0.8, seed: 7)
        let buffer = try AudioBuffer(
            samples: Signals.interleave([left, right]), sampleRate: 44_100, channels: 2)
        for format in [AudioFormat.wav, .flac] {
            let data = try AudioEncoder(format: format).encode(buffer)
            let info = try AudioProbe.probe(data, name: "out.\(format)")
            #expect(info.format == format)
            let decoded = try decoder.decode(data, name: "out.\(format)")
            #expect(decoded.channels == 2)
            #expect(decoded.sampleRate == 44_100)
            #expect(decoded.frameCount == buffer.frameCount, "\(format)")
            #expect(decoded.int16Samples() == buffer.int16Samples(), "\(format)")
        }
        let flac = try AudioEncoder(format: .flac).encode(buffer)
        let wav = try AudioEncoder(format: .wav).encode(buffer)
        #expect(flac.count < wav.count)
    }

    @Test func int16AtAnotherRateIsResampledBeforeWriting() throws {
        let samples = AudioBuffer(
            validated: Signals.sine(frequency: 500, rate: 40_000, seconds: 1), sampleRate: 40_000,
            channels: 1
        ).int16Samples()
        let data = try AudioEncoder(format: .wav, sampleRate: 48_000)
            .encode(int16: samples, sampleRate: 40_000)
        let decoded = try decoder.decode(data, name: "out.wav")
        #expect(decoded.sampleRate == 48_000)
        #expect(decoded.frameCount == 48_000)
        let middle = decoded.samples[4_800..<43_200]
        #expect(abs(Measure.amplitude(at: 500, in: middle, rate: 48_000) - 0.5) < 0.001)
    }

    @Test func opusRoundTripKeepsLengthAndWaveform() throws {
        let signal = AudioFixtures.richSignal(rate: 48_000, seconds: 3)
        let buffer = try AudioBuffer(samples: signal, sampleRate: 48_000)
        let data = try AudioEncoder().encode(buffer)
        let decoded = try decoder.decode(data, name: "out.ogg")
        #expect(decoded.sampleRate == 48_000)
        #expect(decoded.channels == 1)
        // Pre-skip and the end-trimming granule position restore the exact length and alignment.
        #expect(decoded.frameCount == signal.count)
        let snr = Measure.snr(signal[4_800...], decoded.samples[4_800...])
        #expect(snr > 20, "Opus SNR \(snr) dB")
        for frequency in [220.0, 1_500.0] {
            let a = Measure.amplitude(at: frequency, in: decoded.samples[4_800..<9_600], rate: 48_000)
            let r = Measure.amplitude(at: frequency, in: signal[4_800..<9_600], rate: 48_000)
            #expect(abs(a - r) < 0.1 * r, "\(frequency) Hz: \(a) vs \(r)")
        }
    }

    @Test func opusFromTheModelRateIsResampledTo48kHz() throws {
        let signal = Signals.sine(frequency: 440, rate: 40_000, seconds: 2)
        let data = try AudioEncoder().encode(AudioBuffer(samples: signal, sampleRate: 40_000))
        let decoded = try decoder.decode(data, name: "out.ogg")
        #expect(decoded.sampleRate == 48_000)
        #expect(decoded.frameCount == Resampler.outputFrames(for: signal.count, from: 40_000, to: 48_000))
        let reference = Signals.sine(frequency: 440, rate: 48_000, seconds: 2)
        let snr = Measure.snr(reference[4_800..<91_200], decoded.samples[4_800..<91_200])
        #expect(snr > 25, "SNR \(snr) dB")
    }

    @Test func opusStreamHasRFC7845HeadersTagsAndGranules() throws {
        let signal = AudioFixtures.richSignal(rate: 48_000, seconds: 2.5)
        let data = try AudioEncoder().encode(AudioBuffer(samples: signal, sampleRate: 48_000))
        let pages = try OggPage.parse(data)
        let first = try #require(pages.first)
        let last = try #require(pages.last)
        #expect(first.isBeginning)
        #expect(first.segments.count == 1)
        #expect(last.isEnd)
        #expect(Set(pages.map(\.serial)).count == 1)
        #expect(pages.map(\.sequence) == (0..<UInt32(pages.count)).map { $0 })
        let head = try #require(OpusHead(first.body))
        #expect(head.version == 1)
        #expect(head.channels == 1)
        #expect(head.inputSampleRate == 48_000)
        #expect(head.mappingFamily == 0)
        #expect(head.outputGain == 0)
        // libopus's lookahead at 48 kHz: 2.5 ms of delay plus 4 ms of CELT overlap = 312 samples.
        #expect(head.preSkip == 312)
        let tags = try #require(OpusTags(pages[1].body))
        #expect(tags.comments.contains("ENCODER=rvc-nano"))
        #expect(tags.vendor.contains("libopus"))
        #expect(pages[1].granulePosition == 0)
        // The final granule position minus pre-skip is the exact number of input samples.
        #expect(last.granulePosition - Int64(head.preSkip) == Int64(signal.count))
        let granules = pages.dropFirst(2).map(\.granulePosition)
        #expect(granules == granules.sorted())
    }

    @Test func opusBitrateModesAndSettingsAreValidated() throws {
        let buffer = try AudioBuffer(samples: Signals.noise(count: 4_800), sampleRate: 48_000)
        for mode in OpusEncoderSettings.BitrateMode.allCases {
            let settings = OpusEncoderSettings(bitrate: 96_000, bitrateMode: mode)
            let data = try AudioEncoder(opus: settings).encode(buffer)
            #expect(try decoder.decode(data, name: "x.ogg").frameCount == 4_800)
        }
        #expect(throws: AudioError.self) {
            try AudioEncoder(opus: OpusEncoderSettings(bitrate: 1_000)).encode(buffer)
        }
        #expect(throws: AudioError.self) {
            try AudioEncoder(sampleRate: 44_100).encode(buffer)
        }
        let surround = try AudioBuffer(
            samples: [Float](repeating: 0, count: 6 * 960), sampleRate: 48_000, channels: 6)
        #expect(throws: AudioError.self) { try AudioEncoder().encode(surround) }
    }

    @Test func mp3RoundTripKeepsToneAndLength() throws {
        let signal = Signals.sine(frequency: 440, rate: 44_100, seconds: 2)
        let buffer = try AudioBuffer(samples: signal, sampleRate: 44_100)
        let data = try AudioEncoder(format: .mp3).encode(buffer)
        let info = try AudioProbe.probe(data, name: "out.mp3")
        #expect(info.format == .mp3)
        #expect(info.codec == .mpeg(layer: 3))
        let decoded = try decoder.decode(data, name: "out.mp3")
        #expect(decoded.sampleRate == 44_100)
        // One MPEG-1 Layer III frame is 1152 samples.
        #expect(abs(decoded.frameCount - signal.count) <= 1_152, "\(decoded.frameCount)")
        let lag = Measure.bestLag(signal, decoded.samples, maxLag: 1_200)
        let aligned = decoded.samples.dropFirst(max(0, lag))
        let snr = Measure.snr(signal[4_410..<80_000], aligned.prefix(80_000).dropFirst(4_410))
        #expect(snr > 20, "MP3 SNR \(snr) dB at lag \(lag)")
        // 192 kb/s constant: size ≈ bitrate × duration (within 10 %).
        let kbps = Double(data.count) * 8 / 2 / 1_000
        #expect(abs(kbps - 192) < 19.2, "\(kbps) kb/s")
    }

    @Test func mp3RejectsRatesMPEGDoesNotDefineButDefaultsToOne() throws {
        let buffer = try AudioBuffer(samples: Signals.noise(count: 40_000), sampleRate: 40_000)
        #expect(throws: AudioError.self) {
            try AudioEncoder(format: .mp3, sampleRate: 40_000).encode(buffer)
        }
        let data = try AudioEncoder(format: .mp3).encode(buffer)
        #expect(try AudioProbe.probe(data, name: "x.mp3").sampleRate == 48_000)
    }

    @Test func speechSurvivesEveryFormat() throws {
        let dir = try TemporaryDirectory()
        let speech = try AudioFixtures.speech(in: dir)
        #expect(speech.sampleRate == 22_050)
        #expect(speech.duration > 2)
        for format in AudioFormat.allCases {
            let url = dir.file("speech.\(format.fileExtension)")
            try AudioEncoder(format: format).encode(speech, to: url)
            let decoded = try decoder.decode(contentsOf: url)
            let back = try decoded.resampled(to: 22_050)
            let lossless = format == .wav || format == .flac
            if lossless {
                #expect(back.samples == speech.samples, "\(format)")
                continue
            }
            let lag = Measure.bestLag(speech.samples, back.samples, maxLag: 1_200)
            let aligned = Array(back.samples.dropFirst(max(0, lag)))
            let n = min(aligned.count, speech.samples.count) - 2_205
            let snr = Measure.snr(speech.samples[2_205..<n], aligned[2_205..<n])
            #expect(snr > 10, "\(format): SNR \(snr) dB at lag \(lag)")
            #expect(abs(back.frameCount - speech.frameCount) <= 1_152 * 22_050 / 44_100 + 1, "\(format)")
        }
    }

    @Test func fileOutputIsWrittenAtomicallyAndNamedInErrors() throws {
        let dir = try TemporaryDirectory()
        let buffer = try AudioBuffer(samples: Signals.noise(count: 960), sampleRate: 48_000)
        let missing = dir.url.appendingPathComponent("no/such/folder/out.ogg")
        do {
            try AudioEncoder().encode(buffer, to: missing)
            Issue.record("writing into a missing folder succeeded")
        } catch let error as AudioError {
            #expect(error.file == missing.path)
            #expect(error.description.contains(missing.path))
        }
        #expect(!FileManager.default.fileExists(atPath: missing.path))
    }
}
