/// Reads a network's weights from a ``StateDict``, checked against the shapes the architecture needs
/// and converted once to the compute dtype and device.
struct SynthesizerWeightReader: Sendable {
    let weights: StateDict
    let dtype: DType
    let device: Device

    /// The tensor under `key` (shape-checked; -1 matches any size) in the compute dtype and device.
    func tensor(_ key: String, shape: [Int]) throws -> Tensor {
        try weights.require(key, shape: shape).to(dtype: dtype, device: device)
    }

    /// The shape of the tensor under `key`, checked for rank.
    func shape(_ key: String, rank: Int) throws -> [Int] {
        try weights.require(key, shape: Array(repeating: -1, count: rank)).shape
    }

    /// The effective weight of a legacy `weight_norm` layer (`prefix` ends with a dot), resolved once:
    /// `at::_weight_norm(v, g, 0)` on the parameters already in the compute dtype, which is what the
    /// reference evaluates at every forward after `.float()` / `.half()` (reference-inference.md A.4).
    func weightNormed(_ prefix: String, shape: [Int]) throws -> Tensor {
        let v = try tensor(prefix + "weight_v", shape: shape)
        let gShape = [shape[0]] + Array(repeating: 1, count: max(0, shape.count - 1))
        let g = try tensor(prefix + "weight_g", shape: gShape)
        return try Tensor.weightNorm(v: v, g: g, dim: 0)
    }

    /// An error naming this weight source.
    func unsupported(_ what: String) -> WeightError {
        .unsupported(what, source: weights.source)
    }
}
