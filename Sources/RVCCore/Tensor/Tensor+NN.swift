import CTorch

/// Padding modes of ``Tensor/pad(_:mode:value:)``.
public enum PadMode: Sendable {
    case constant, reflect, replicate

    var native: CTPadMode {
        switch self {
        case .constant: return CT_PAD_CONSTANT
        case .reflect: return CT_PAD_REFLECT
        case .replicate: return CT_PAD_REPLICATE
        }
    }
}

/// Interpolation modes of ``Tensor/interpolate1d(mode:size:scaleFactor:alignCorners:)``.
public enum InterpolationMode: Sendable {
    case nearest, linear
}

extension Tensor {
    // MARK: Linear algebra

    /// Matrix product with broadcasting (torch.matmul).
    public func matmul(_ other: Tensor) throws -> Tensor {
        try Tensor.make("matmul \(shape) × \(other.shape)") { ct_matmul(handle, other.handle, $0) }
    }

    /// Batched matrix product of [B, n, m] and [B, m, p].
    public func bmm(_ other: Tensor) throws -> Tensor {
        try Tensor.make("bmm \(shape) × \(other.shape)") { ct_bmm(handle, other.handle, $0) }
    }

    /// x·Wᵀ + b.
    public func linear(weight: Tensor, bias: Tensor?) throws -> Tensor {
        try Tensor.make("linear") { ct_linear(handle, weight.handle, bias?.handle, $0) }
    }

    /// softmax(q·kᵀ·scale + mask)·v with `self` as q; `scale` nil means 1/√(head dim).
    public func scaledDotProductAttention(key: Tensor, value: Tensor, mask: Tensor? = nil, scale: Double? = nil) throws -> Tensor {
        try Tensor.make("scaled_dot_product_attention") {
            ct_scaled_dot_product_attention(handle, key.handle, value.handle, mask?.handle, scale ?? 0, $0)
        }
    }

    // MARK: Convolutions

    /// 1-D convolution of [N, C, L].
    public func conv1d(weight: Tensor, bias: Tensor? = nil, stride: Int = 1, padding: Int = 0, dilation: Int = 1, groups: Int = 1) throws -> Tensor {
        try Tensor.make("conv1d input \(shape) weight \(weight.shape)") {
            ct_conv1d(handle, weight.handle, bias?.handle, Int64(stride), Int64(padding), Int64(dilation), Int64(groups), $0)
        }
    }

    /// Stride-1 1-D convolution of one float32 CPU sequence [1, C, T] computed as tiled im2col and
    /// matrix products of `tile` output positions: the same sums as
    /// ``conv1d(weight:bias:stride:padding:dilation:groups:)`` in another order (float rounding
    /// differs), faster for narrow channels over long sequences.
    ///
    /// Two neighbours can be fused, each giving exactly what the separate operation would:
    /// - `inputLeakySlope`: the input is read through `leakyRelu(_:)` with this slope.
    /// - `residual`: (convolution + bias) + residual is written into `residual` (a contiguous
    ///   float32 [1, O, T_out] that shares no memory with the input), which is returned; no new
    ///   output tensor is allocated.
    public func conv1dGEMM(
        weight: Tensor, bias: Tensor? = nil, padding: Int = 0, dilation: Int = 1, tile: Int = 4096,
        inputLeakySlope: Double? = nil, accumulatingInto residual: Tensor? = nil
    ) throws -> Tensor {
        try Tensor.make("conv1d (GEMM) input \(shape) weight \(weight.shape)") {
            ct_conv1d_gemm(
                handle, weight.handle, bias?.handle, residual?.handle, Int64(padding), Int64(dilation), Int64(tile),
                inputLeakySlope == nil ? 0 : 1, inputLeakySlope ?? 0, $0)
        }
    }

    /// The frequency-domain form of a float32 CPU conv1d weight [O, C, k] for
    /// ``conv1dDFT(spectrum:bias:kernel:padding:dilation:block:tileBlocks:)``: [3, block/2 + 1, O, C],
    /// the real part, imaginary part and their sum of the kernel's conjugate spectrum. `block` is a
    /// power of two from 8 to 1024, longer than the kernel.
    public func conv1dDFTSpectrum(block: Int) throws -> Tensor {
        try Tensor.make("conv1d (DFT) weight \(shape) block \(block)") {
            ct_conv1d_dft_prepare(handle, Int64(block), $0)
        }
    }

