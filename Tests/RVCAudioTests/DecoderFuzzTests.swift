import Foundation
import RVCTestSupport
import Testing

@testable import RVCAudio

/// Mutated files of every supported format: decoding and probing must return audio or throw an
/// `AudioError` — never crash, hang, or return non-finite samples.
@Suite struct DecoderFuzzTests {
    /// A small deterministic generator (the tests must be reproducible).
    struct Generator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return state >> 11
        }
        mutating func below(_ n: Int) -> Int { n > 0 ? Int(next() % UInt64(n)) : 0 }
    }

    static func mutate(_ data: Data, _ rng: inout Generator) -> Data {
        var bytes = [UInt8](data)
        switch rng.below(5) {
        case 0:  // flip a few bytes anywhere (headers included)
            for _ in 0..<(1 + rng.below(8)) where !bytes.isEmpty {
                bytes[rng.below(bytes.count)] ^= UInt8(1 + rng.below(255))
            }
        case 1:  // flip bytes in the first 128 (headers)
            for _ in 0..<(1 + rng.below(4)) where !bytes.isEmpty {
                bytes[rng.below(min(128, bytes.count))] = UInt8(rng.below(256))
            }
        case 2:  // truncate
            bytes = Array(bytes.prefix(rng.below(bytes.count)))
        case 3:  // overwrite a run with garbage
            let start = rng.below(bytes.count)
            let end = min(bytes.count, start + 1 + rng.below(512))
            for i in start..<end { bytes[i] = UInt8(rng.below(256)) }
        default:  // duplicate or drop a run
            let start = rng.below(bytes.count)
            let end = min(bytes.count, start + 1 + rng.below(2_048))
            if rng.below(2) == 0 {
                bytes.insert(contentsOf: bytes[start..<end], at: rng.below(bytes.count))
            } else {
                bytes.removeSubrange(start..<end)
            }
        }
        return Data(bytes)
    }

    private static func seeds() throws -> [(String, Data)] {
        let stereo = try AudioBuffer(
            samples: Signals.interleave([
                AudioFixtures.richSignal(rate: 44_100, seconds: 0.4),
                Signals.noise(count: 17_640, amplitude: 0.2),
            ]), sampleRate: 44_100, channels: 2)
        let dir = try TemporaryDirectory()
        var seeds: [(String, Data)] = []
        for format in AudioFormat.allCases {
            seeds.append((format.rawValue, try AudioEncoder(format: format).encode(stereo)))
        }
        seeds.append(("float wav", try Data(contentsOf: AudioFixtures.soxSine(
            "f.wav", ["-e", "floating-point", "-b", "32"], in: dir, seconds: 0.3))))
        seeds.append(("vorbis", try Data(contentsOf: AudioFixtures.soxSine("v.ogg", [], in: dir, seconds: 0.3))))
        return seeds
    }

    @Test func mutatedFilesNeverCrashHangOrReturnNonFiniteSamples() throws {
        let limits = AudioDecoder.Limits(maxDuration: 30)
        let decoder = AudioDecoder(limits: limits)
        let deadline = Date().addingTimeInterval(15)
        var rng = Generator(state: 20_240_601)
        var outcomes: [String: (ok: Int, failed: Int)] = [:]
        for (label, seed) in try Self.seeds() {
            for iteration in 0..<45 {
                guard Date() < deadline else { break }
                let mutated = Self.mutate(seed, &rng)
                let name = "fuzz-\(label)-\(iteration)"
                do {
                    let buffer = try decoder.decode(mutated, name: name)
                    let finite = buffer.samples.allSatisfy { $0.isFinite }
                    #expect(finite, "\(name)")
                    #expect(buffer.frameCount > 0)
                    outcomes[label, default: (0, 0)].ok += 1
                } catch let error as AudioError {
                    #expect(error.file == name)
                    outcomes[label, default: (0, 0)].failed += 1
                }
                do {
                    _ = try AudioProbe.probe(mutated, name: name, limits: limits)
                } catch let error as AudioError {
                    #expect(error.file == name)
                }
            }
        }
        // Every seed format was exercised, with both outcomes seen overall.
        #expect(outcomes.count == 6, "\(outcomes)")
        #expect(outcomes.values.reduce(0) { $0 + $1.failed } > 0)
        #expect(outcomes.values.reduce(0) { $0 + $1.ok } > 0)
    }
}
