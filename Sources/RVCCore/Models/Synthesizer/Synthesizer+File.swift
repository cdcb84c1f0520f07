extension Synthesizer {
    /// Builds the synthesizer of a loaded voice model file (class chosen by its version and `f0`
    /// flag, sizes from its config and weights).
    /// - Parameters:
    ///   - file: the parsed `.pth`.
    ///   - dtype: `.float32` (the reference's fp32 mode: float16 weights widened at load) `.float16` or `.bfloat16`.
    ///   - device: where the weights live and the computation runs.
    /// - Throws: ``WeightError`` naming the first missing or mis-shaped key; ``TorchError``.
    public convenience init(file: VoiceModelFile, dtype: DType = .float32, device: Device = .cpu) throws {
        try self.init(
            weights: file.weights, config: file.config, version: file.version, hasPitch: file.hasPitch,
            dtype: dtype, device: device)
    }
}
