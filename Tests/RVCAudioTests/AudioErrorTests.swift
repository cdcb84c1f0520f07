import Foundation
import RVCTestSupport
import Testing

@testable import RVCAudio

/// Bad input: every failure is a typed `AudioError` that names the file.
@Suite struct AudioErrorTests {
    private let decoder = AudioDecoder()

    /// Decodes `url` expecting an error matching `matches`, and checks the error names the file.
    private func expectError(
        _ url: URL, limits: AudioDecoder.Limits = AudioDecoder.Limits(),
        sourceLocation: SourceLocation = #_sourceLocation, _ matches: (AudioError) -> Bool
    ) {
        do {
            let buffer = try AudioDecoder(limits: limits).decode(contentsOf: url)
            Issue.record("decoded \(buffer.frameCount) frames", sourceLocation: sourceLocation)
        } catch let error as AudioError {
            #expect(matches(error), "\(error)", sourceLocation: sourceLocation)
            #expect(error.file == url.path, sourceLocation: sourceLocation)
            #expect(error.description.contains(url.path), sourceLocation: sourceLocation)
        } catch {
            Issue.record("untyped error \(error)", sourceLocation: sourceLocation)
        }
    }

    @Test func missingFilesAndFoldersAreUnreadable() throws {
        let dir = try TemporaryDirectory()
        expectError(dir.file("missing.wav")) { if case .unreadable = $0 { true } else { false } }
        expectError(dir.url) { if case .unreadable = $0 { true } else { false } }
    }

