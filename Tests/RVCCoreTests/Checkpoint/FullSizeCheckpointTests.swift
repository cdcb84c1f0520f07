import Foundation
import Testing
import RVCCore

/// Writes a full-size HuBERT-base checkpoint (95 M float32 parameters, ~380 MB) with random weights
/// for load-time and memory benchmarks, then loads it back. Enabled only when
/// `RVC_FULL_HUBERT_PATH` names where to write it (it is too large for the normal test run).
@Suite("Full-size checkpoint benchmark file")
struct FullSizeCheckpointTests {
    static let path = ProcessInfo.processInfo.environment["RVC_FULL_HUBERT_PATH"]

    /// HuBERT-base state dict shapes (reference-inference.md A.6).
    static func hubertBaseShapes() -> [(String, [Int])] {
        var shapes: [(String, [Int])] = [("mask_emb", [768]), ("label_embs_concat", [504, 256])]
        shapes.append(("feature_extractor.conv_layers.0.0.weight", [512, 1, 10]))
        shapes += [("feature_extractor.conv_layers.0.2.weight", [512]), ("feature_extractor.conv_layers.0.2.bias", [512])]
        for i in 1...4 { shapes.append(("feature_extractor.conv_layers.\(i).0.weight", [512, 512, 3])) }
        for i in 5...6 { shapes.append(("feature_extractor.conv_layers.\(i).0.weight", [512, 512, 2])) }
        shapes += [("layer_norm.weight", [512]), ("layer_norm.bias", [512])]
        shapes += [("post_extract_proj.weight", [768, 512]), ("post_extract_proj.bias", [768])]
        shapes += [("encoder.pos_conv.0.bias", [768]), ("encoder.pos_conv.0.weight_g", [1, 1, 128]),
                   ("encoder.pos_conv.0.weight_v", [768, 48, 128])]
        shapes += [("encoder.layer_norm.weight", [768]), ("encoder.layer_norm.bias", [768])]
        for n in 0..<12 {
            let p = "encoder.layers.\(n)."
            for proj in ["k_proj", "v_proj", "q_proj", "out_proj"] {
                shapes += [(p + "self_attn.\(proj).weight", [768, 768]), (p + "self_attn.\(proj).bias", [768])]
            }
            shapes += [(p + "self_attn_layer_norm.weight", [768]), (p + "self_attn_layer_norm.bias", [768])]
            shapes += [(p + "fc1.weight", [3072, 768]), (p + "fc1.bias", [3072])]
            shapes += [(p + "fc2.weight", [768, 3072]), (p + "fc2.bias", [768])]
            shapes += [(p + "final_layer_norm.weight", [768]), (p + "final_layer_norm.bias", [768])]
        }
        shapes += [("final_proj.weight", [256, 768]), ("final_proj.bias", [256])]
        return shapes
    }

    @Test("writes and reloads a full-size HuBERT-base checkpoint", .enabled(if: path != nil, "set RVC_FULL_HUBERT_PATH"))
    func writesFullSizeHuBERT() throws {
        let url = URL(fileURLWithPath: try #require(Self.path))
        let generator = try Generator(seed: 1)
        var model: [(String, CheckpointWriter.Value)] = []
        for (name, shape) in Self.hubertBaseShapes() {
            model.append((name, .tensor(try Tensor.randn(shape, generator: generator))))
        }
        let cfg: CheckpointWriter.Value = .dict([
            ("model", .dict([
                ("_name", .string("hubert")), ("extractor_mode", .string("default")),
                ("conv_feature_layers", .string("[(512,10,5)] + [(512,3,2)] * 4 + [(512,2,2)] * 2")),
                ("encoder_layers", .int(12)), ("encoder_embed_dim", .int(768)), ("encoder_ffn_embed_dim", .int(3072)),
                ("encoder_attention_heads", .int(12)), ("final_dim", .int(256)), ("conv_pos", .int(128)),
                ("conv_pos_groups", .int(16)), ("layer_norm_first", .bool(false)),
            ])),
            ("task", .dict([("normalize", .bool(false))])),
        ])
        try CheckpointWriter(archiveName: "hubert_full").write(
            .dict([("args", .none), ("cfg", cfg), ("model", .orderedDict(model))]), to: url)
        let hubert = try HuBERTCheckpoint.load(url)
        #expect(hubert.weights.parameterCount > 94_000_000)
        #expect(hubert.config == HuBERTConfig())
    }
}
