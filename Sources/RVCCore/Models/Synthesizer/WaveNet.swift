/// The gated, speaker-conditioned dilated-conv stack (`WN`) inside each flow coupling layer
/// (reference-inference.md D.4). Dilation rate 1 as in RVC; layer count and kernel come from the weights.
struct WaveNet: Sendable {
    let inputLayers: [Conv1dLayer]
    let residualSkipLayers: [Conv1dLayer]
    let condition: Conv1dLayer
    let hidden: Int

    init(_ reader: SynthesizerWeightReader, _ prefix: String, hidden: Int, gin: Int) throws {
        self.hidden = hidden
        let count = reader.weights.countIndexed(prefix + ".in_layers.")
        guard count > 0 else { throw WeightError.missing(key: prefix + ".in_layers.0.weight_v", source: reader.weights.source) }
        let kernel = try reader.shape(prefix + ".in_layers.0.weight_v", rank: 3)[2]
        inputLayers = try (0..<count).map { i in
            try Conv1dLayer(
                reader, prefix + ".in_layers.\(i)", out: 2 * hidden, in: hidden, kernel: kernel,
                padding: (kernel - 1) / 2, weightNorm: true)
        }
        residualSkipLayers = try (0..<count).map { i in
            // The last layer only feeds the skip output, so it is half as wide.
            let out = i < count - 1 ? 2 * hidden : hidden
            return try Conv1dLayer(reader, prefix + ".res_skip_layers.\(i)", out: out, in: hidden, kernel: 1, weightNorm: true)
        }
        condition = try Conv1dLayer(reader, prefix + ".cond_layer", out: 2 * hidden * count, in: gin, kernel: 1, weightNorm: true)
    }

    /// x [1, H, T], speaker g [1, G, 1] → [1, H, T].
    func callAsFunction(_ input: Tensor, speaker g: Tensor) throws -> Tensor {
        let conditioning = try condition(g)
        var x = input
        var output: Tensor?
        for i in 0..<inputLayers.count {
            let a = try inputLayers[i](x) + conditioning.narrow(dim: 1, start: 2 * hidden * i, length: 2 * hidden)
            let acts = try a.narrow(dim: 1, start: 0, length: hidden).tanh()
                * a.narrow(dim: 1, start: hidden, length: hidden).sigmoid()
            let r = try residualSkipLayers[i](acts)
            if i < inputLayers.count - 1 {
                x = try x + r.narrow(dim: 1, start: 0, length: hidden)
                let skip = try r.narrow(dim: 1, start: hidden, length: hidden)
                output = try output.map { try $0 + skip } ?? skip
            } else {
                output = try output.map { try $0 + r } ?? r
            }
        }
        // Non-nil: the initializer requires at least one layer.
        return output ?? input
    }
}
