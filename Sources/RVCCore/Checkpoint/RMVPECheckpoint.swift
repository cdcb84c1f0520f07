import Foundation

/// An RMVPE checkpoint (`rmvpe.pt`): a plain state dict of the `E2E` network
/// (reference-inference.md A.7), with its architecture inferred from the weight shapes.
public struct RMVPECheckpoint: Sendable {
    /// The file it was read from.
    public let url: URL
    /// Top-level state dict, keys as stored, in the stored dtype, zero-copy.
    public let weights: StateDict
    /// The architecture implied by the weights.
    public let config: RMVPEConfig

    /// Reads an RMVPE checkpoint.
    /// - Throws: ``CheckpointError`` for unreadable files or a top level that is not a state dict;
    ///   ``WeightError`` naming the key when a weight the architecture needs is missing or mis-shaped.
    public static func load(_ url: URL) throws -> RMVPECheckpoint {
        try RMVPECheckpoint(try TorchCheckpoint.load(url))
    }

    /// Interprets a decoded checkpoint as an RMVPE model.
    public init(_ checkpoint: TorchCheckpoint) throws {
        let f = CheckpointFields(file: checkpoint.url.path)
        url = checkpoint.url
        weights = try f.stateDict(checkpoint.root, "<top level>")
        config = try Self.inferConfig(weights)
    }

    /// Reads the architecture from the weight names and shapes.
    static func inferConfig(_ w: StateDict) throws -> RMVPEConfig {
        let layers = w.countIndexed("unet.encoder.layers.")
        let inter = w.countIndexed("unet.intermediate.layers.")
        let blocks = w.countIndexed("unet.encoder.layers.0.conv.")
        guard layers > 0, inter > 0, blocks > 0 else {
            throw WeightError.missing(key: "unet.encoder.layers.0.conv.0.conv.0.weight", source: w.source)
        }
        let first = try w.require("unet.encoder.layers.0.conv.0.conv.0.weight", shape: [-1, -1, 3, 3])
        let inChannels = try w.require("unet.encoder.bn.weight", shape: [-1]).size(0)
        guard first.size(1) == inChannels else {
            throw WeightError.shape(
                key: "unet.encoder.layers.0.conv.0.conv.0.weight", expected: [-1, inChannels, 3, 3],
                actual: first.shape, source: w.source)
        }
        var gruLayers = 0
        while w.contains("fc.0.gru.weight_ih_l\(gruLayers)") { gruLayers += 1 }
        let hidden: Int
        let melBins: Int
        let classes: Int
        if gruLayers > 0 {
            let ih = try w.require("fc.0.gru.weight_ih_l0", shape: [-1, -1])
            let hh = try w.require("fc.0.gru.weight_hh_l0", shape: [-1, -1])
            hidden = hh.size(1)
            guard ih.size(0) == 3 * hidden, ih.size(1) % 3 == 0 else {
                throw WeightError.shape(
                    key: "fc.0.gru.weight_ih_l0", expected: [3 * hidden, -1], actual: ih.shape, source: w.source)
            }
            melBins = ih.size(1) / 3
            classes = try w.require("fc.1.weight", shape: [-1, 2 * hidden]).size(0)
        } else {
            let fc = try w.require("fc.0.weight", shape: [-1, -1])
            hidden = 0
            melBins = fc.size(1) / 3
            classes = fc.size(0)
        }
        return RMVPEConfig(
            blocks: blocks, gruLayers: gruLayers, encoderDecoderLayers: layers, intermediateLayers: inter,
            inChannels: inChannels, encoderOutChannels: first.size(0), gruHidden: hidden, melBins: melBins,
            classes: classes)
    }
}
