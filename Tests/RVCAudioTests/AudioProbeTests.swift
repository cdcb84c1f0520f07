import Foundation
import RVCTestSupport
import Testing

@testable import RVCAudio

@Suite struct AudioProbeTests {
    @Test func reportsWavParametersAndSize() throws {
        let dir = try TemporaryDirectory()
        let url = try AudioFixtures.soxSine("s24.wav", ["-b", "24"], in: dir, seconds: 1.5)
        let info = try AudioProbe.probe(contentsOf: url)
        #expect(info.format == .wav)
        #expect(info.codec == .pcm(bits: 24))
        #expect(info.sampleRate == 44_100)
        #expect(info.channels == 2)
        #expect(info.frameCount == 66_150)
        #expect(info.duration == 1.5)
        let size = try #require(try FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int)
        #expect(info.fileSize == size)
    }

    @Test func reportsOggOpusLengthFromGranulesWithoutDecoding() throws {
        let samples = AudioFixtures.richSignal(rate: 48_000, seconds: 3.21)
        let data = try AudioEncoder().encode(AudioBuffer(samples: samples, sampleRate: 48_000))
        let info = try AudioProbe.probe(data, name: "x.ogg")
        #expect(info.format == .ogg)
        #expect(info.codec == .opus)
        #expect(info.sampleRate == 48_000)
        #expect(info.channels == 1)
        #expect(info.frameCount == samples.count)
        #expect(info.fileSize == data.count)
        #expect(abs(info.averageBitrate - 128_000) < 12_800)
    }

    @Test func reportsFlacVorbisAndMP3Codecs() throws {
        let dir = try TemporaryDirectory()
        let flac = try AudioProbe.probe(
            contentsOf: AudioFixtures.soxSine("a.flac", ["-b", "16"], in: dir))
        #expect(flac.format == .flac)
        #expect(flac.codec == .flac(bits: 16))
        #expect(flac.frameCount == 22_050)
        let vorbis = try AudioProbe.probe(contentsOf: AudioFixtures.soxSine("a.ogg", [], in: dir))
        #expect(vorbis.format == .ogg)
        #expect(vorbis.codec == .vorbis)
        #expect(vorbis.frameCount == 22_050)
        let mp3Data = try AudioEncoder(format: .mp3).encode(
            AudioBuffer(samples: Signals.noise(count: 44_100), sampleRate: 44_100))
        let mp3 = try AudioProbe.probe(mp3Data, name: "a.mp3")
        #expect(mp3.codec == .mpeg(layer: 3))
        #expect(mp3.sampleRate == 44_100)
        #expect(abs(mp3.duration - 1) < 0.06, "\(mp3.duration)")
    }
}
