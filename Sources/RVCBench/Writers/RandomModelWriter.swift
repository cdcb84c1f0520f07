import Foundation
import RVCCore

/// Writes random-weight models in the production file formats (fairseq HuBERT `.pt`, RMVPE `.pt`,
/// RVC voice `.pth`, faiss `.index`) with the project's own writers, for benchmarks and tests.
///
/// The key names and shapes follow the reference architectures (docs/weights.md) for any config, so
/// the same code writes full-size files (``RandomModelWriter/Preset``) and tiny ones. Weights are
/// drawn with He scaling (norm gains 1, biases 0, batch-norm statistics 0/1) so activations stay
/// in a realistic range through every layer: the timings of real models, not of overflow or of
/// subnormal arithmetic.
public struct RandomModelWriter: Sendable {
    /// Sizes of the production models.
    public enum Preset {
        /// HuBERT base: 7 conv layers of 512, 12 encoder layers of 768 (94.7 M parameters).
        public static let hubertBase = HuBERTConfig()
        /// RMVPE as released: E2E(4 blocks, 1 GRU, (2, 2)), 5 encoder/decoder layers of 16…512 channels.
        public static let rmvpe = RMVPEConfig(
            blocks: 4, gruLayers: 1, encoderDecoderLayers: 5, intermediateLayers: 4, inChannels: 1,
            encoderOutChannels: 16, gruHidden: 256, melBins: 128, classes: 360)
        /// The RVC v2 48 kHz synthesizer (`configs/v2/48k.json` of the reference).
        public static let voiceV2At48k = VoiceModelConfig(
            specChannels: 1025, segmentSize: 32, interChannels: 192, hiddenChannels: 192, filterChannels: 768,
            heads: 2, layers: 6, kernelSize: 3, dropout: 0, resblock: "1", resblockKernelSizes: [3, 7, 11],
            resblockDilationSizes: [[1, 3, 5], [1, 3, 5], [1, 3, 5]], upsampleRates: [12, 10, 2, 2],
            upsampleInitialChannel: 512, upsampleKernelSizes: [24, 20, 4, 4], speakerEmbedDim: 109,
            ginChannels: 256, sampleRate: 48000)
    }

    /// Changes whenever the files written change (2: RMVPE's Fixup gains), so that benchmark
    /// folders written by an earlier version are written again (``BenchmarkModels``).
    public static let version = 2

    /// The seed of every random draw (the same seed writes the same files).
    public var seed: UInt64

    public init(seed: UInt64 = 1) {
        self.seed = seed
    }

    // MARK: HuBERT

    /// Writes a fairseq HuBERT checkpoint (`cfg` as a plain dict, weights under `model`), in float16
    /// by default as the distributed `hubert_base.pt` (189 MB) is.
    /// - Throws: ``CheckpointError`` on write failures, ``TorchError`` from the random draws.
    public func writeHuBERT(_ config: HuBERTConfig, dtype: DType = .float16, to url: URL) throws {
        let layers = config.convLayers.map { "(\($0.channels), \($0.kernel), \($0.stride))" }.joined(separator: ", ")
        let cfg: CheckpointWriter.Value = .dict([
            ("model", .dict([
                ("_name", .string("hubert")), ("extractor_mode", .string(config.extractorMode)),
                ("conv_feature_layers", .string("[\(layers)]")), ("conv_bias", .bool(config.convBias)),
                ("encoder_layers", .int(config.encoderLayers)), ("encoder_embed_dim", .int(config.embedDim)),
                ("encoder_ffn_embed_dim", .int(config.ffnDim)),
                ("encoder_attention_heads", .int(config.attentionHeads)), ("activation_fn", .string(config.activation)),
                ("final_dim", .int(config.finalDim)), ("conv_pos", .int(config.convPos)),
                ("conv_pos_groups", .int(config.convPosGroups)), ("layer_norm_first", .bool(config.layerNormFirst)),
            ])),
            ("task", .dict([("normalize", .bool(config.normalize))])),
        ])
        let model = try tensors(Self.hubertShapes(config), dtype: dtype)
        try CheckpointWriter(archiveName: url.deletingPathExtension().lastPathComponent).write(
            .dict([("args", .none), ("cfg", cfg), ("model", .orderedDict(model))]), to: url)
    }

