import Foundation
import RVCTestSupport
import Testing

@testable import RVCAudio

/// Mutated files of every supported format (WAV PCM and float, FLAC, MP3, Ogg Opus, Ogg Vorbis):
/// decoding and probing must return finite audio or throw an `AudioError` naming the input — never
/// crash, hang, or return non-finite samples.
@Suite struct DecoderFuzzTests {
    private static func seeds() throws -> [FuzzMutator.Seed] {
        let frames = 11_025  // 0.25 s
        let stereo = try AudioBuffer(
            samples: Signals.interleave([
                AudioFixtures.richSignal(rate: 44_100, seconds: 0.25),
                Signals.noise(count: frames, amplitude: 0.2),
            ]), sampleRate: 44_100, channels: 2)
        let dir = try TemporaryDirectory()
        var seeds: [FuzzMutator.Seed] = []
        // Ogg serial numbers are drawn at random and sox dithers at random: both are fixed, so the
        // seeds, and with them the inputs, are the same on every run.
        for format in AudioFormat.allCases {
            let bytes = OggPage.withSerial(1, in: [UInt8](try AudioEncoder(format: format).encode(stereo)))
            seeds.append(FuzzMutator.Seed(format.rawValue, bytes, hot: [0..<min(bytes.count, 256)]))
        }
        let float = [UInt8](try Data(contentsOf: AudioFixtures.soxSine(
            "f.wav", ["-D", "-e", "floating-point", "-b", "32"], in: dir, seconds: 0.2)))
        seeds.append(FuzzMutator.Seed("float wav", float, hot: [0..<128]))
        let vorbis = OggPage.withSerial(1, in: [UInt8](try Data(contentsOf: AudioFixtures.soxSine("v.ogg", ["-D"], in: dir, seconds: 0.2))))
        seeds.append(FuzzMutator.Seed("vorbis", vorbis, hot: [0..<min(vorbis.count, 4096)]))
        return seeds
    }

    @Test func mutatedFilesNeverCrashHangOrReturnNonFiniteSamples() throws {
        let limits = AudioDecoder.Limits(maxDuration: 30)
        let decoder = AudioDecoder(limits: limits)
        var drawnBySeed: [String: Int] = [:]
        var decodedBySeed: [String: Int] = [:]
        let report = Fuzzer.run(reader: "audio", seeds: try Self.seeds(), isTyped: { $0 is AudioError }) { label, bytes in
            drawnBySeed[label, default: 0] += 1
            let data = Data(bytes)
            let name = "fuzz-\(label)"
            do {
                _ = try AudioProbe.probe(data, name: name, limits: limits)
            } catch let error as AudioError {
                #expect(error.file == name)
            }
            do {
                let buffer = try decoder.decode(data, name: name)
                #expect(buffer.samples.allSatisfy { $0.isFinite }, "\(name)")
                #expect(buffer.frameCount > 0)
                decodedBySeed[label, default: 0] += 1
            } catch let error as AudioError {
                #expect(error.file == name)
                throw error
            }
        }
        #expect(report.problems.isEmpty, "\(report)")
        // Every seed format was exercised, with both outcomes seen overall. (Mutated Ogg and FLAC
        // rarely decode at all: their pages and frames carry checksums.)
        #expect(report.replayed || drawnBySeed.count == 6, "\(drawnBySeed)")
        #expect(report.mixedOutcomes, "\(report); decoded \(decodedBySeed)")
    }
}
