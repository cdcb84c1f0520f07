/// Blends the loudness envelope of the input into the converted audio (reference-inference.md E.9,
/// `change_rms` in `pipeline.py`).
enum RMSEnvelopeMixer {
    /// `rms2 = torch.max(rms2, torch.zeros_like(rms2) + 1e-6)`: keeps silent output from dividing by 0.
    static let outputFloor = 1e-6

    /// librosa 0.9.1 `feature.rms(y, frame_length, hop_length, center=True, pad_mode="constant")`:
    /// one value per hop, each the root mean square of a zero-padded frame centred on it. Sums use
    /// NumPy's pairwise order over each contiguous frame, in `T` (float32 or float64).
    static func envelope<T: BinaryFloatingPoint>(_ y: [T], frameLength: Int, hop: Int) -> [T] {
        let pad = frameLength / 2
        var squares = [T](repeating: 0, count: y.count + 2 * pad)
        for i in y.indices { squares[pad + i] = y[i] * y[i] }
        let frames = 1 + (squares.count - frameLength) / hop
        let length = T(frameLength)
        var result = [T](repeating: 0, count: max(frames, 0))
        squares.withUnsafeBufferPointer { all in
            for j in 0..<frames {
                let frame = UnsafeBufferPointer(rebasing: all[(j * hop)..<(j * hop + frameLength)])
                result[j] = (PairwiseSum.sum(frame) / length).squareRoot()
            }
        }
        return result
    }

    /// Scales `output` (float32 at `outputRate`) in place by rms(input)^(1−rate) · rms(output)^(rate−1),
    /// both envelopes linearly interpolated to the output length with LibTorch (bit-level agreement).
    /// - Parameters:
    ///   - input: the high-passed, unpadded 16 kHz signal (float64).
    ///   - rate: the RMS mix rate in 0…1; 1 leaves the output unchanged.
    static func mix(input: [Double], output: inout [Float], outputRate: Int, rate: Double) throws {
        guard rate != 1, !output.isEmpty, !input.isEmpty else { return }
        let inputRate = PipelineConstants.analysisSampleRate
        let rms1 = envelope(input, frameLength: inputRate / 2 * 2, hop: inputRate / 2)
        let rms2 = envelope(output, frameLength: outputRate / 2 * 2, hop: outputRate / 2)
        let m = output.count
        let factor: [Double] = try Torch.inferenceMode {
            let e1 = try Tensor(rms1, shape: [1, 1, rms1.count]).interpolate1d(mode: .linear, size: m)
            var e2 = try Tensor(rms2, shape: [1, 1, rms2.count]).interpolate1d(mode: .linear, size: m)
            e2 = try e2.maximum(Tensor.zeros(e2.shape, dtype: .float32) + outputFloor)
            // The reference writes the exponents as `torch.tensor(1 - rate)`: float32 0-dim tensors.
            let p1 = try e1.pow(Tensor(scalar: Float(1 - rate)))
            let p2 = try e2.pow(Tensor(scalar: Float(rate - 1)))
            return try (p1 * p2).reshape([m]).toArray(Double.self)
        }
        for i in 0..<m { output[i] = Float(Double(output[i]) * factor[i]) }
    }
}
