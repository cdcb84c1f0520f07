/// The RMVPE pitch estimator as RVC uses it (reference-inference.md A.7, C): 16 kHz audio → log-mel
/// → U-Net → BiGRU → 360-bin salience per 10 ms frame → f0 in Hz.
///
/// Depth, block count and widths come from the checkpoint's ``RMVPEConfig`` and are checked against
/// every weight's shape. The mel filterbank, window and all dtype conversions are made once in the
/// initialiser; the model is immutable and thread-safe.
public final class RMVPE: Sendable {
    /// Where the weights live and the network runs.
    public let device: Device
    /// The network's compute dtype (the mel front end always runs in float32).
    public let dtype: DType

    /// The architecture the model was built from.
    public let config: RMVPEConfig

    let mel: RMVPEMelSpectrogram
    let unet: RMVPEUNet
    let cnn: (weight: Tensor, bias: Tensor)
    let head: Head

    /// The recurrent head (`n_gru` > 0: BiGRU then Linear) or the plain Linear head (`n_gru` = 0).
    enum Head: Sendable {
        case recurrent(gru: [Tensor], layers: Int, weight: Tensor, bias: Tensor)
        case linear(weight: Tensor, bias: Tensor)
    }

    static let name = "RMVPE"
    /// mel2hidden pads the frame count to a multiple of 32 (reference C.2).
    static let frameMultiple = RMVPEChunking.frameMultiple
    /// E2E's `cnn` always has 3 output channels; the head reads 3 × mel bins features per frame.
    static let cnnChannels = 3

    /// Builds the E2E network from its state dict (`rmvpe.pt`'s keys) and the architecture the
    /// checkpoint loader inferred from it.
    ///
    /// - Parameters:
    ///   - weights: the state dict; float16 or float32 storage.
    ///   - config: the architecture (``RMVPECheckpoint/config``).
    ///   - device: where to place the weights.
    ///   - dtype: the network's compute dtype; weights are converted once, here.
    /// - Throws: ``WeightError`` naming the first missing or mis-shaped key, or an architecture that
    ///   does not fit the 128-band mel front end, the 32-frame padding or the 360-bin decode.
    public init(weights: StateDict, config: RMVPEConfig, device: Device = .cpu, dtype: DType = .float32) throws {
        let reader = WeightReader(weights, device: device, dtype: dtype)
        let bands = RMVPEMelSpectrogram.bands
        guard config.melBins == bands, config.inChannels == 1, config.classes == RMVPEPitchDecoder.bins else {
            throw reader.unsupported(
                "RMVPE with \(config.melBins) mel bins, \(config.inChannels) input channels and \(config.classes) classes "
                    + "is not supported (the reference uses \(bands), 1 and \(RMVPEPitchDecoder.bins))")
        }
        self.config = config
        self.device = device
        self.dtype = dtype
        mel = try RMVPEMelSpectrogram(device: device)
        unet = try RMVPEUNet(reader.scoped("unet."), config: config)
        let multiple = unet.sizeMultiple
        guard Self.frameMultiple % multiple.time == 0, bands % multiple.frequency == 0 else {
            throw reader.unsupported(
                "RMVPE with \(config.encoderDecoderLayers) encoder stages and kernel \(config.poolKernel) does not fit \(bands) mel bands and 32-frame padding")
        }
        cnn = (
            try reader.tensor("cnn.weight", shape: [Self.cnnChannels, config.encoderOutChannels, 3, 3]),
            try reader.tensor("cnn.bias", shape: [Self.cnnChannels]))
        let features = Self.cnnChannels * bands
        let classes = config.classes
        if config.gruLayers > 0 {
            let g = reader.scoped("fc.0.gru.")
            let h = config.gruHidden
            var parameters: [Tensor] = []
            for layer in 0..<config.gruLayers {
                let input = layer == 0 ? features : 2 * h
                for suffix in ["", "_reverse"] {
                    parameters.append(try g.tensor("weight_ih_l\(layer)\(suffix)", shape: [3 * h, input]))
                    parameters.append(try g.tensor("weight_hh_l\(layer)\(suffix)", shape: [3 * h, h]))
                    parameters.append(try g.tensor("bias_ih_l\(layer)\(suffix)", shape: [3 * h]))
                    parameters.append(try g.tensor("bias_hh_l\(layer)\(suffix)", shape: [3 * h]))
                }
            }
            head = .recurrent(
                gru: parameters, layers: config.gruLayers,
                weight: try reader.tensor("fc.1.weight", shape: [classes, 2 * h]),
                bias: try reader.tensor("fc.1.bias", shape: [classes]))
        } else {
            head = .linear(
                weight: try reader.tensor("fc.0.weight", shape: [classes, features]),
                bias: try reader.tensor("fc.0.bias", shape: [classes]))
        }
    }

    /// The fewest samples the centred STFT accepts (its reflect padding needs more than 512).
    public static let minimumSamples = RMVPEMelSpectrogram.fftSize / 2 + 1

    /// Frames for `samples` input samples: 1 + ⌊samples/160⌋.
    public static func frameCount(samples: Int) -> Int { RMVPEMelSpectrogram.frameCount(samples: samples) }

