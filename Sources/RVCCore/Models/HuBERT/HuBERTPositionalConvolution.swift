/// The encoder's convolutional positional embedding (reference-inference.md B.5.b): a grouped,
/// weight-normalised (dim 2) Conv1d with padding kernel/2, the last output step dropped for even
/// kernels (fairseq `SamePad`), then exact GELU. Keys: `encoder.pos_conv.0.{weight_g,weight_v,bias}`.
struct HuBERTPositionalConvolution: Sendable {
    /// The effective weight v·(g/‖v‖), computed once at load.
    let weight: Tensor
    let bias: Tensor
    let kernel: Int
    let groups: Int

    init(_ reader: WeightReader, config: HuBERTConfig) throws {
        let e = config.embedDim
        let k = config.convPos
        let g = config.convPosGroups
        guard config.posConvDepth == 1 else {
            throw reader.unsupported("HuBERT pos_conv_depth \(config.posConvDepth) is not supported (only 1)")
        }
        guard k > 0, g > 0, e % g == 0 else {
            throw reader.unsupported("HuBERT conv_pos \(k) / conv_pos_groups \(g) do not fit embed dim \(e)")
        }
        let r = reader.scoped("encoder.pos_conv.0.")
        // Legacy `weight_norm` hook names, or the parametrization names newer torch writes.
        let (gKey, vKey) = r.contains("weight_g") || !r.contains("parametrizations.weight.original0")
            ? ("weight_g", "weight_v")
            : ("parametrizations.weight.original0", "parametrizations.weight.original1")
        let magnitude = try r.tensor(gKey, shape: [1, 1, k])
        let direction = try r.tensor(vKey, shape: [e, e / g, k])
        // torch._weight_norm in the compute dtype, as the reference evaluates it each forward.
        weight = try Tensor.weightNorm(v: direction, g: magnitude, dim: 2).contiguous()
        bias = try r.tensor("bias", shape: [e])
        kernel = k
        groups = g
    }

    /// [1, E, n] → [1, E, n] positional embedding (not yet added to the input).
    func callAsFunction(_ x: Tensor) throws -> Tensor {
        var y = try x.conv1d(weight: weight, bias: bias, padding: kernel / 2, groups: groups)
        if kernel % 2 == 0 {
            y = try y.narrow(dim: 2, start: 0, length: y.size(2) - 1)
        }
        return try y.gelu()
    }
}
