/// The normalising flow (`ResidualCouplingBlock`) in the reverse direction: coupling layers at the
/// even module indices, each followed in the forward direction by a channel flip, traversed
/// backwards (reference-inference.md D.4).
struct ReverseFlow: Sendable {
    /// Coupling layers in forward order (module indices 0, 2, 4, ...).
    let layers: [CouplingLayer]

    init(_ reader: SynthesizerWeightReader, channels: Int, hidden: Int, gin: Int) throws {
        guard channels % 2 == 0 else { throw reader.unsupported("inter_channels \(channels) is odd; the flow splits it in halves") }
        var layers: [CouplingLayer] = []
        // Odd indices are parameter-less Flip modules.
        while reader.weights.contains("flow.flows.\(2 * layers.count).pre.weight") {
            layers.append(try CouplingLayer(reader, "flow.flows.\(2 * layers.count)", channels: channels, hidden: hidden, gin: gin))
        }
        guard !layers.isEmpty else { throw WeightError.missing(key: "flow.flows.0.pre.weight", source: reader.weights.source) }
        self.layers = layers
    }

    /// z_p [1, I, T] → z [1, I, T].
    func callAsFunction(_ z: Tensor, speaker g: Tensor) throws -> Tensor {
        var x = z
        for layer in layers.reversed() {
            x = try layer.reverse(x.flip([1]), speaker: g)
        }
        return x
    }
}
