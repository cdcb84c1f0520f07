import Foundation

/// A fairseq HuBERT checkpoint (`hubert_base.pt`, reference-inference.md A.5): the architecture from
/// `cfg["model"]` (plain dict or omegaconf `DictConfig`) or `args` (`argparse.Namespace`), and the
/// `model` state dict.
public struct HuBERTCheckpoint: Sendable {
    /// The file it was read from.
    public let url: URL
    /// The architecture; absent fields keep fairseq's `HubertConfig` defaults.
    public let config: HuBERTConfig
    /// `model` weights with the keys as stored (no prefix), in the stored dtype, zero-copy.
    public let weights: StateDict

    /// Reads a HuBERT checkpoint.
    /// - Throws: ``CheckpointError`` naming the file and field (e.g. `model` missing, an
    ///   unparsable `conv_feature_layers`).
    public static func load(_ url: URL) throws -> HuBERTCheckpoint {
        try HuBERTCheckpoint(try TorchCheckpoint.load(url))
    }

    /// Interprets a decoded checkpoint as a HuBERT model.
    public init(_ checkpoint: TorchCheckpoint) throws {
        let f = CheckpointFields(file: checkpoint.url.path)
        let top = try f.dict(checkpoint.root, "<top level>")
        url = checkpoint.url
        weights = try f.stateDict(top["model"], "model")

        let model: PickleValue
        let task: PickleValue?
        let prefix: String
        if let cfg = top["cfg"], !Self.isNone(cfg) {
            guard let m = ConfigLookup.field(cfg, "model") else { throw f.error("cfg.model", "is missing") }
            model = m
            task = ConfigLookup.field(cfg, "task")
            prefix = "cfg.model."
        } else if let args = top["args"], !Self.isNone(args) {
            model = args
            task = args
            prefix = "args."
        } else {
            throw f.error("cfg", "neither 'cfg' nor 'args' holds the model configuration")
        }
        func value(_ key: String) -> PickleValue? {
            guard let v = ConfigLookup.field(model, key), !Self.isNone(v) else { return nil }
            return v
        }
        var c = HuBERTConfig()
        if let v = value("extractor_mode") { c.extractorMode = try f.string(v, prefix + "extractor_mode") }
        if let v = value("conv_feature_layers") {
            let text = try f.string(v, prefix + "conv_feature_layers")
            do {
                c.convLayers = try ConvLayerSpec.parse(text)
            } catch let error as ConvLayerSpec.ParseError {
                throw f.error(prefix + "conv_feature_layers", "cannot parse '\(text)': \(error.message)")
            }
        }
        if let v = value("conv_bias") { c.convBias = try f.bool(v, prefix + "conv_bias") }
        if let v = value("encoder_layers") { c.encoderLayers = try f.int(v, prefix + "encoder_layers") }
        if let v = value("encoder_embed_dim") { c.embedDim = try f.int(v, prefix + "encoder_embed_dim") }
        if let v = value("encoder_ffn_embed_dim") { c.ffnDim = try f.int(v, prefix + "encoder_ffn_embed_dim") }
        if let v = value("encoder_attention_heads") {
            c.attentionHeads = try f.int(v, prefix + "encoder_attention_heads")
        }
        if let v = value("activation_fn") { c.activation = try f.string(v, prefix + "activation_fn") }
        if let v = value("layer_norm_first") { c.layerNormFirst = try f.bool(v, prefix + "layer_norm_first") }
        if let v = value("conv_pos") { c.convPos = try f.int(v, prefix + "conv_pos") }
        if let v = value("conv_pos_groups") { c.convPosGroups = try f.int(v, prefix + "conv_pos_groups") }
        if let v = value("final_dim") { c.finalDim = try f.int(v, prefix + "final_dim") }
        if let v = value("required_seq_len_multiple") {
            c.requiredSeqLenMultiple = try f.int(v, prefix + "required_seq_len_multiple")
        }
        if let v = value("pos_conv_depth") { c.posConvDepth = try f.int(v, prefix + "pos_conv_depth") }
        if let task, let v = ConfigLookup.field(task, "normalize"), !Self.isNone(v) {
            c.normalize = try f.bool(v, "task.normalize")
        }
        for (name, n) in [
            ("encoder_layers", c.encoderLayers), ("encoder_embed_dim", c.embedDim),
            ("encoder_ffn_embed_dim", c.ffnDim), ("encoder_attention_heads", c.attentionHeads),
            ("conv_pos", c.convPos), ("conv_pos_groups", c.convPosGroups), ("final_dim", c.finalDim),
        ] where n <= 0 {
            throw f.error(prefix + name, "is \(n), expected a positive number")
        }
        config = c
    }

    private static func isNone(_ value: PickleValue) -> Bool {
        if case .none = value { return true }
        return false
    }
}
