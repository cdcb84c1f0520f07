import Foundation
import RVCTestSupport
import Testing

@testable import RVCAudio

@Suite struct DownmixTests {
    @Test func stereoIsTheSumTimesRootHalf() throws {
        let c = Float(0.5.squareRoot())
        let buffer = try AudioBuffer(samples: [1, 0, 0.5, -0.5, -1, -1, 0.3, 0.7], sampleRate: 8_000, channels: 2)
        let mono = buffer.mono()
        #expect(mono.channels == 1)
        #expect(mono.sampleRate == 8_000)
        #expect(mono.samples == [c, 0, -c - c, 0.3 * c + 0.7 * c])
        #expect(mono.mono() == mono)
    }

    @Test func weightsFollowTheContainersLayout() {
        let f = Float(0.5.squareRoot())
        func weights(_ channels: Int, _ layout: Downmix.Layout) -> [Float] {
            var w = [Float](repeating: 0, count: channels)
            for term in Downmix.terms(channels: channels, layout: layout) { w[term.channel] = term.weight }
            return w
        }
        #expect(weights(1, .standard) == [1])
        #expect(weights(3, .standard) == [f, f, 0])  // 2.1
        #expect(weights(3, .flac) == [f, f, 1])  // L R C
        #expect(weights(3, .vorbis) == [f, 1, f])  // L C R
        #expect(weights(4, .standard) == [f, f, 1, 0.5])  // 4.0
        #expect(weights(4, .flac) == [f, f, 0.5, 0.5])  // quad
        #expect(weights(6, .standard) == [f, f, 1, 0, 0.5, 0.5])  // 5.1, LFE dropped
        #expect(weights(6, .vorbis) == [f, 1, f, 0.5, 0.5, 0])
        #expect(weights(8, .flac) == [f, f, 1, 0, 0.5, 0.5, 0.5, 0.5])
        // A WAV channel mask (quad as sox writes it) overrides the default 4.0.
        #expect(weights(4, .positions([.frontLeft, .frontRight, .backLeft, .backRight])) == [f, f, 0.5, 0.5])
        #expect(weights(3, .positions([.frontCenter, .other, .lowFrequency])) == [1, 0, 0])
        // libswresample sums by position, not by file order.
        let terms = Downmix.terms(channels: 3, layout: .vorbis)
        #expect(terms.map(\.channel) == [0, 2, 1])
    }

    /// One to eight channels of distinct noise at 16 kHz (no resampling): the down-mix alone.
    @Test(arguments: 1...8)
    func multichannelPCMMatchesFFmpegBitForBit(channels: Int) throws {
        let dir = try TemporaryDirectory()
        let frames = 8_000
        let planes = (0..<channels).map {
            Signals.noise(count: frames, amplitude: 0.25, seed: UInt64(1_000 + $0))
        }
        let source = dir.file("source.wav")
        try FloatWAV.write(Signals.interleave(planes), rate: 16_000, channels: channels, to: source)
        for name in ["x.wav", "x.flac"] {
            let url = dir.file(name)
            try ExternalTool.run("sox", ["-D", source.path, "-b", "16", url.path])
            let reference = try FFmpegCLI.load(url, in: dir)
            let streamed = try AudioDecoder().decode(contentsOf: url, mono: true)
            let whole = try AudioDecoder().decode(contentsOf: url).mono()
            #expect(streamed == whole, "\(channels) ch \(name)")
            #expect(streamed.samples == reference, "\(channels) ch \(name): SNR \(Measure.snr(reference[...], streamed.samples[...])) dB")
        }
    }

    /// Ogg Vorbis and Opus order channels their own way (centre second). The decoders differ
    /// (libvorbis and libopus here, ffmpeg's own there), so the match is close, not exact; a
    /// wrong weight or order would fall below 20 dB.
    @Test(arguments: ["libvorbis", "libopus"])
    func multichannelOggFollowsVorbisOrder(codec: String) throws {
        let dir = try TemporaryDirectory()
        let channels = 6
        let planes = (0..<channels).map {
            Signals.sine(frequency: 200 + 150 * Double($0), rate: 48_000, seconds: 1, amplitude: 0.2)
        }
        let source = dir.file("source.wav")
        try FloatWAV.write(Signals.interleave(planes), rate: 48_000, channels: channels, to: source)
        let url = dir.file("x.ogg")
        try ExternalTool.run(
            "ffmpeg", ["-nostdin", "-v", "error", "-y", "-i", source.path, "-c:a", codec, "-b:a", "384k", url.path])
        let reference = try FFmpegCLI.load(url, rate: 48_000, in: dir)
        let ours = try AudioDecoder().decode(contentsOf: url, mono: true)
        let snr = Measure.snr(reference[2_000..<40_000], ours.samples[2_000..<40_000])
        print("ffmpeg down-mix | \(codec) 6 ch | SNR \(String(format: "%.1f", snr)) dB")
        #expect(snr > 30, "\(codec): SNR \(snr) dB")
    }
}