    /// The `model` state dict of a fairseq HuBERT with `config` ("default" extractor mode, no conv bias).
    public static func hubertShapes(_ config: HuBERTConfig) -> [(String, [Int])] {
        let e = config.embedDim
        let f = config.ffnDim
        var shapes: [(String, [Int])] = [("mask_emb", [e]), ("label_embs_concat", [504, config.finalDim])]
        var inChannels = 1
        for (i, layer) in config.convLayers.enumerated() {
            shapes.append(("feature_extractor.conv_layers.\(i).0.weight", [layer.channels, inChannels, layer.kernel]))
            inChannels = layer.channels
        }
        let c0 = config.convLayers.first?.channels ?? 0
        shapes += [("feature_extractor.conv_layers.0.2.weight", [c0]), ("feature_extractor.conv_layers.0.2.bias", [c0])]
        shapes += [("layer_norm.weight", [inChannels]), ("layer_norm.bias", [inChannels])]
        if inChannels != e { shapes += [("post_extract_proj.weight", [e, inChannels]), ("post_extract_proj.bias", [e])] }
        shapes += [
            ("encoder.pos_conv.0.bias", [e]), ("encoder.pos_conv.0.weight_g", [1, 1, config.convPos]),
            ("encoder.pos_conv.0.weight_v", [e, e / config.convPosGroups, config.convPos]),
            ("encoder.layer_norm.weight", [e]), ("encoder.layer_norm.bias", [e]),
        ]
        for n in 0..<config.encoderLayers {
            let p = "encoder.layers.\(n)."
            for proj in ["k_proj", "v_proj", "q_proj", "out_proj"] {
                shapes += [(p + "self_attn.\(proj).weight", [e, e]), (p + "self_attn.\(proj).bias", [e])]
            }
            shapes += [(p + "self_attn_layer_norm.weight", [e]), (p + "self_attn_layer_norm.bias", [e])]
            shapes += [(p + "fc1.weight", [f, e]), (p + "fc1.bias", [f]), (p + "fc2.weight", [e, f]), (p + "fc2.bias", [e])]
            shapes += [(p + "final_layer_norm.weight", [e]), (p + "final_layer_norm.bias", [e])]
        }
        shapes += [("final_proj.weight", [config.finalDim, e]), ("final_proj.bias", [config.finalDim])]
        return shapes
    }

    // MARK: RMVPE

    /// Writes an RMVPE checkpoint (a plain state dict, as `rmvpe.pt` is), in float16 by default as
    /// the distributed file (181 MB for 90.5 M values) is.
    ///
    /// The U-Net's residual blocks add their branch to their input with batch norms whose running
    /// statistics are 0 and 1 here (a trained model's normalise), so the activations would double
    /// in variance at each of its 56 blocks and pass float16's range. As in Fixup initialisation,
    /// each branch's last gain is 1/√blocks and the 1×1 shortcuts preserve variance, so the
    /// activations grow by about e in variance through the whole net and float16 runs as it does
    /// with the released weights.
    public func writeRMVPE(_ config: RMVPEConfig, dtype: DType = .float16, to url: URL) throws {
        let residualBlocks = config.blocks * (2 * config.encoderDecoderLayers + config.intermediateLayers)
        let branchGain = 1 / Double(max(1, residualBlocks)).squareRoot()
        let weights = try tensors(Self.rmvpeShapes(config), dtype: .float32).map { name, value -> (String, CheckpointWriter.Value) in
            guard case .tensor(let tensor) = value else { return (name, value) }
            var scaled = tensor
            if name.hasSuffix(".conv.4.weight") { scaled = try tensor * branchGain }
            if name.hasSuffix(".shortcut.weight") { scaled = try tensor * 0.5.squareRoot() }
            return (name, .tensor(try scaled.to(dtype: dtype)))
        }
        try CheckpointWriter(archiveName: url.deletingPathExtension().lastPathComponent).write(.orderedDict(weights), to: url)
    }

