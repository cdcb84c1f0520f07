/// A mean-only affine coupling layer (`ResidualCouplingLayer`), run in reverse: the second half of
/// the channels is shifted by a mean predicted from the first half (reference-inference.md D.4).
struct CouplingLayer: Sendable {
    let pre: Conv1dLayer
    let wavenet: WaveNet
    let post: Conv1dLayer
    let half: Int

    init(_ reader: SynthesizerWeightReader, _ prefix: String, channels: Int, hidden: Int, gin: Int) throws {
        half = channels / 2
        pre = try Conv1dLayer(reader, prefix + ".pre", out: hidden, in: half, kernel: 1)
        wavenet = try WaveNet(reader, prefix + ".enc", hidden: hidden, gin: gin)
        post = try Conv1dLayer(reader, prefix + ".post", out: half, in: hidden, kernel: 1)
    }

    /// Reverse pass on z [1, I, T]. The reference's `· exp(−0) · mask` factors are exactly 1 here.
    func reverse(_ z: Tensor, speaker g: Tensor) throws -> Tensor {
        let x0 = try z.narrow(dim: 1, start: 0, length: half)
        let x1 = try z.narrow(dim: 1, start: half, length: half)
        let mean = try post(wavenet(pre(x0), speaker: g))
        return try Tensor.cat([x0, x1 - mean], dim: 1)
    }
}
