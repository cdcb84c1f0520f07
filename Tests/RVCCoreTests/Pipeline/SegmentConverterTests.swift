import Foundation
import Testing
@testable import RVCCore

@Suite("Segment conversion step (vc after HuBERT)")
struct SegmentConverterTests {
    /// Segment 0 of the single-segment cases, from the fixture HuBERT features to the untrimmed
    /// synthesizer output, against the reference at ≥ 60 dB SNR with the exact length.
    @Test("segment 0 matches the reference output", arguments: ["v2_48k_f0", "v1_40k_f0", "v2_32k_nof0"])
    func segmentMatchesReference(name: String) throws {
        let fixture = try ParityCase(name)
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
        let snr = Parity.snr(audio, reference: reference)
        print("[parity] \(name) segment 0: SNR \(String(format: "%.2f", snr)) dB, max rel \(Parity.relativeError(audio, reference))")
        #expect(snr >= 60)
    }
}
