import Foundation
import RVCAudio

/// Sound files made on the fly for tests.
enum TestAudio {
    /// A mono 16-bit WAV of a 220 Hz sine, `seconds` long at `sampleRate`.
    static func sineWAV(seconds: Double = 1, sampleRate: Int = 44_100) throws -> Data {
        let count = Int(seconds * Double(sampleRate))
        let samples = (0..<count).map { Float(0.4 * sin(2 * Double.pi * 220 * Double($0) / Double(sampleRate))) }
        return try AudioEncoder(format: .wav).encode(AudioBuffer(samples: samples, sampleRate: sampleRate))
    }
}