    /// Stride-1 1-D convolution of one float32 CPU sequence [1, C, T] by overlap-save over
    /// `block`-point FFTs, the channels mixed per frequency bin by matrix products (`tileBlocks`
    /// blocks per product): the same result as ``conv1d(weight:bias:stride:padding:dilation:groups:)``
    /// up to float rounding (about 1e-6 of the output's peak), with about 1.5C instead of k·C
    /// multiply-adds per output.
    /// `spectrum` comes from ``conv1dDFTSpectrum(block:)`` on the weight; `kernel` is its length.
    /// `inputLeakySlope` and `residual` fuse the neighbouring operations as in
    /// ``conv1dGEMM(weight:bias:padding:dilation:tile:inputLeakySlope:accumulatingInto:)``.
    public func conv1dDFT(
        spectrum: Tensor, bias: Tensor? = nil, kernel: Int, padding: Int = 0, dilation: Int = 1, block: Int,
        tileBlocks: Int = 64, inputLeakySlope: Double? = nil, accumulatingInto residual: Tensor? = nil
    ) throws -> Tensor {
        try Tensor.make("conv1d (DFT) input \(shape) spectrum \(spectrum.shape)") {
            ct_conv1d_dft(
                handle, spectrum.handle, bias?.handle, residual?.handle, Int64(kernel), Int64(padding), Int64(dilation),
                Int64(block), Int64(tileBlocks), inputLeakySlope == nil ? 0 : 1, inputLeakySlope ?? 0, $0)
        }
    }

    /// 2-D convolution of [N, C, H, W].
    public func conv2d(weight: Tensor, bias: Tensor? = nil, stride: (Int, Int) = (1, 1), padding: (Int, Int) = (0, 0), dilation: (Int, Int) = (1, 1), groups: Int = 1) throws -> Tensor {
        let s = [Int64(stride.0), Int64(stride.1)]
        let p = [Int64(padding.0), Int64(padding.1)]
        let d = [Int64(dilation.0), Int64(dilation.1)]
        return try Tensor.make("conv2d input \(shape) weight \(weight.shape)") {
            ct_conv2d(handle, weight.handle, bias?.handle, s, p, d, Int64(groups), $0)
        }
    }

    /// 1-D transposed convolution; the weight is [in, out/groups, k].
    public func convTranspose1d(weight: Tensor, bias: Tensor? = nil, stride: Int = 1, padding: Int = 0, outputPadding: Int = 0, groups: Int = 1, dilation: Int = 1) throws -> Tensor {
        try Tensor.make("conv_transpose1d input \(shape) weight \(weight.shape)") {
            ct_conv_transpose1d(handle, weight.handle, bias?.handle, Int64(stride), Int64(padding), Int64(outputPadding), Int64(groups), Int64(dilation), $0)
        }
    }

    /// 2-D transposed convolution; the weight is [in, out/groups, kh, kw].
    public func convTranspose2d(weight: Tensor, bias: Tensor? = nil, stride: (Int, Int) = (1, 1), padding: (Int, Int) = (0, 0), outputPadding: (Int, Int) = (0, 0), groups: Int = 1, dilation: (Int, Int) = (1, 1)) throws -> Tensor {
        let s = [Int64(stride.0), Int64(stride.1)]
        let p = [Int64(padding.0), Int64(padding.1)]
        let o = [Int64(outputPadding.0), Int64(outputPadding.1)]
        let d = [Int64(dilation.0), Int64(dilation.1)]
        return try Tensor.make("conv_transpose2d input \(shape) weight \(weight.shape)") {
            ct_conv_transpose2d(handle, weight.handle, bias?.handle, s, p, o, Int64(groups), d, $0)
        }
    }

    // MARK: Normalisation and lookup

    /// Layer norm over the trailing dimensions `normalizedShape`.
    public func layerNorm(normalizedShape: [Int], weight: Tensor?, bias: Tensor?, eps: Double = 1e-5) throws -> Tensor {
        let d = normalizedShape.map(Int64.init)
        return try Tensor.make("layer_norm") { out in
            d.withUnsafeBufferPointer {
                ct_layer_norm(handle, $0.baseAddress, Int32($0.count), weight?.handle, bias?.handle, eps, out)
            }
        }
    }

    /// Group norm of [N, C, ...] with `groups` groups.
    public func groupNorm(groups: Int, weight: Tensor?, bias: Tensor?, eps: Double = 1e-5) throws -> Tensor {
        try Tensor.make("group_norm") { ct_group_norm(handle, Int64(groups), weight?.handle, bias?.handle, eps, $0) }
    }

