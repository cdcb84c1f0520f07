import RVCTestSupport
import Testing
@testable import RVCCore

/// Bad weights and bad input give typed errors that name the key or the problem.
@Suite struct RMVPEErrorTests {
    private func checkpoint() throws -> RMVPECheckpoint {
        try RMVPECheckpoint.load(Fixtures.parity("rmvpe_tiny.pt"))
    }

    private func replacing(_ weights: StateDict, _ key: String, with tensor: Tensor?) -> StateDict {
        let entries = weights.keys.compactMap { k -> (String, Tensor)? in
            if k == key { return tensor.map { (k, $0) } }
            return weights[k].map { (k, $0) }
        }
        return StateDict(entries, source: weights.source)
    }

    @Test func missingWeightIsNamed() throws {
        let c = try checkpoint()
        let w = c.weights
        let key = "unet.decoder.layers.2.conv2.0.shortcut.bias"
        #expect(throws: WeightError.missing(key: key, source: w.source)) {
            try RMVPE(weights: replacing(w, key, with: nil), config: c.config)
        }
        let gru = "fc.0.gru.bias_hh_l0_reverse"
        #expect(throws: WeightError.missing(key: gru, source: w.source)) {
            try RMVPE(weights: replacing(w, gru, with: nil), config: c.config)
        }
    }

    @Test func configDisagreeingWithWeightsIsNamed() throws {
        let c = try checkpoint()
        var config = c.config
        config.encoderOutChannels *= 2
        #expect(throws: WeightError.self) { try RMVPE(weights: c.weights, config: config) }
        config = c.config
        config.melBins = 64
        #expect(throws: WeightError.unsupported(
            "RMVPE with 64 mel bins, 1 input channels and 360 classes is not supported (the reference uses 128, 1 and 360)",
            source: c.weights.source)) { try RMVPE(weights: c.weights, config: config) }
    }

    @Test func misshapedWeightIsNamed() throws {
        let c = try checkpoint()
        let w = c.weights
        let key = "unet.encoder.layers.1.conv.0.conv.4.running_var"
        #expect(throws: WeightError.shape(key: key, expected: [8], actual: [7], source: w.source)) {
            try RMVPE(weights: replacing(w, key, with: Tensor.zeros([7])), config: c.config)
        }
        let head = "fc.1.weight"
        #expect(throws: WeightError.shape(key: head, expected: [360, 512], actual: [360, 511], source: w.source)) {
            try RMVPE(weights: replacing(w, head, with: Tensor.zeros([360, 511])), config: c.config)
        }
    }

    @Test func tooShortAudioIsRejected() throws {
        let model = try ModelFixtures.rmvpe()
        #expect(throws: ModelInputError.audioTooShort(model: "RMVPE", samples: 512, minimum: 513)) {
            try model.pitch(audio: Tensor([Float](repeating: 0.1, count: 512)))
        }
        #expect(try model.pitch(audio: Tensor([Float](repeating: 0.1, count: 513))).count == 4)
    }

    @Test func badMelShapeIsRejected() throws {
        let model = try ModelFixtures.rmvpe()
        #expect(throws: ModelInputError.self) { try model.salience(mel: Tensor.zeros([64, 10])) }
    }

}
