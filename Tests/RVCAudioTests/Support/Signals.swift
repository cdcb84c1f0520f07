import Foundation
import RVCTestSupport

/// Deterministic test signals.
enum Signals {
    static func sine(
        frequency: Double, rate: Int, seconds: Double, amplitude: Double = 0.5, phase: Double = 0
    ) -> [Float] {
        let count = Int((seconds * Double(rate)).rounded())
        return (0..<count).map {
            Float(amplitude * sin(2 * .pi * frequency * Double($0) / Double(rate) + phase))
        }
    }

    /// A linear chirp from `from` to `to` Hz.
    static func chirp(from: Double, to: Double, rate: Int, seconds: Double, amplitude: Double = 0.5)
        -> [Float]
    {
        let count = Int((seconds * Double(rate)).rounded())
        let k = (to - from) / seconds
        return (0..<count).map {
            let t = Double($0) / Double(rate)
            return Float(amplitude * sin(2 * .pi * (from * t + 0.5 * k * t * t)))
        }
    }

    /// Uniform white noise in [-amplitude, amplitude] from a fixed-seed generator.
    static func noise(count: Int, amplitude: Double = 0.3, seed: UInt64 = 0x9E37_79B9_7F4A_7C15)
        -> [Float]
    {
        var state = seed
        return (0..<count).map { _ in
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let unit = Double(state >> 11) / Double(1 << 53)
            return Float(amplitude * (2 * unit - 1))
        }
    }

    static func add(_ a: [Float], _ b: [Float]) -> [Float] {
        zip(a, b).map { $0 + $1 }
    }

    static func interleave(_ channels: [[Float]]) -> [Float] {
        let frames = channels.map(\.count).min() ?? 0
        var out: [Float] = []
        out.reserveCapacity(frames * channels.count)
        for i in 0..<frames { for c in channels { out.append(c[i]) } }
        return out
    }

    /// Speech synthesised by espeak-ng (its native 22 050 Hz mono WAV).
    static func speechFile(_ text: String, in dir: TemporaryDirectory, name: String = "speech.wav")
        throws -> URL
    {
        let url = dir.file(name)
        try ExternalTool.run("espeak-ng", ["-w", url.path, text])
        return url
    }
}
