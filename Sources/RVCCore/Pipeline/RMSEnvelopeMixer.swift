import Foundation

/// Blends the loudness envelope of the input into the converted audio (reference-inference.md E.9,
/// `change_rms` in `pipeline.py`).
enum RMSEnvelopeMixer {
    /// `rms2 = torch.max(rms2, torch.zeros_like(rms2) + 1e-6)`: keeps silent output from dividing by 0.
    static let outputFloor = 1e-6

    /// librosa 0.9.1 `feature.rms(y, frame_length, hop_length, center=True, pad_mode="constant")`:
    /// one value per hop, each the root mean square of a zero-padded frame centred on it. Sums use
    /// NumPy's pairwise order over each contiguous frame, in `T` (float32 or float64). Each frame's
    /// squares are formed in a scratch buffer of one frame, not in a padded copy of all of `y`.
    static func envelope<T: BinaryFloatingPoint>(_ y: [T], frameLength: Int, hop: Int) -> [T] {
        let pad = frameLength / 2
        let frames = 1 + (y.count + 2 * pad - frameLength) / hop
        let length = T(frameLength)
        var result = [T](repeating: 0, count: max(frames, 0))
        var squares = [T](repeating: 0, count: frameLength)
        for j in 0..<max(frames, 0) {
            // Frame j covers padded positions j·hop ..< j·hop + frameLength, i.e. y[j·hop − pad ...].
            let first = j * hop - pad
            for k in 0..<frameLength {
                let i = first + k
                squares[k] = i >= 0 && i < y.count ? y[i] * y[i] : 0
            }
            result[j] = (squares.withUnsafeBufferPointer { PairwiseSum.sum($0) } / length).squareRoot()
        }
        return result
    }

    /// Scales `output` (float32 at `outputRate`) in place by rms(input)^(1−rate) · rms(output)^(rate−1),
    /// both envelopes linearly interpolated to the output length as LibTorch's `interpolate(mode:
    /// "linear")` does (``LinearResize``), one sample at a time: no output-length temporaries (a
    /// 600 s output needed six of them, about 1.2 GB, when the envelopes went through tensors).
    /// - Parameters:
    ///   - input: the high-passed, unpadded 16 kHz signal (float64).
    ///   - rate: the RMS mix rate in 0…1; 1 leaves the output unchanged.
    static func mix(input: [Double], output: inout [Float], outputRate: Int, rate: Double) {
        guard rate != 1, !output.isEmpty, !input.isEmpty else { return }
        let inputRate = PipelineConstants.analysisSampleRate
        let rms1 = envelope(input, frameLength: inputRate / 2 * 2, hop: inputRate / 2)
        let rms2 = envelope(output, frameLength: outputRate / 2 * 2, hop: outputRate / 2)
        let m = output.count
        let e1 = LinearResize<Double>(from: rms1.count, to: m)
        let e2 = LinearResize<Float>(from: rms2.count, to: m)
        // The reference's dtypes: rms1 float64, rms2 float32, each raised to a float32 0-dim tensor
        // (`torch.tensor(1 - rate)`), the product in float64, multiplied into the float32 output.
        let exponent1 = Double(Float(1 - rate))
        let exponent2 = Float(rate - 1)
        let floor = Float(outputFloor)
        for i in 0..<m {
            let p1 = Foundation.pow(e1.value(at: i, in: rms1), exponent1)
            let p2 = Foundation.pow(Swift.max(e2.value(at: i, in: rms2), floor), exponent2)
            output[i] = Float(Double(output[i]) * (p1 * Double(p2)))
        }
    }
}
