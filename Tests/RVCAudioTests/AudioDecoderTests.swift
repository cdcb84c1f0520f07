import Foundation
import RVCTestSupport
import Testing

@testable import RVCAudio

@Suite struct AudioDecoderTests {
    private let decoder = AudioDecoder()

    /// Checks a decoded 0.5 s stereo 440 Hz sine of amplitude 0.5 at 44.1 kHz.
    private func expectSine(_ buffer: AudioBuffer, frames: Int? = 22_050, tolerance: Double,
                            _ label: String) {
        #expect(buffer.sampleRate == 44_100, "\(label)")
        #expect(buffer.channels == 2, "\(label)")
        if let frames { #expect(buffer.frameCount == frames, "\(label): \(buffer.frameCount)") }
        for c in 0..<2 {
            let middle = buffer.channel(c)[2_000..<20_000]
            let amplitude = Measure.amplitude(at: 440, in: middle, rate: 44_100)
            #expect(abs(amplitude - 0.5) < tolerance, "\(label) ch\(c): \(amplitude)")
            #expect(Measure.peakFrequency(in: middle, rate: 44_100, low: 420, high: 460) == 440)
        }
    }

    @Test(arguments: [
        ("u8.wav", ["-b", "8"], 0.01), ("s16.wav", ["-b", "16"], 0.001),
        ("s24.wav", ["-b", "24"], 0.001), ("s32.wav", ["-b", "32"], 0.001),
        ("f32.wav", ["-e", "floating-point", "-b", "32"], 0.001),
        ("s16.flac", ["-b", "16"], 0.001), ("s24.flac", ["-b", "24"], 0.001),
    ])
    func decodesPCMAndFloatWavAndFlacWrittenBySox(name: String, arguments: [String], tolerance: Double)
        throws
    {
        let dir = try TemporaryDirectory()
        let url = try AudioFixtures.soxSine(name, arguments, in: dir)
        expectSine(try decoder.decode(contentsOf: url), tolerance: tolerance, name)
    }

    @Test func decodesOggVorbisWrittenBySox() throws {
        let dir = try TemporaryDirectory()
        let url = try AudioFixtures.soxSine("sine.ogg", ["-C", "5"], in: dir)
        let buffer = try decoder.decode(contentsOf: url)
        expectSine(buffer, tolerance: 0.02, "vorbis")
        #expect(try AudioProbe.probe(contentsOf: url).codec == .vorbis)
    }

    @Test func decodesOggOpusWrittenByOpusenc() throws {
        let dir = try TemporaryDirectory()
        let wav = try AudioFixtures.soxSine("in.wav", ["-b", "16"], in: dir, seconds: 2)
        let opus = dir.file("sine.opus")
        try ExternalTool.run("opusenc", ["--quiet", "--bitrate", "96", wav.path, opus.path])
        let buffer = try decoder.decode(contentsOf: opus)
        #expect(buffer.sampleRate == 48_000)
        #expect(buffer.channels == 2)
        // opusenc resamples 44.1 kHz input to 48 kHz and trims to the input duration.
        #expect(abs(buffer.frameCount - 96_000) <= 960, "\(buffer.frameCount)")
        let middle = buffer.channel(0)[4_800..<90_000]
        #expect(abs(Measure.amplitude(at: 440, in: middle, rate: 48_000) - 0.5) < 0.02)
    }

    @Test func decodesSpeechFromEspeak() throws {
        let dir = try TemporaryDirectory()
        let speech = try AudioFixtures.speech(in: dir)
        #expect(speech.sampleRate == 22_050)
        #expect(speech.channels == 1)
        #expect(Measure.rms(speech.samples) > 0.01)
        #expect(speech.samples.allSatisfy { abs($0) <= 1 })
    }

    @Test func detectsTheFormatFromContentNotTheName() throws {
        let dir = try TemporaryDirectory()
        let flac = try AudioFixtures.soxSine("sine.flac", ["-b", "16"], in: dir)
        let misnamed = dir.file("actually-flac.mp3")
        try FileManager.default.copyItem(at: flac, to: misnamed)
        expectSine(try decoder.decode(contentsOf: misnamed), tolerance: 0.001, "misnamed")
        #expect(try AudioProbe.probe(contentsOf: misnamed).format == .flac)
    }

    @Test func decodingFromMemoryMatchesDecodingTheFile() throws {
        let dir = try TemporaryDirectory()
        let buffer = try AudioBuffer(
            samples: AudioFixtures.richSignal(rate: 48_000, seconds: 1), sampleRate: 48_000)
        for format in AudioFormat.allCases {
            let url = dir.file("x.\(format.fileExtension)")
            try AudioEncoder(format: format).encode(buffer, to: url)
            let fromFile = try decoder.decode(contentsOf: url)
            let fromMemory = try decoder.decode(Data(contentsOf: url), name: "x")
            #expect(fromFile == fromMemory, "\(format)")
        }
    }

    @Test func monoDecodingDownmixesLikeFFmpegWhileStreaming() throws {
        let dir = try TemporaryDirectory()
        let left = Signals.sine(frequency: 300, rate: 32_000, seconds: 1)
        let right = Signals.noise(count: left.count, amplitude: 0.4)
        let stereo = try AudioBuffer(
            samples: Signals.interleave([left, right]), sampleRate: 32_000, channels: 2)
        let url = dir.file("stereo.flac")
        try AudioEncoder(format: .flac).encode(stereo, to: url)
        let full = try decoder.decode(contentsOf: url)
        let mono = try decoder.decode(contentsOf: url, mono: true)
        #expect(mono.channels == 1)
        #expect(mono == full.mono())
        let weight = Float(0.5.squareRoot())
        for i in [0, 1_000, 31_999] {
            #expect(mono.samples[i] == full.samples[2 * i] * weight + full.samples[2 * i + 1] * weight)
        }
    }

    @Test func decodesTheMP3WeWriteAtItsRate() throws {
        let buffer = try AudioBuffer(
            samples: Signals.interleave([
                Signals.sine(frequency: 440, rate: 44_100, seconds: 0.5),
                Signals.sine(frequency: 440, rate: 44_100, seconds: 0.5),
            ]), sampleRate: 44_100, channels: 2)
        let data = try AudioEncoder(format: .mp3, mp3Bitrate: 256_000).encode(buffer)
        let decoded = try decoder.decode(data, name: "sine.mp3")
        expectSine(decoded, frames: nil, tolerance: 0.02, "mp3")
    }
}
