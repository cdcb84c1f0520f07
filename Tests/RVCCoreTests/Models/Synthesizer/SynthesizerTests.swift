import Foundation
import Testing
@testable import RVCCore

@Suite("Synthesizer")
struct SynthesizerTests {
    /// A short deterministic input for `name`: features from the fixture, pitch 220 Hz with an
    /// unvoiced stretch.
    static func input(_ synthesizer: Synthesizer, frames: Int = 24) throws -> (Tensor, Tensor?, Tensor?) {
        let width = synthesizer.featureWidth
        let values = (0..<(frames * width)).map { Float(sin(Double($0) * 0.37)) }
        let features = try Tensor(values, shape: [1, frames, width])
        guard synthesizer.hasPitch else { return (features, nil, nil) }
        let hz: [Float] = (0..<frames).map { $0 % 10 < 3 ? 0 : 220 + Float($0) }
        let coarse: [Int64] = hz.map { $0 > 0 ? 100 : 1 }
        return (features, try Tensor(coarse, shape: [1, frames]), try Tensor(hz, shape: [1, frames]))
    }

    @Test("deterministic mode gives bit-identical audio twice", arguments: ["v2_48k_f0", "v2_32k_nof0"])
    func deterministicIsRepeatable(name: String) throws {
        let synthesizer = try FixtureModels.synthesizer(name)
        let (features, pitch, hz) = try Self.input(synthesizer)
        let a = try synthesizer.infer(features: features, pitch: pitch, pitchHz: hz, speaker: 0).toArray(Float.self)
        let b = try synthesizer.infer(features: features, pitch: pitch, pitchHz: hz, speaker: 0).toArray(Float.self)
        #expect(a.count == 24 * synthesizer.samplesPerFrame)
        #expect(a.map(\.bitPattern) == b.map(\.bitPattern))
        #expect(a.contains { $0 != 0 })
    }

    @Test("seeded noise differs from deterministic output and repeats with the same seed", arguments: ["v1_40k_f0", "v2_32k_nof0"])
    func seededNoiseIsReproducible(name: String) throws {
        let synthesizer = try FixtureModels.synthesizer(name)
        let (features, pitch, hz) = try Self.input(synthesizer)
        func run(_ noise: SynthesisNoise) throws -> [Float] {
            try synthesizer.infer(features: features, pitch: pitch, pitchHz: hz, speaker: 0, noise: noise).toArray(Float.self)
        }
        let quiet = try run(.none)
        let first = try run(.random(Generator(seed: 1234)))
        let again = try run(.random(Generator(seed: 1234)))
        let other = try run(.random(Generator(seed: 99)))
        #expect(first.map(\.bitPattern) == again.map(\.bitPattern))
        #expect(first != quiet)
        #expect(first != other)
    }

    @Test("different speakers give different audio; an out-of-range speaker is an error")
    func speakerSelection() throws {
        let synthesizer = try FixtureModels.synthesizer("v2_48k_f0")
        #expect(synthesizer.speakerCount == 3)
        let (features, pitch, hz) = try Self.input(synthesizer)
        let a = try synthesizer.infer(features: features, pitch: pitch, pitchHz: hz, speaker: 0).toArray(Float.self)
        let b = try synthesizer.infer(features: features, pitch: pitch, pitchHz: hz, speaker: 2).toArray(Float.self)
        #expect(a != b)
        #expect(throws: SynthesizerError.speakerOutOfRange(speaker: 3, count: 3)) {
            try synthesizer.infer(features: features, pitch: pitch, pitchHz: hz, speaker: 3)
        }
        #expect(throws: SynthesizerError.speakerOutOfRange(speaker: -1, count: 3)) {
            try synthesizer.infer(features: features, pitch: pitch, pitchHz: hz, speaker: -1)
        }
    }

    @Test("features of the wrong width, wrong rank or mismatched pitch are rejected")
    func inputValidation() throws {
        let synthesizer = try FixtureModels.synthesizer("v1_40k_f0")
        #expect(synthesizer.featureWidth == 16)
        let (_, pitch, hz) = try Self.input(synthesizer)
        let wide = try Tensor.zeros([1, 24, 64])
        #expect(throws: SynthesizerError.featureWidth(expected: 16, actual: 64)) {
            try synthesizer.infer(features: wide, pitch: pitch, pitchHz: hz, speaker: 0)
        }
        let flat = try Tensor.zeros([24, 16])
        #expect(throws: SynthesizerError.self) {
            try synthesizer.infer(features: flat, pitch: pitch, pitchHz: hz, speaker: 0)
        }
        let short = try Tensor.zeros([1, 20, 16])
        #expect(throws: SynthesizerError.lengthMismatch(argument: "pitch", expected: 20, actual: 24)) {
            try synthesizer.infer(features: short, pitch: pitch, pitchHz: hz, speaker: 0)
        }
        #expect(throws: SynthesizerError.missingPitch) {
            try synthesizer.infer(features: short, speaker: 0)
        }
    }

    @Test("a missing weight is an error naming the key")
    func missingWeight() throws {
        let voice = try FixtureModels.voice("v2_48k_f0")
        for key in ["flow.flows.4.enc.in_layers.1.weight_g", "dec.noise_convs.2.bias", "enc_p.emb_pitch.weight", "emb_g.weight"] {
            let entries = voice.weights.keys.filter { $0 != key }.compactMap { k in voice.weights[k].map { (k, $0) } }
            let weights = StateDict(entries, source: "test.pth")
            #expect(throws: WeightError.missing(key: key, source: "test.pth")) {
                try Synthesizer(weights: weights, config: voice.config, version: voice.version, hasPitch: voice.hasPitch)
            }
        }
    }

    @Test("a mis-shaped weight is an error naming the key and both shapes")
    func misShapedWeight() throws {
        let voice = try FixtureModels.voice("v2_32k_nof0")
        let key = "enc_p.encoder.ffn_layers.1.conv_1.weight"
        let entries = try voice.weights.keys.compactMap { k -> (String, Tensor)? in
            k == key ? (k, try Tensor.zeros([32, 16, 5], dtype: .float16)) : voice.weights[k].map { (k, $0) }
        }
        let weights = StateDict(entries, source: "bad.pth")
        #expect(throws: WeightError.shape(key: key, expected: [32, 16, 3], actual: [32, 16, 5], source: "bad.pth")) {
            try Synthesizer(weights: weights, config: voice.config, version: voice.version, hasPitch: voice.hasPitch)
        }
    }

    @Test("sizes come from the config and the weights")
    func sizesFromWeights() throws {
        let v2 = try FixtureModels.synthesizer("v2_48k_f0")
        #expect(v2.featureWidth == 64)
        #expect(v2.samplesPerFrame == 480)
        #expect(v2.sampleRate == 48000)
        #expect(v2.hasPitch && v2.version == .v2)
        let v1 = try FixtureModels.synthesizer("v1_40k_f0")
        #expect(v1.featureWidth == 16)
        #expect(v1.samplesPerFrame == 400)
        let nono = try FixtureModels.synthesizer("v2_32k_nof0")
        #expect(!nono.hasPitch)
        #expect(nono.samplesPerFrame == 320)
    }
}
