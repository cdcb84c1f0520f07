import Foundation
import RVCTestSupport

@testable import RVCAudio

/// Sound files made at test time by the independent tools (sox, espeak-ng, opusenc) or by
/// rvc-nano's encoder, for decoder, probe and fuzz tests.
enum AudioFixtures {
    /// A 0.5 s 440 Hz stereo sine (amplitude 0.5) at 44.1 kHz written by sox with `arguments`
    /// (e.g. `["-b", "24"]`), in a file named `name`.
    static func soxSine(_ name: String, _ arguments: [String], in dir: TemporaryDirectory,
                        rate: Int = 44_100, channels: Int = 2, seconds: Double = 0.5) throws -> URL
    {
        let url = dir.file(name)
        try ExternalTool.run(
            "sox",
            ["-n", "-r", String(rate), "-c", String(channels)] + arguments
                + [url.path, "synth", String(seconds), "sine", "440", "vol", "0.5"])
        return url
    }

    /// A mix of tones, a chirp and noise, mono.
    static func richSignal(rate: Int, seconds: Double) -> [Float] {
        let tones = Signals.add(
            Signals.sine(frequency: 220, rate: rate, seconds: seconds, amplitude: 0.25),
            Signals.sine(frequency: 1_500, rate: rate, seconds: seconds, amplitude: 0.15))
        let chirp = Signals.chirp(from: 100, to: 6_000, rate: rate, seconds: seconds, amplitude: 0.15)
        let noise = Signals.noise(count: tones.count, amplitude: 0.05)
        return Signals.add(Signals.add(tones, chirp), noise)
    }

    /// espeak-ng speech decoded to a buffer (22 050 Hz mono).
    static func speech(in dir: TemporaryDirectory) throws -> AudioBuffer {
        let url = try Signals.speechFile(
            "The quick brown fox jumps over the lazy dog. Voice conversion needs clean audio.",
            in: dir)
        return try AudioDecoder().decode(contentsOf: url)
    }
}