    /// GroupNorm with one group per channel (`groups == channels`), in place on this contiguous
    /// float32 CPU tensor [N, C, L]: the same result as ``groupNorm(groups:weight:bias:eps:)`` with
    /// moments accumulated in double, without a second tensor of the same size.
    public func channelNormInPlace(weight: Tensor, bias: Tensor, eps: Double = 1e-5) throws {
        try check("channel_norm_", ct_channel_norm_(handle, weight.handle, bias.handle, eps))
    }

    /// Inference batch norm with running statistics.
    public func batchNorm(weight: Tensor?, bias: Tensor?, runningMean: Tensor, runningVar: Tensor, eps: Double = 1e-5) throws -> Tensor {
        try Tensor.make("batch_norm") {
            ct_batch_norm(handle, weight?.handle, bias?.handle, runningMean.handle, runningVar.handle, eps, $0)
        }
    }

    /// Rows of this weight table chosen by the int64 `indices`.
    public func embedding(_ indices: Tensor) throws -> Tensor {
        try Tensor.make("embedding") { ct_embedding(handle, indices.handle, $0) }
    }

    // MARK: Resampling and framing

    /// torch.nn.functional.pad: `pads` = (last-dim left, last-dim right, next-to-last left, ...).
    public func pad(_ pads: [Int], mode: PadMode = .constant, value: Double = 0) throws -> Tensor {
        let p = pads.map(Int64.init)
        return try Tensor.make("pad(\(pads), \(mode))") { out in
            p.withUnsafeBufferPointer { ct_pad(handle, $0.baseAddress, Int32($0.count), mode.native, value, out) }
        }
    }

    /// Interpolates [N, C, L] along L to `size` points, or by `scaleFactor` as torch's
    /// `interpolate(scale_factor=...)` does (the scale is passed to the kernel).
    public func interpolate1d(mode: InterpolationMode, size: Int? = nil, scaleFactor: Double? = nil, alignCorners: Bool = false) throws -> Tensor {
        let m = mode == .nearest ? CT_NEAREST : CT_LINEAR
        return try Tensor.make("interpolate1d") {
            ct_interpolate1d(handle, m, Int64(size ?? 0), scaleFactor ?? 0, alignCorners, $0)
        }
    }

    /// 2-D average pooling of [N, C, H, W].
    public func avgPool2d(kernel: (Int, Int), stride: (Int, Int), padding: (Int, Int) = (0, 0)) throws -> Tensor {
        let k = [Int64(kernel.0), Int64(kernel.1)]
        let s = [Int64(stride.0), Int64(stride.1)]
        let p = [Int64(padding.0), Int64(padding.1)]
        return try Tensor.make("avg_pool2d") { ct_avg_pool2d(handle, k, s, p, $0) }
    }

    /// Complex one-sided STFT of [B, L] → [B, nFFT/2+1, frames].
    public func stft(nFFT: Int, hop: Int, windowLength: Int, window: Tensor?, center: Bool = true, padMode: PadMode = .reflect) throws -> Tensor {
        try Tensor.make("stft") {
            ct_stft(handle, Int64(nFFT), Int64(hop), Int64(windowLength), window?.handle, center, padMode.native, $0)
        }
    }

    /// A GRU with zero initial state over this [B, T, F] (batch-first) or [T, B, F] input.
    /// `parameters` holds w_ih, w_hh, b_ih, b_hh per layer and direction (forward first).
    public func gru(parameters: [Tensor], layers: Int, bidirectional: Bool, batchFirst: Bool = true) throws -> Tensor {
        let handles: [OpaquePointer?] = parameters.map { $0.handle }
        return try withExtendedLifetime(parameters) {
            try Tensor.make("gru") { out in
                handles.withUnsafeBufferPointer {
                    ct_gru(handle, $0.baseAddress, Int32($0.count), Int64(layers), bidirectional, batchFirst, out)
                }
            }
        }
    }

    /// torch._weight_norm(v, g, dim): v·(g/‖v‖), the norm over every dimension but `dim`.
    public static func weightNorm(v: Tensor, g: Tensor, dim: Int) throws -> Tensor {
        try make("weight_norm") { ct_weight_norm(v.handle, g.handle, Int64(dim), $0) }
    }
}