    /// The log-mel spectrogram [128, frames] (float32, or the compute dtype in half precision).
    ///
    /// - Parameter audio: 16 kHz mono samples [P], any floating dtype (converted to float32).
    /// - Throws: ``ModelInputError`` for malformed or too-short audio.
    public func melSpectrogram(audio: Tensor) throws -> Tensor {
        try validate(audio)
        return try Torch.inferenceMode {
            try mel(audio.to(dtype: .float32, device: device), dtype: dtype).squeeze(0)
        }
    }

    /// Salience [frames, 360] (float32) for a log-mel spectrogram [128, frames].
    /// - Parameter chunking: how long spectrograms are split into overlapping windows.
    /// - Throws: ``ModelInputError`` when the mel has the wrong shape.
    public func salience(mel: Tensor, chunking: RMVPEChunking = .standard) throws -> Tensor {
        guard mel.rank == 2, mel.size(0) == RMVPEMelSpectrogram.bands, mel.size(1) > 0 else {
            throw ModelInputError.badInput(model: Self.name, what: "mel must be [\(RMVPEMelSpectrogram.bands), frames], got \(mel.shape)")
        }
        return try Torch.inferenceMode {
            let input = try mel.to(dtype: dtype, device: device).unsqueeze(0)
            return try chunked(frames: mel.size(1), chunking: chunking) { window in
                try input.narrow(dim: 2, start: window.start, length: window.length)
            }
        }
    }

    /// Salience [frames, 360] (float32, on ``device``) of 16 kHz audio, computed window by window
    /// (see ``RMVPEChunking``): the mel of each window is made from the reflect-padded audio, so
    /// neither the spectrogram nor any network activation ever covers more than one window.
    /// - Throws: ``ModelInputError`` for malformed or too-short audio.
    public func salience(audio: Tensor, chunking: RMVPEChunking = .standard) throws -> Tensor {
        try validate(audio)
        return try Torch.inferenceMode {
            let samples = try audio.to(dtype: .float32, device: device)
            let frames = Self.frameCount(samples: samples.count)
            if chunking.windows(total: frames).count == 1 {
                return try network(mel(samples, dtype: dtype))
            }
            let padded = try mel.reflectPadded(samples)
            return try chunked(frames: frames, chunking: chunking) { window in
                try mel.frames(ofPadded: padded, start: window.start, count: window.length, dtype: dtype)
            }
        }
    }

    /// f0 in Hz per 10 ms frame (0 = unvoiced): 1 + ⌊P/160⌋ values.
    ///
    /// - Parameters:
    ///   - audio: 16 kHz mono samples [P], any floating dtype (converted to float32).
    ///   - threshold: voicing threshold on the peak salience (the worker's 0.03 by default).
    ///   - chunking: how long audio is split into overlapping windows (one host copy in all).
    /// - Throws: ``ModelInputError`` for malformed or too-short audio.
    public func pitch(
        audio: Tensor, threshold: Float = RMVPEPitchDecoder.defaultThreshold, chunking: RMVPEChunking = .standard
    ) throws -> [Double] {
        let s = try salience(audio: audio, chunking: chunking)
        return RMVPEPitchDecoder.decode(salience: try s.toArray(Float.self), threshold: threshold)
    }

    /// Runs the network on each window of `frames` frames (the mel [1, 128, window] from `melWindow`)
    /// and joins the kept frames: salience [frames, 360] float32.
    private func chunked(frames: Int, chunking: RMVPEChunking, melWindow: (RMVPEChunking.Window) throws -> Tensor) throws -> Tensor {
        let windows = chunking.windows(total: frames)
        let parts = try windows.map { window in
            try network(melWindow(window)).narrow(dim: 0, start: window.keepOffset, length: window.keepLength)
        }
        return parts.count == 1 ? parts[0] : try Tensor.cat(parts, dim: 0)
    }

    private func validate(_ audio: Tensor) throws {
        guard audio.rank == 1, audio.dtype.isFloatingPoint else {
            throw ModelInputError.badInput(
                model: Self.name, what: "audio must be a 1-D floating-point tensor, got \(audio.dtype) \(audio.shape)")
        }
        guard audio.count >= Self.minimumSamples else {
            throw ModelInputError.audioTooShort(model: Self.name, samples: audio.count, minimum: Self.minimumSamples)
        }
    }

    /// mel [1, 128, N] → salience [N, 360] float32 (reference `mel2hidden` + E2E forward).
    private func network(_ mel: Tensor) throws -> Tensor {
        let frames = mel.size(2)
        let padded = (frames - 1) / Self.frameMultiple * Self.frameMultiple + Self.frameMultiple
        // C.2: constant zeros on the right of the time axis (zero in log-mel, not silence).
        let input = padded > frames ? try mel.pad([0, padded - frames]) : mel
        let image = try input.transposed(1, 2).unsqueeze(1)
        let features = try unet(image).conv2d(weight: cnn.weight, bias: cnn.bias, padding: (1, 1))
        // [1, C, T, 128] → [1, T, C·128] (feature index c·128 + bin).
        let sequence = try features.transposed(1, 2).reshape([1, padded, -1])
        let logits: Tensor
        switch head {
        case .recurrent(let gru, let layers, let weight, let bias):
            logits = try sequence.gru(parameters: gru, layers: layers, bidirectional: true, batchFirst: true)
                .linear(weight: weight, bias: bias)
        case .linear(let weight, let bias):
            logits = try sequence.linear(weight: weight, bias: bias)
        }
        let salience = try logits.sigmoid()
        return try salience.squeeze(0).narrow(dim: 0, start: 0, length: frames).to(dtype: .float32).contiguous()
    }
}
