import Foundation
import RVCBench
import RVCTestSupport
import Testing
@testable import RVCCore

/// RMVPE against the reference mel, salience and f0 of the tiny E2E network (fixtures README:
/// stage outputs within 1e-4 relative, voicing decisions equal on ≥ 99.5 % of frames).
@Suite struct RMVPEParityTests {
    static let tolerance = 1e-4
    static let voicingAgreement = 0.995

    @Test func melMatchesReference() throws {
        let model = try ModelFixtures.rmvpe()
        let expected = try ModelFixtures.array("stage_rmvpe_mel.npy")
        let mel = try model.melSpectrogram(audio: ModelFixtures.tensor("stage_audio16k.npy"))
        #expect(mel.shape == expected.shape)
        let error = try ModelFixtures.relativeError(mel, expected)
        print("[parity] RMVPE mel: relative error \(error)")
        #expect(error < Self.tolerance)
    }

    @Test func salienceMatchesReference() throws {
        let model = try ModelFixtures.rmvpe()
        let expected = try ModelFixtures.array("stage_rmvpe_salience.npy")
        let salience = try model.salience(mel: model.melSpectrogram(audio: ModelFixtures.tensor("stage_audio16k.npy")))
        #expect(salience.shape == expected.shape)
        let error = try ModelFixtures.relativeError(salience, expected)
        print("[parity] RMVPE salience: relative error \(error)")
        #expect(error < Self.tolerance)
    }

    /// The salience from the reference mel: isolates the network from the front end.
    @Test func salienceFromReferenceMelMatchesReference() throws {
        let model = try ModelFixtures.rmvpe()
        let salience = try model.salience(mel: ModelFixtures.tensor("stage_rmvpe_mel.npy"))
        let error = try ModelFixtures.relativeError(salience, ModelFixtures.array("stage_rmvpe_salience.npy"))
        print("[parity] RMVPE salience (reference mel in): relative error \(error)")
        #expect(error < Self.tolerance)
    }

    @Test func stageF0MatchesReference() throws {
        let model = try ModelFixtures.rmvpe()
        let f0 = try model.pitch(audio: ModelFixtures.tensor("stage_audio16k.npy"))
        try expectF0(f0, matches: ModelFixtures.array("stage_rmvpe_f0.npy").doubles(), label: "stage")
    }

    /// Decoding the reference salience reproduces the reference f0: identical voicing on every
    /// frame and the same Hz to the last few ulps (the reference's vectorised NumPy `power` may use
    /// a different libm than Foundation's `pow`, which moves the last bits only).
    @Test func decodingReferenceSalienceMatchesReferenceF0() throws {
        let salience = try ModelFixtures.array("stage_rmvpe_salience.npy").floats()
        let f0 = RMVPEPitchDecoder.decode(salience: salience)
        let reference = try ModelFixtures.array("stage_rmvpe_f0.npy").doubles()
        #expect(f0.count == reference.count)
        #expect(zip(f0, reference).allSatisfy { ($0 > 0) == ($1 > 0) })
        let error = ParityMetrics.relativeError(f0, reference: reference)
        print("[parity] RMVPE decode of reference salience: relative error \(error)")
        #expect(error < 1e-12)
    }

    /// Each f0 case: pitch over the high-passed audio reflect-padded by t_pad = 16000 per side
    /// (reference E.5), then the key shift f0·2^(key/12) (E.6).
    @Test(arguments: [("v2_48k_f0", 0), ("v1_40k_f0", 12)])
    func caseF0MatchesReference(caseName: String, key: Int) throws {
        let model = try ModelFixtures.rmvpe()
        let highpassed = try ModelFixtures.array("\(caseName)_highpassed.npy").doubles()
        let padded = ModelFixtures.reflectPad(highpassed, 16_000)
        let shift = Foundation.pow(2.0, Double(key) / 12)
        let f0 = try model.pitch(audio: Tensor(padded)).map { $0 * shift }
        try expectF0(f0, matches: ModelFixtures.array("\(caseName)_f0.npy").doubles(), label: caseName)
    }

    private func expectF0(_ f0: [Double], matches reference: [Double], label: String) throws {
        #expect(f0.count == reference.count)
        guard f0.count == reference.count else { return }
        let agree = zip(f0, reference).filter { ($0 > 0) == ($1 > 0) }.count
        let agreement = Double(agree) / Double(reference.count)
        // Relative error over frames both sides call voiced (a flipped decision is counted above).
        let voiced = zip(f0, reference).filter { $0 > 0 && $1 > 0 }
        let error = ParityMetrics.relativeError(voiced.map(\.0), reference: voiced.map(\.1))
        print("[parity] RMVPE f0 \(label): relative error \(error), voicing agreement \(agreement) over \(reference.count) frames (\(voiced.count) voiced)")
        #expect(agreement >= Self.voicingAgreement)
        #expect(error < Self.tolerance)
    }
}