    /// The RMVPE state dict for `config` (docs/weights.md, RMVPE).
    public static func rmvpeShapes(_ config: RMVPEConfig) -> [(String, [Int])] {
        var shapes: [(String, [Int])] = []
        func batchNorm(_ prefix: String, _ channels: Int) {
            for name in ["weight", "bias", "running_mean", "running_var"] { shapes.append(("\(prefix).\(name)", [channels])) }
        }
        func blocks(_ prefix: String, from input: Int, to output: Int) {
            for b in 0..<config.blocks {
                let p = "\(prefix).\(b)."
                let inChannels = b == 0 ? input : output
                shapes.append((p + "conv.0.weight", [output, inChannels, 3, 3]))
                batchNorm(p + "conv.1", output)
                shapes.append((p + "conv.3.weight", [output, output, 3, 3]))
                batchNorm(p + "conv.4", output)
                if inChannels != output { shapes += [(p + "shortcut.weight", [output, inChannels, 1, 1]), (p + "shortcut.bias", [output])] }
            }
        }
        let w = config.encoderOutChannels
        let s = config.encoderDecoderLayers
        batchNorm("unet.encoder.bn", config.inChannels)
        for e in 0..<s {
            blocks("unet.encoder.layers.\(e).conv", from: e == 0 ? config.inChannels : w << (e - 1), to: w << e)
        }
        for i in 0..<config.intermediateLayers {
            blocks("unet.intermediate.layers.\(i).conv", from: i == 0 ? w << (s - 1) : w << s, to: w << s)
        }
        for d in 0..<s {
            let input = w << (s - d)
            let output = w << (s - d - 1)
            shapes.append(("unet.decoder.layers.\(d).conv1.0.weight", [input, output, 3, 3]))
            batchNorm("unet.decoder.layers.\(d).conv1.1", output)
            blocks("unet.decoder.layers.\(d).conv2", from: 2 * output, to: output)
        }
        shapes += [("cnn.weight", [3, w, 3, 3]), ("cnn.bias", [3])]
        let h = config.gruHidden
        if config.gruLayers == 0 {
            shapes += [("fc.0.weight", [config.classes, 3 * config.melBins]), ("fc.0.bias", [config.classes])]
        } else {
            for l in 0..<config.gruLayers {
                for suffix in ["", "_reverse"] {
                    let input = l == 0 ? 3 * config.melBins : 2 * h
                    shapes += [
                        ("fc.0.gru.weight_ih_l\(l)\(suffix)", [3 * h, input]), ("fc.0.gru.weight_hh_l\(l)\(suffix)", [3 * h, h]),
                        ("fc.0.gru.bias_ih_l\(l)\(suffix)", [3 * h]), ("fc.0.gru.bias_hh_l\(l)\(suffix)", [3 * h]),
                    ]
                }
            }
            shapes += [("fc.1.weight", [config.classes, 2 * h]), ("fc.1.bias", [config.classes])]
        }
        return shapes
    }

    // MARK: Voice model

    /// Writes an RVC voice model `.pth` (float16 weights, the 18-item config, `f0`, `version`, `sr`).
    /// - Parameters:
    ///   - featureDim: HuBERT feature width (default 768 for v2, 256 for v1).
    ///   - speakers: rows of the speaker table.
    public func writeVoiceModel(
        _ config: VoiceModelConfig, version: VoiceModelVersion = .v2, hasPitch: Bool = true, speakers: Int = 1,
        featureDim: Int? = nil, to url: URL
    ) throws {
        let featureDim = featureDim ?? (version == .v2 ? 768 : 256)
        let weights = try tensors(
            Self.synthesizerShapes(config, featureDim: featureDim, hasPitch: hasPitch, speakers: speakers), dtype: .float16)
        let c = config
        let rateName = [32000: "32k", 40000: "40k", 48000: "48k"][c.sampleRate] ?? "\(c.sampleRate)"
        let list: [CheckpointWriter.Value] = [
            .int(c.specChannels), .int(c.segmentSize), .int(c.interChannels), .int(c.hiddenChannels),
            .int(c.filterChannels), .int(c.heads), .int(c.layers), .int(c.kernelSize), .float(c.dropout),
            .string(c.resblock), .list(c.resblockKernelSizes.map { .int($0) }),
            .list(c.resblockDilationSizes.map { .list($0.map { .int($0) }) }), .list(c.upsampleRates.map { .int($0) }),
            .int(c.upsampleInitialChannel), .list(c.upsampleKernelSizes.map { .int($0) }), .int(c.speakerEmbedDim),
            .int(c.ginChannels), .int(c.sampleRate),
        ]
        try CheckpointWriter(archiveName: url.deletingPathExtension().lastPathComponent).write(
            .dict([
                ("weight", .orderedDict(weights)), ("config", .list(list)), ("info", .string("random weights (rvc bench)")),
                ("sr", .string(rateName)), ("f0", .int(hasPitch ? 1 : 0)), ("version", .string(version.rawValue)),
            ]), to: url)
    }

