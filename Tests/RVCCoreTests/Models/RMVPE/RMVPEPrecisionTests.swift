import RVCTestSupport
import Testing
@testable import RVCCore

/// Half-precision RMVPE loads and stays close to the float32 reference salience.
@Suite struct RMVPEPrecisionTests {
    @Test(arguments: [DType.float16, DType.bfloat16])
    func halfPrecisionFollowsFloat32(dtype: DType) throws {
        let checkpoint = try RMVPECheckpoint.load(Fixtures.parity("rmvpe_tiny.pt"))
        let model = try RMVPE(weights: checkpoint.weights, config: checkpoint.config, dtype: dtype)
        let mel = try model.melSpectrogram(audio: ModelFixtures.tensor("stage_audio16k.npy"))
        #expect(mel.dtype == dtype)
        let salience = try model.salience(mel: mel)
        #expect(salience.dtype == .float32)
        let error = try ModelFixtures.relativeError(salience, ModelFixtures.array("stage_rmvpe_salience.npy"))
        print("[precision] RMVPE salience \(dtype): relative error \(error)")
        // float16 keeps ~11 bits, bfloat16 ~8: bounds a few times the errors measured on the fixtures.
        #expect(error < (dtype == .float16 ? 0.02 : 0.15))
    }
}
