/// A decoder upsampling layer (`ConvTranspose1d(in, out, k, stride s, padding p)`), computed as
/// an ordinary convolution over its polyphase form when k is a multiple of s (every RVC config:
/// 24/12, 20/10, 16/8, 4/2).
///
/// Output sample n·s + r (before the padding crop) is Σₘ W[:, :, m·s + r]ᵀ x[n − m] for
/// m < k/s: s interleaved stride-1 convolutions with k/s taps. Stacking the s phases as output
/// channels gives one convolution with s·out channels, which LibTorch runs on its fast forward
/// path (the transposed path is slower on CPU: 2.3 s against 3.2 s for the four v2 48 kHz stages
/// on 22 s of audio, one thread), then a reshape interleaves the phases. The weights are
/// rearranged once at load; the products and sums are the same, only their order differs.
struct Upsampler: Sendable {
    /// [in, out, k] as stored, used when k is not a multiple of the stride.
    let weight: Tensor
    let bias: Tensor
    let stride: Int
    let padding: Int
    /// [s·out, in, k/s]: phase r, channel o at row r·out + o; taps reversed for correlation.
    let polyphase: Tensor?

    init(weight: Tensor, bias: Tensor, stride: Int, padding: Int) throws {
        self.weight = weight
        self.bias = bias
        self.stride = stride
        self.padding = padding
        let (inChannels, outChannels, kernel) = (weight.size(0), weight.size(1), weight.size(2))
        if kernel % stride == 0, stride > 1 {
            let taps = kernel / stride
            polyphase = try weight.reshape([inChannels, outChannels, taps, stride])
                .permute([3, 1, 0, 2]).flip([3]).reshape([stride * outChannels, inChannels, taps]).contiguous()
        } else {
            polyphase = nil
        }
    }

    /// x [N, in, T] → [N, out, (T − 1)·s − 2p + k].
    func callAsFunction(_ x: Tensor) throws -> Tensor {
        guard let polyphase else {
            return try x.convTranspose1d(weight: weight, bias: bias, stride: stride, padding: padding)
        }
        let (batch, frames) = (x.size(0), x.size(2))
        let outChannels = weight.size(1)
        let taps = polyphase.size(2)
        // [N, s·out, T + taps − 1]: phase r of output position q·s + r at q.
        let positions = frames + taps - 1
        let phases = try x.conv1d(weight: polyphase, padding: taps - 1).reshape([batch, stride, outChannels, positions])
        // The transposed convolution adds the bias to every output: added per phase before the
        // interleaving copy (same sums), so no third activation-sized tensor is made after it.
        try phases.addInPlace(bias.reshape([1, 1, outChannels, 1]))
        let interleaved = try phases.permute([0, 2, 3, 1]).contiguous().reshape([batch, outChannels, positions * stride])
        let length = (frames - 1) * stride - 2 * padding + weight.size(2)
        // A view: its users read it (activations, sums) or copy it (convolutions) anyway.
        return try interleaved.narrow(dim: 2, start: padding, length: length)
    }
}
