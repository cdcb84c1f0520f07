import Foundation
import RVCBench
import RVCTestSupport
import Testing
@testable import RVCCore

@Suite("Segment conversion step (vc after HuBERT)")
struct SegmentConverterTests {
    /// Segment 0 of the single-segment cases, from the fixture HuBERT features to the untrimmed
    /// synthesizer output, against the reference at ≥ 60 dB SNR with the exact length.
    @Test("segment 0 matches the reference output", arguments: ["v2_48k_f0", "v1_40k_f0", "v2_32k_nof0"])
    func segmentMatchesReference(name: String) throws {
        let fixture = try SegmentParityCase(name)
        let synthesizer = try FixtureModels.synthesizer(name)
        let index = fixture.index != nil ? try FixtureModels.index(name) : nil
        let converter = try SegmentConverter(synthesizer: synthesizer, index: index)

        let hubert = try NPYArray(contentsOf: Fixtures.parity("\(name)_seg0_hubert.npy"))
        let features = try Tensor(hubert.floats(), shape: hubert.shape)
        let segmentLength = try NPYArray(contentsOf: Fixtures.parity("\(name)_seg0_audio.npy")).count
        var pitch: SegmentPitch?
        if fixture.hasPitch {
            // A single segment gets the whole pitch arrays cut to p_len_total = ⌊P/160⌋ columns
            // (E.6 step 5, E.7): the last RMVPE frame is dropped.
            let columns = segmentLength / SegmentConverter.window
            let f0 = try NPYArray(contentsOf: Fixtures.parity("\(name)_f0.npy")).doubles()
            let coarse = try NPYArray(contentsOf: Fixtures.parity("\(name)_f0_coarse.npy")).doubles()
            #expect(f0.count == columns + 1)
            pitch = SegmentPitch(coarse: coarse.prefix(columns).map { Int32($0) }, hz: f0.prefix(columns).map { Float($0) })
        }
        let options = SegmentOptions(speaker: fixture.speaker, indexRate: fixture.indexRate, protect: fixture.protect)
        let audio = try converter.convert(features: features, pitch: pitch, segmentLength: segmentLength, options: options)
            .toArray(Double.self)

        let reference = try NPYArray(contentsOf: Fixtures.parity("\(name)_seg0_out.npy")).doubles()
        #expect(audio.count == reference.count)
        #expect(audio.count == 2 * hubert.shape[1] * synthesizer.samplesPerFrame)
        guard audio.count == reference.count else { return }
        let snr = ParityMetrics.snr(audio, reference: reference)
        print("[parity] \(name) segment 0: SNR \(String(format: "%.2f", snr)) dB, max rel \(ParityMetrics.relativeError(audio, reference: reference))")
        #expect(snr >= 60)
    }

    @Test("an index of another width, bad options, short pitch and a wrong length are errors")
    func errors() throws {
        let synthesizer = try FixtureModels.synthesizer("v2_48k_f0")
        #expect(throws: FeatureIndexError.dimension(expected: 64, actual: 16)) {
            try SegmentConverter(synthesizer: synthesizer, index: FixtureModels.index("v1_40k_f0"))
        }
        let converter = try SegmentConverter(synthesizer: synthesizer, index: FixtureModels.index("v2_48k_f0"))
        let features = try Tensor.zeros([1, 10, 64])
        let pitch = SegmentPitch(coarse: Array(repeating: 1, count: 20), hz: Array(repeating: 0, count: 20))
        // 10 HuBERT frames come from 3 600–3 919 samples; 20 output frames need ⌊L/160⌋ ≥ 20.
        let length = 3520
        #expect(throws: SynthesizerError.invalidOption(name: "indexRate", value: 1.5, range: "0.0…1.0")) {
            try converter.convert(features: features, pitch: pitch, segmentLength: length, options: SegmentOptions(indexRate: 1.5))
        }
        #expect(throws: SynthesizerError.featureWidth(expected: 64, actual: 16)) {
            try converter.convert(features: Tensor.zeros([1, 10, 16]), pitch: pitch, segmentLength: length)
        }
        #expect(throws: SynthesizerError.missingPitch) {
            try converter.convert(features: features, pitch: nil, segmentLength: length)
        }
        let short = SegmentPitch(coarse: Array(repeating: 1, count: 12), hz: Array(repeating: 0, count: 12))
        #expect(throws: SynthesizerError.lengthMismatch(argument: "pitch", expected: 20, actual: 12)) {
            try converter.convert(features: features, pitch: short, segmentLength: length)
        }
        // Features longer than ⌊L/160⌋ / 2 would need the reference's masking, which never happens
        // for HuBERT's frame count; it is refused.
        #expect(throws: SynthesizerError.self) {
            try converter.convert(features: features, pitch: pitch, segmentLength: 1600)
        }
        let audio = try converter.convert(features: features, pitch: pitch, segmentLength: length)
        #expect(audio.count == 20 * 480)
        #expect(try audio.toArray(Float.self).allSatisfy { $0.isFinite })
    }

    /// No fixture pins half precision (the reference fixtures are float32); this checks that the
    /// float16 path runs end to end on the CPU and stays near the float32 reference.
    @Test("half precision converts segment 0 close to the float32 reference", arguments: ["v2_48k_f0", "v2_32k_nof0"])
    func halfPrecision(name: String) throws {
        let fixture = try SegmentParityCase(name)
        let synthesizer = try FixtureModels.synthesizer(name, dtype: .float16)
        let converter = try SegmentConverter(synthesizer: synthesizer, index: fixture.index != nil ? FixtureModels.index(name) : nil)
        let hubert = try NPYArray(contentsOf: Fixtures.parity("\(name)_seg0_hubert.npy"))
        let segmentLength = try NPYArray(contentsOf: Fixtures.parity("\(name)_seg0_audio.npy")).count
        var pitch: SegmentPitch?
        if fixture.hasPitch {
            let columns = segmentLength / SegmentConverter.window
            let f0 = try NPYArray(contentsOf: Fixtures.parity("\(name)_f0.npy")).doubles()
            let coarse = try NPYArray(contentsOf: Fixtures.parity("\(name)_f0_coarse.npy")).doubles()
            pitch = SegmentPitch(coarse: coarse.prefix(columns).map { Int32($0) }, hz: f0.prefix(columns).map { Float($0) })
        }
        let options = SegmentOptions(speaker: fixture.speaker, indexRate: fixture.indexRate, protect: fixture.protect)
        let audio = try converter.convert(
            features: Tensor(hubert.floats(), shape: hubert.shape), pitch: pitch, segmentLength: segmentLength, options: options)
        let reference = try NPYArray(contentsOf: Fixtures.parity("\(name)_seg0_out.npy")).doubles()
        let samples = try audio.toArray(Double.self)
        #expect(samples.count == reference.count)
        guard samples.count == reference.count else { return }
        let snr = ParityMetrics.snr(samples, reference: reference)
        print("[half] \(name) segment 0 in float16: SNR \(String(format: "%.1f", snr)) dB against the float32 reference")
        #expect(snr >= 30)
    }
}