    @Test func zeroBytesAndZeroFramesAreEmpty() throws {
        let dir = try TemporaryDirectory()
        let zero = dir.file("zero.wav")
        try Data().write(to: zero)
        expectError(zero) { $0 == .empty(file: zero.path) }
        // A canonical 44-byte WAV header with an empty data chunk (16-bit mono, 16 kHz).
        var header = Data("RIFF".utf8) + le32(36) + Data("WAVEfmt ".utf8) + le32(16)
        header += Data([1, 0, 1, 0]) + le32(16_000) + le32(32_000) + Data([2, 0, 16, 0])
        header += Data("data".utf8) + le32(0)
        let noFrames = dir.file("no-frames.wav")
        try header.write(to: noFrames)
        expectError(noFrames) { $0 == .empty(file: noFrames.path) }
        for format in AudioFormat.allCases {
            #expect(throws: AudioError.empty(file: "silence.\(format.fileExtension)")) {
                try AudioEncoder(format: format).encode(
                    int16: [], sampleRate: 48_000, name: "silence.\(format.fileExtension)")
            }
        }
    }

    private func le32(_ value: UInt32) -> Data {
        Data([UInt8(value & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value >> 16 & 0xFF), UInt8(value >> 24)])
    }

    @Test func nonAudioIsRejectedWithTheSupportedList() throws {
        let dir = try TemporaryDirectory()
        let contents: [(String, Data)] = [
            ("notes.txt", Data("just some text, not audio at all\n".utf8)),
            ("doc.wav", Data("%PDF-1.7\n%âãÏÓ\n1 0 obj".utf8)),
            ("random.mp3", Data(Signals.noise(count: 4_096).map { UInt8(truncatingIfNeeded: Int(($0 + 1) * 100)) })),
        ]
        for (name, data) in contents {
            let url = dir.file(name)
            try data.write(to: url)
            expectError(url) { $0 == .notAudio(file: url.path) }
        }
        #expect(AudioError.notAudio(file: "x").description.contains("Ogg Opus"))
    }

    @Test func unsupportedCodecsAreNamed() throws {
        let dir = try TemporaryDirectory()
        let aiff = try AudioFixtures.soxSine("sine.aiff", [], in: dir)
        expectError(aiff) { $0 == .unsupportedCodec(file: aiff.path, codec: "AIFF") }
        let adts = dir.file("audio.aac")
        try Data([0xFF, 0xF1, 0x50, 0x80, 0x02, 0x1F, 0xFC] + [UInt8](repeating: 0, count: 64))
            .write(to: adts)
        expectError(adts) { $0 == .unsupportedCodec(file: adts.path, codec: "AAC (ADTS)") }
        let message = AudioError.unsupportedCodec(file: adts.path, codec: "AAC (ADTS)").description
        #expect(message.contains("AAC (ADTS)") && message.contains("FLAC") && message.contains("MP3"))
    }

    @Test func truncatedFlacIsReportedAsCorrupt() throws {
        let dir = try TemporaryDirectory()
        let url = try AudioFixtures.soxSine("full.flac", ["-b", "16"], in: dir, seconds: 3)
        let data = try Data(contentsOf: url)
        let cut = dir.file("cut.flac")
        try data.prefix(data.count / 2).write(to: cut)
        expectError(cut) { if case .corrupt = $0 { true } else { false } }
    }

    @Test func damagedOggOpusPagesAreReportedAsCorrupt() throws {
        let dir = try TemporaryDirectory()
        let signal = AudioFixtures.richSignal(rate: 48_000, seconds: 4)
        var data = try AudioEncoder(opus: OpusEncoderSettings(bitrate: 64_000))
            .encode(AudioBuffer(samples: signal, sampleRate: 48_000))
        // Overwrite bytes in the middle of the stream: the page CRC fails and a gap appears.
        let middle = data.count / 2
        data.replaceSubrange(middle..<(middle + 2_000), with: [UInt8](repeating: 0x55, count: 2_000))
        let url = dir.file("damaged.ogg")
        try data.write(to: url)
        expectError(url) { if case .corrupt = $0 { true } else { false } }
    }

    @Test func nonFiniteFloatSamplesAreReportedAsCorrupt() throws {
        let dir = try TemporaryDirectory()
        let url = try AudioFixtures.soxSine("f32.wav", ["-e", "floating-point", "-b", "32"], in: dir,
                                             channels: 1)
        var data = try Data(contentsOf: url)
        // A quiet NaN, little-endian, a third of the way into the samples.
        let chunk = try #require(data.range(of: Data("data".utf8)))
        let at = chunk.upperBound + 4 + 4 * 7_000
        data.replaceSubrange(at..<(at + 4), with: [0x00, 0x00, 0xC0, 0x7F])
        try data.write(to: url)
        expectError(url) { if case .corrupt(_, let detail) = $0 { detail.contains("NaN") } else { false } }
    }

    @Test func audioLongerThanTheLimitIsRefused() throws {
        let dir = try TemporaryDirectory()
        let limits = AudioDecoder.Limits(maxDuration: 1)
        let wav = try AudioFixtures.soxSine("long.wav", ["-b", "16"], in: dir, seconds: 2)
        expectError(wav, limits: limits) { error in
            if case .tooLong(_, let seconds, let limit) = error { seconds >= 2 && limit == 1 } else { false }
        }
        let opus = dir.file("long.ogg")
        try AudioEncoder().encode(
            AudioBuffer(samples: Signals.noise(count: 96_000), sampleRate: 48_000), to: opus)
        expectError(opus, limits: limits) { if case .tooLong = $0 { true } else { false } }
        #expect(try AudioDecoder(limits: AudioDecoder.Limits(maxDuration: 3)).decode(contentsOf: opus)
            .frameCount == 96_000)
    }

    @Test func implausibleHeadersAreRefused() throws {
        let dir = try TemporaryDirectory()
        let many = try AudioFixtures.soxSine("ten.wav", ["-b", "16"], in: dir, channels: 10)
        expectError(many) { $0 == .invalidStreamParameters(file: many.path, sampleRate: 44_100, channels: 10) }
        // A WAV whose fmt chunk claims 1 GHz: libsndfile or the limit refuses it.
        var data = try Data(contentsOf: try AudioFixtures.soxSine("ok.wav", ["-b", "16"], in: dir))
        let fmt = try #require(data.range(of: Data("fmt ".utf8)))
        let rateAt = fmt.lowerBound + 12
        data.replaceSubrange(rateAt..<(rateAt + 4), with: [0x00, 0xCA, 0x9A, 0x3B])
        let fast = dir.file("fast.wav")
        try data.write(to: fast)
        expectError(fast) { error in
            switch error {
            case .invalidStreamParameters, .corrupt: true
            default: false
            }
        }
    }

    @Test func encoderErrorsNameTheOutput() throws {
        let buffer = try AudioBuffer(samples: [0, 0, 0], sampleRate: 8_000)
        do {
            _ = try AudioEncoder(format: .ogg, sampleRate: 8_000).encode(buffer, name: "out.ogg")
            Issue.record("Ogg Opus at 8 kHz was accepted")
        } catch let error as AudioError {
            #expect(error.file == "out.ogg")
            #expect(error.description.contains("48000"))
        }
        #expect(throws: AudioError.self) { try AudioBuffer(samples: [0, 0, 0], sampleRate: 8_000, channels: 2) }
        #expect(throws: AudioError.self) { try AudioEncoder(format: .wav).encode(int16: [1, 2, 3], sampleRate: 8_000, channels: 2) }
    }
}