    /// The synthesizer state dict for `config` (docs/weights.md, Synthesizer): the text encoder, a
    /// 4-step flow with WaveNet couplings (kernel 5, 3 layers), and the HiFi-GAN (NSF) decoder.
    public static func synthesizerShapes(
        _ c: VoiceModelConfig, featureDim: Int, hasPitch: Bool, speakers: Int
    ) -> [(String, [Int])] {
        let h = c.hiddenChannels
        let inter = c.interChannels
        let g = c.ginChannels
        var shapes: [(String, [Int])] = [("emb_g.weight", [speakers, g])]
        shapes += [("enc_p.emb_phone.weight", [h, featureDim]), ("enc_p.emb_phone.bias", [h])]
        if hasPitch { shapes.append(("enc_p.emb_pitch.weight", [256, h])) }
        let kc = h / c.heads
        // The relative-attention window of RVC's text encoder (attentions.py, window_size=10).
        let window = 10
        for l in 0..<c.layers {
            let a = "enc_p.encoder.attn_layers.\(l)."
            for conv in ["q", "k", "v", "o"] { shapes += [(a + "conv_\(conv).weight", [h, h, 1]), (a + "conv_\(conv).bias", [h])] }
            shapes += [(a + "emb_rel_k", [1, 2 * window + 1, kc]), (a + "emb_rel_v", [1, 2 * window + 1, kc])]
            shapes += [("enc_p.encoder.norm_layers_1.\(l).gamma", [h]), ("enc_p.encoder.norm_layers_1.\(l).beta", [h])]
            let f = "enc_p.encoder.ffn_layers.\(l)."
            shapes += [(f + "conv_1.weight", [c.filterChannels, h, c.kernelSize]), (f + "conv_1.bias", [c.filterChannels])]
            shapes += [(f + "conv_2.weight", [h, c.filterChannels, c.kernelSize]), (f + "conv_2.bias", [h])]
            shapes += [("enc_p.encoder.norm_layers_2.\(l).gamma", [h]), ("enc_p.encoder.norm_layers_2.\(l).beta", [h])]
        }
        shapes += [("enc_p.proj.weight", [2 * inter, h, 1]), ("enc_p.proj.bias", [2 * inter])]

        func weightNormed(_ prefix: String, _ shape: [Int], bias: Bool = true) {
            shapes += [(prefix + ".weight_g", [shape[0], 1, 1]), (prefix + ".weight_v", shape)]
            if bias { shapes.append((prefix + ".bias", [shape[0]])) }
        }
        // ResidualCouplingBlock(inter, hidden, 5, 1, 3, gin): 4 coupling layers at even indices.
        let wnLayers = 3
        for flow in stride(from: 0, through: 6, by: 2) {
            let p = "flow.flows.\(flow)."
            shapes += [(p + "pre.weight", [h, inter / 2, 1]), (p + "pre.bias", [h])]
            for j in 0..<wnLayers {
                weightNormed(p + "enc.in_layers.\(j)", [2 * h, h, 5])
                weightNormed(p + "enc.res_skip_layers.\(j)", [j < wnLayers - 1 ? 2 * h : h, h, 1])
            }
            weightNormed(p + "enc.cond_layer", [2 * h * wnLayers, g, 1])
            shapes += [(p + "post.weight", [inter / 2, h, 1]), (p + "post.bias", [inter / 2])]
        }

        let u = c.upsampleInitialChannel
        shapes += [("dec.conv_pre.weight", [u, inter, 7]), ("dec.conv_pre.bias", [u])]
        shapes += [("dec.cond.weight", [u, g, 1]), ("dec.cond.bias", [u])]
        for (i, kernel) in c.upsampleKernelSizes.enumerated() {
            let ch = u >> (i + 1)
            // ConvTranspose1d weights are [in, out, k]; weight norm runs over dim 0 (in).
            shapes += [("dec.ups.\(i).weight_g", [u >> i, 1, 1]), ("dec.ups.\(i).weight_v", [u >> i, ch, kernel])]
            shapes.append(("dec.ups.\(i).bias", [ch]))
            if hasPitch {
                let later = c.upsampleRates[(i + 1)...].reduce(1, *)
                let k = i + 1 < c.upsampleRates.count ? 2 * later : 1
                shapes += [("dec.noise_convs.\(i).weight", [ch, 1, k]), ("dec.noise_convs.\(i).bias", [ch])]
            }
        }
        let r = c.resblockKernelSizes.count
        for i in 0..<c.upsampleRates.count {
            let ch = u >> (i + 1)
            for (j, k) in c.resblockKernelSizes.enumerated() {
                let p = "dec.resblocks.\(r * i + j)."
                if c.resblock == "1" {
                    for m in 0..<3 {
                        weightNormed(p + "convs1.\(m)", [ch, ch, k])
                        weightNormed(p + "convs2.\(m)", [ch, ch, k])
                    }
                } else {
                    for m in 0..<2 { weightNormed(p + "convs.\(m)", [ch, ch, k]) }
                }
            }
        }
        shapes.append(("dec.conv_post.weight", [1, u >> c.upsampleRates.count, 7]))
        if hasPitch { shapes += [("dec.m_source.l_linear.weight", [1, 1]), ("dec.m_source.l_linear.bias", [1])] }
        return shapes
    }

