import Foundation
import RVCTestSupport
import Testing

@testable import RVCAudio

/// Ogg Opus written by rvc-nano checked by independent tools: opus-tools' `opusinfo` and `opusdec`.
@Suite struct OpusInteropTests {
    struct OpusInfoReport {
        let channels: Int
        let originalRate: Int
        let preSkip: Int
        let seconds: Double
        let kbps: Double
        let comments: [String]

        init(_ text: String) throws {
            func value(after label: String) throws -> Substring {
                guard let line = text.split(separator: "\n").first(where: { $0.contains(label) }),
                    let range = line.range(of: label)
                else { throw OpusInfoMissing(label: label, text: text) }
                return line[range.upperBound...].drop { $0 == " " }
            }
            func number(_ s: Substring) -> Double {
                Double(s.prefix { $0.isNumber || $0 == "." }) ?? -1
            }
            channels = Int(number(try value(after: "Channels:")))
            originalRate = Int(number(try value(after: "Original sample rate:")))
            preSkip = Int(number(try value(after: "Pre-skip:")))
            kbps = number(try value(after: "Average bitrate:"))
            // "0m:02.500s"
            let length = try value(after: "Playback length:")
            let parts = length.split(separator: ":")
            seconds = number(parts[0]) * 60 + number(parts.count > 1 ? parts[1] : "0")
            comments = text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        }
    }

    struct OpusInfoMissing: Error { let label: String; let text: String }

    private func write(_ buffer: AudioBuffer, bitrate: Int, in dir: TemporaryDirectory) throws -> URL {
        let url = dir.file("out-\(bitrate).ogg")
        try AudioEncoder(opus: OpusEncoderSettings(bitrate: bitrate)).encode(buffer, to: url)
        return url
    }

    @Test func opusinfoReadsOurHeadersLengthAndTags() throws {
        let dir = try TemporaryDirectory()
        let signal = AudioFixtures.richSignal(rate: 48_000, seconds: 2.5)
        let url = try write(AudioBuffer(samples: signal, sampleRate: 48_000), bitrate: 128_000, in: dir)
        let report = try OpusInfoReport(ExternalTool.run("opusinfo", [url.path]).stdout)
        #expect(report.channels == 1)
        #expect(report.originalRate == 48_000)
        #expect(report.preSkip == 312)
        #expect(abs(report.seconds - 2.5) <= 0.02, "\(report.seconds) s")
        #expect(report.comments.contains("ENCODER=rvc-nano"))
    }

    @Test func opusdecDecodesToTheInputLengthRateAndChannels() throws {
        let dir = try TemporaryDirectory()
        let signal = AudioFixtures.richSignal(rate: 40_000, seconds: 2.3)
        let input = try AudioBuffer(samples: signal, sampleRate: 40_000)
        let url = try write(input, bitrate: 128_000, in: dir)
        let wav = dir.file("opusdec.wav")
        try ExternalTool.run("opusdec", ["--quiet", "--rate", "48000", "--float", url.path, wav.path])
        let decoded = try AudioDecoder().decode(contentsOf: wav)
        #expect(decoded.sampleRate == 48_000)
        #expect(decoded.channels == 1)
        let expected = Resampler.outputFrames(for: signal.count, from: 40_000, to: 48_000)
        // Within one 20 ms Opus frame (960 samples at 48 kHz).
        #expect(abs(decoded.frameCount - expected) <= 960, "\(decoded.frameCount) vs \(expected)")
        let ours = try AudioDecoder().decode(contentsOf: url)
        let n = min(ours.frameCount, decoded.frameCount)
        let agreement = Measure.snr(ours.samples[..<n], decoded.samples[..<n])
        #expect(agreement > 40, "opusdec and opusfile differ: \(agreement) dB")
    }

    @Test(arguments: [64_000, 128_000])
    func measuredBitrateIsWithinTenPercentOfTheRequest(bitrate: Int) throws {
        let dir = try TemporaryDirectory()
        let speech = try AudioFixtures.speech(in: dir)
        let music = try AudioBuffer(
            samples: AudioFixtures.richSignal(rate: 48_000, seconds: 6), sampleRate: 48_000)
        for (label, buffer) in [("speech", speech), ("music", music)] {
            let url = try write(buffer, bitrate: bitrate, in: dir)
            let report = try OpusInfoReport(ExternalTool.run("opusinfo", [url.path]).stdout)
            let target = Double(bitrate) / 1_000
            #expect(abs(report.kbps - target) <= 0.1 * target, "\(label): \(report.kbps) kb/s")
            let size = try #require(
                try FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int)
            let fromSize = Double(size) * 8 / buffer.duration / 1_000
            #expect(abs(fromSize - target) <= 0.1 * target, "\(label) by size: \(fromSize) kb/s")
        }
    }
}
