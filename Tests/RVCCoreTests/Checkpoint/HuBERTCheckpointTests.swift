import Foundation
import RVCTestSupport
import Testing
import RVCBench
import RVCCore

@Suite("HuBERTCheckpoint")
struct HuBERTCheckpointTests {
    @Test("config is read from the plain-dict cfg (manifest.json hubert values)")
    func readsPlainDictConfig() throws {
        let hubert = try HuBERTCheckpoint.load(Fixtures.parity("hubert_tiny.pt"))
        let c = hubert.config
        #expect(c.encoderLayers == 12)
        #expect(c.embedDim == 64)
        #expect(c.attentionHeads == 4)
        #expect(c.ffnDim == 128)
        #expect(c.finalDim == 16)
        #expect(c.convPos == 16)
        #expect(c.convPosGroups == 4)
        #expect(c.convLayers.count == 7)
        #expect(c.convLayers[0] == HuBERTConfig.ConvLayer(channels: 32, kernel: 10, stride: 5))
        #expect(c.convLayers[1...4].allSatisfy { $0 == HuBERTConfig.ConvLayer(channels: 32, kernel: 3, stride: 2) })
        #expect(c.convLayers[5...6].allSatisfy { $0 == HuBERTConfig.ConvLayer(channels: 32, kernel: 2, stride: 2) })
        #expect(c.normalize == false)
        #expect(hubert.weights.contains("encoder.layers.11.fc2.weight"))
        #expect(!hubert.weights.keys.contains { $0.hasPrefix("model.") })
    }

    @Test("the omegaconf variant gives the same config and identical weights")
    func omegaconfMatchesPlainDict() throws {
        let plain = try HuBERTCheckpoint.load(Fixtures.parity("hubert_tiny.pt"))
        let omega = try HuBERTCheckpoint.load(Fixtures.parity("hubert_tiny_omegaconf.pt"))
        #expect(plain.config == omega.config)
        #expect(plain.weights.keys == omega.weights.keys)
        for key in plain.weights.keys {
            let a = try #require(plain.weights[key])
            let b = try #require(omega.weights[key])
            #expect(a.shape == b.shape && a.dtype == b.dtype)
            #expect(try a.toArray(Float.self) == b.toArray(Float.self), "\(key)")
        }
    }

    @Test("an argparse.Namespace `args` config is read as inert data")
    func readsNamespaceArgs() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("hubert-ns-\(UUID()).pt")
        defer { try? FileManager.default.removeItem(at: url) }
        let state: CheckpointWriter.Value = .dict([
            ("encoder_layers", .int(3)), ("encoder_embed_dim", .int(48)), ("encoder_attention_heads", .int(3)),
            ("encoder_ffn_embed_dim", .int(96)), ("conv_feature_layers", .string("[(16, 4, 2)] * 3")),
            ("normalize", .bool(true)), ("layer_norm_first", .bool(true)), ("final_dim", .int(8)),
        ])
        try CheckpointWriter().write(
            .dict([
                ("args", .object(module: "argparse", name: "Namespace", args: [], state: state)),
                ("cfg", .none),
                ("model", .orderedDict([("mask_emb", .tensor(try Tensor([Float](repeating: 1, count: 48))))])),
            ]), to: url)
        let hubert = try HuBERTCheckpoint.load(url)
        #expect(hubert.config.encoderLayers == 3)
        #expect(hubert.config.embedDim == 48)
        #expect(hubert.config.normalize)
        #expect(hubert.config.layerNormFirst)
        #expect(hubert.config.convLayers == Array(repeating: HuBERTConfig.ConvLayer(channels: 16, kernel: 4, stride: 2), count: 3))
        #expect(hubert.config.convPos == 128)  // absent → fairseq default
        #expect(hubert.weights["mask_emb"]?.shape == [48])
    }

    @Test("a conv_feature_layers string with code in it is refused, naming the field")
    func refusesCodeInConvSpec() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("hubert-evil-\(UUID()).pt")
        defer { try? FileManager.default.removeItem(at: url) }
        try CheckpointWriter().write(
            .dict([
                ("cfg", .dict([("model", .dict([("conv_feature_layers", .string("__import__('os').system('true')"))]))])),
                ("model", .dict([])),
            ]), to: url)
        #expect {
            _ = try HuBERTCheckpoint.load(url)
        } throws: { error in
            guard case CheckpointError.structure(_, let field, _) = error else { return false }
            return field == "cfg.model.conv_feature_layers"
        }
    }
}
