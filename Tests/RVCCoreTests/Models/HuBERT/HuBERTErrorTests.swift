import Foundation
import RVCTestSupport
import Testing
@testable import RVCCore

/// Bad weights and bad input give typed errors that name the key or the problem.
@Suite struct HuBERTErrorTests {
    private func checkpoint() throws -> HuBERTCheckpoint {
        try HuBERTCheckpoint.load(Fixtures.parity("hubert_tiny.pt"))
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
        let key = "encoder.layers.7.fc2.bias"
        #expect(throws: WeightError.missing(key: key, source: c.weights.source)) {
            try HuBERT(weights: replacing(c.weights, key, with: nil), config: c.config)
        }
    }

    @Test func misshapedWeightIsNamed() throws {
        let c = try checkpoint()
        let key = "encoder.pos_conv.0.weight_v"
        let wrong = try Tensor.zeros([64, 16, 15])
        #expect(throws: WeightError.shape(key: key, expected: [64, 16, 16], actual: [64, 16, 15], source: c.weights.source)) {
            try HuBERT(weights: replacing(c.weights, key, with: wrong), config: c.config)
        }
    }

    @Test func configDisagreeingWithWeightsIsNamed() throws {
        let c = try checkpoint()
        var config = c.config
        config.ffnDim = 256
        #expect(throws: WeightError.shape(key: "encoder.layers.0.fc1.weight", expected: [256, 64], actual: [128, 64], source: c.weights.source)) {
            try HuBERT(weights: c.weights, config: config)
        }
    }

    @Test func tooShortAudioIsRejected() throws {
        let model = try ModelFixtures.hubert()
        let audio = try Tensor([Float](repeating: 0.1, count: 399))
        #expect(throws: ModelInputError.audioTooShort(model: "HuBERT", samples: 399, minimum: 400)) {
            try model.extractFeatures(audio: audio, version: .v2)
        }
        let empty = try Tensor([Float]())
        #expect(throws: ModelInputError.audioTooShort(model: "HuBERT", samples: 0, minimum: 400)) {
            try model.extractFeatures(audio: empty, version: .v1)
        }
        // Exactly the receptive field gives one frame.
        let one = try model.extractFeatures(audio: Tensor([Float](repeating: 0.1, count: 400)), version: .v1)
        #expect(one.shape == [1, 16])
    }

    @Test func badAudioShapeIsRejected() throws {
        let model = try ModelFixtures.hubert()
        let stereo = try Tensor.zeros([2, 16000])
        #expect(throws: ModelInputError.self) { try model.extractFeatures(audio: stereo, version: .v2) }
        #expect(throws: ModelInputError.self) {
            try model.extractFeatures(audio: Tensor.zeros([16000]), outputLayer: 13, project: false)
        }
    }
}