    // MARK: Index

    /// Writes an RVC-style `IndexIVFFlat` of `count` random `dimension`-d vectors. With no `lists`,
    /// nlist follows RVC's training rule min(16·√n, n / 39); centroids are a spread of the vectors
    /// and every vector goes to its nearest centroid, so list sizes vary as in a trained index.
    public func writeIndex(count: Int, dimension: Int, lists: Int? = nil, to url: URL) throws {
        // infer/modules/train: n_ivf = min(int(16 * sqrt(N)), N // 39).
        let nlist = max(1, lists ?? min(Int(16 * Double(count).squareRoot()), count / 39))
        let generator = try Generator(seed: seed &+ 7)
        // Features cluster in practice; mixing a few hundred random directions gives lists of uneven size.
        let clusters = try Tensor.randn([max(1, nlist / 4), dimension], generator: generator)
        let pick = try (Tensor.rand([count], generator: generator) * Double(max(1, nlist / 4))).to(dtype: .int64)
        let noise = try Tensor.randn([count, dimension], generator: generator) * 0.5
        let vectors = try (try clusters.indexSelect(dim: 0, index: pick) + noise).toArray(Float.self)
        let step = max(1, count / nlist)
        var centroids = [Float]()
        centroids.reserveCapacity(nlist * dimension)
        for list in 0..<nlist {
            let row = min(list * step, count - 1)
            centroids += vectors[(row * dimension)..<((row + 1) * dimension)]
        }
        let assignment = try FaissIndexWriter.assignToNearestCentroids(vectors: vectors, centroids: centroids, dimension: dimension)
        try FaissIndexWriter().write(centroids: centroids, vectors: vectors, assignment: assignment, dimension: dimension, to: url)
    }

    // MARK: Random tensors

    private func tensors(_ shapes: [(String, [Int])], dtype: DType) throws -> [(String, CheckpointWriter.Value)] {
        let generator = try Generator(seed: seed)
        return try shapes.map { name, shape in (name, .tensor(try Self.initial(name, shape, generator).to(dtype: dtype))) }
    }

    /// He-scaled normal weights (std √(2 / fan-in), the scale that keeps activations steady through
    /// (leaky) ReLU layers, so deep stacks neither blow up nor sink into slow subnormal numbers); the
    /// same gain √2 for weight-norm magnitudes; ones for norm gains and variances; zeros for biases
    /// and means.
    private static func initial(_ name: String, _ shape: [Int], _ generator: Generator) throws -> Tensor {
        let last = name.split(separator: ".").last.map(String.init) ?? name
        if last == "weight_g" { return try Tensor.ones(shape) * 2.0.squareRoot() }
        if last == "gamma" || last == "running_var" || (shape.count == 1 && last == "weight") {
            return try Tensor.ones(shape)
        }
        if shape.count == 1 { return try Tensor.zeros(shape) }
        let fanIn = max(1, shape.dropFirst().reduce(1, *))
        return try Tensor.randn(shape, generator: generator) * (2 / Double(fanIn)).squareRoot()
    }
}
