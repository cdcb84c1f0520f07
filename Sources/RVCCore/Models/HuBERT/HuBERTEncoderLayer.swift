/// One post-LN transformer layer of the HuBERT encoder (fairseq `TransformerSentenceEncoderLayer`
/// with `layer_norm_first` false; reference-inference.md B.5.e–f).
/// Keys: `encoder.layers.{n}.{self_attn.{q,k,v,out}_proj,self_attn_layer_norm,fc1,fc2,final_layer_norm}.{weight,bias}`.
struct HuBERTEncoderLayer: Sendable {
    /// The six matrices (85 % of HuBERT's parameters) stay in the checkpoint's precision until used.
    let qWeight, kWeight, vWeight, outWeight, fc1Weight, fc2Weight: StoredWeight
    let qBias, kBias, vBias, outBias: Tensor
    let attentionNormWeight, attentionNormBias: Tensor
    let fc1Bias, fc2Bias: Tensor
    let finalNormWeight, finalNormBias: Tensor
    let embedDim: Int
    let heads: Int
    let dtype: DType

    /// torch LayerNorm default used by fairseq.
    static let eps = 1e-5

    init(_ reader: WeightReader, embedDim e: Int, ffnDim f: Int, heads: Int) throws {
        let a = reader.scoped("self_attn.")
        qWeight = try a.stored("q_proj.weight", shape: [e, e])
        qBias = try a.tensor("q_proj.bias", shape: [e])
        kWeight = try a.stored("k_proj.weight", shape: [e, e])
        kBias = try a.tensor("k_proj.bias", shape: [e])
        vWeight = try a.stored("v_proj.weight", shape: [e, e])
        vBias = try a.tensor("v_proj.bias", shape: [e])
        outWeight = try a.stored("out_proj.weight", shape: [e, e])
        outBias = try a.tensor("out_proj.bias", shape: [e])
        attentionNormWeight = try reader.tensor("self_attn_layer_norm.weight", shape: [e])
        attentionNormBias = try reader.tensor("self_attn_layer_norm.bias", shape: [e])
        fc1Weight = try reader.stored("fc1.weight", shape: [f, e])
        fc1Bias = try reader.tensor("fc1.bias", shape: [f])
        fc2Weight = try reader.stored("fc2.weight", shape: [e, f])
        fc2Bias = try reader.tensor("fc2.bias", shape: [e])
        finalNormWeight = try reader.tensor("final_layer_norm.weight", shape: [e])
        finalNormBias = try reader.tensor("final_layer_norm.bias", shape: [e])
        embedDim = e
        self.heads = heads
        dtype = reader.dtype
    }

    /// x [T, E] → [T, E]; `mask` is the additive key mask [1, H, 1, T] (0 or −∞).
    func callAsFunction(_ x: Tensor, mask: Tensor) throws -> Tensor {
        let t = x.size(0)
        let headDim = embedDim / heads
        // torch's multi_head_attention_forward layout: [T, E] → [1, H, T, head dim] views.
        func split(_ y: Tensor) throws -> Tensor {
            try y.reshape([t, heads, headDim]).permute([1, 0, 2]).unsqueeze(0)
        }
        let q = try split(x.linear(weight: qWeight.resolved(), bias: qBias))
        let k = try split(x.linear(weight: kWeight.resolved(), bias: kBias))
        let v = try split(x.linear(weight: vWeight.resolved(), bias: vBias))
        let attended = try q.scaledDotProductAttention(key: k, value: v, mask: mask)
            .squeeze(0).permute([1, 0, 2]).contiguous().reshape([t, embedDim])
        var h = try x + attended.linear(weight: outWeight.resolved(), bias: outBias)
        h = try h.layerNorm(normalizedShape: [embedDim], weight: attentionNormWeight, bias: attentionNormBias, eps: Self.eps)
        // fairseq's gelu upcasts to float32 and casts back.
        let hidden = try h.linear(weight: fc1Weight.resolved(), bias: fc1Bias).to(dtype: .float32).gelu().to(dtype: dtype)
        let y = try h + hidden.linear(weight: fc2Weight.resolved(), bias: fc2Bias)
        return try y.layerNorm(normalizedShape: [embedDim], weight: finalNormWeight, bias: finalNormBias, eps: Self.eps)
    }
}
