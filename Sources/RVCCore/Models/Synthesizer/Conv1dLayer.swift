/// A 1-D convolution with resolved weights (weight-norm already applied), as `torch.nn.Conv1d`.
struct Conv1dLayer: Sendable {
    let weight: Tensor
    let bias: Tensor?
    let stride: Int
    let padding: Int
    let dilation: Int
    /// A form of the convolution that fuses an input activation and a residual, for long float32
    /// CPU sequences; shorter ones and other devices always use LibTorch's direct kernels.
    enum FusedForm: Sendable {
        /// Tiled im2col and matrix products (``Tensor/conv1dGEMM(weight:bias:padding:dilation:tile:inputLeakySlope:accumulatingInto:)``),
        /// for narrow layers that the direct kernels leave memory-bound.
        case matrix
        /// Overlap-save over `block`-point FFTs with the channels mixed per bin by matrix products
        /// (``Tensor/conv1dDFT(spectrum:bias:kernel:padding:dilation:block:tileBlocks:inputLeakySlope:accumulatingInto:)``), for the
        /// wide kernels; `spectrum` is the weight's, prepared at load, or nil where it is prepared
        /// at each call (the widest layers, whose spectra would hold too much memory to keep).
        case spectral(spectrum: Tensor?, block: Int)
    }

    /// Chosen at load from the shape and the CPU's vector width (``wideVectors``). Measured on the
    /// v2 48 kHz decoder shapes (15 s, 2 threads, AMD EPYC Zen 3 with AVX2):
    /// the matrix form: 32 channels k 3 0.19 → 0.10 s, 64 channels k 3 0.23 → 0.14 s, 128 channels
    /// k 3 0.23 → 0.18 s; the spectral form: 128 channels k 11 about 2× faster than direct, k 7
    /// 1.1–1.3×, 32 and 64 channels k 11 1.2–2×. Layers of more than 128 channels prepare their
    /// spectra at each call (26 MB for 256 channels and k 11, about 7 ms): 256 channels, 6 600
    /// samples, one thread, 2.1–2.9× faster than direct with the preparation included.
    /// Nil where LibTorch's (oneDNN's) direct convolution computes every sequence.
    let fusedForm: FusedForm?

    /// True where oneDNN's direct kernels use AVX-512 (measured on an AMD EPYC Zen 4, 2 threads,
    /// 20 s of input): there they beat the matrix form on the k 3 layers (synthesizer 20.6 → 18.6 s
    /// and 21.9 → 20.1 s in alternating runs), which it won by 1.3–1.9× with AVX2 (Zen 3).
    static let wideVectors = Torch.cpuCapability.hasPrefix("AVX512")

    /// Output positions per matrix product: the tile that measured fastest (1024) for every shape.
    static let matrixTile = 1024
    /// Shorter sequences stay on the direct path (the tiling does not pay for itself).
    static let matrixMinimumLength = 4 * matrixTile
    /// Blocks per product in the spectral form (64 measured fastest on 32–128 channels).
    static let spectralTileBlocks = 64
    /// The widest layers whose spectra are kept from load (3 · (N/2 + 1) · O · C floats: 77 MB for
    /// the 36 such layers of a v2 48 kHz decoder); wider ones prepare them at each call.
    static let keptSpectrumChannels = 128

    /// The spectral block for a kernel: the power of two at least 4·(k − 1), so that about three
    /// quarters of each block's outputs are valid (32 for k 7, 64 for k 11).
    static func spectralBlock(kernel: Int) -> Int {
        var block = 4
        while block < 4 * (kernel - 1) { block *= 2 }
        return block
    }

    /// Loads `prefix.weight` [out, in, k] (or the weight-normed pair) and `prefix.bias` [out].
    init(
        _ reader: SynthesizerWeightReader, _ prefix: String, out: Int, in inChannels: Int, kernel: Int,
        stride: Int = 1, padding: Int = 0, dilation: Int = 1, bias: Bool = true, weightNorm: Bool = false
    ) throws {
        let shape = [out, inChannels, kernel]
        weight = weightNorm
            ? try reader.weightNormed(prefix + ".", shape: shape)
            : try reader.tensor(prefix + ".weight", shape: shape)
        self.bias = bias ? try reader.tensor(prefix + ".bias", shape: [out]) : nil
        self.stride = stride
        self.padding = padding
        self.dilation = dilation
        let cpuFloat = stride == 1 && weight.dtype == .float32 && weight.device == .cpu
        if cpuFloat, kernel >= 7 {
            let block = Self.spectralBlock(kernel: kernel)
            let kept = inChannels <= Self.keptSpectrumChannels ? try weight.conv1dDFTSpectrum(block: block) : nil
            fusedForm = .spectral(spectrum: kept, block: block)
        } else if cpuFloat, !Self.wideVectors, inChannels <= 64 || kernel <= 3 {
            fusedForm = .matrix
        } else {
            fusedForm = nil
        }
    }

    func callAsFunction(_ x: Tensor) throws -> Tensor {
        try self(x, inputLeakySlope: nil, accumulatingInto: nil)
    }

    /// True when `x` runs through the matrix or spectral form, which fuse an input activation and
    /// a residual; LibTorch's kernels (other devices, short sequences, the direct form) do not.
    func fuses(_ x: Tensor) -> Bool {
        fusedForm(for: x) != nil
    }

    /// The fused form `x` runs through, or nil where LibTorch's kernels compute it.
    private func fusedForm(for x: Tensor) -> FusedForm? {
        guard let fusedForm else { return nil }
        let long = x.size(0) == 1 && x.size(2) >= Self.matrixMinimumLength && x.dtype == .float32 && x.device == .cpu
        return long ? fusedForm : nil
    }

    /// The convolution of `leakyRelu(x, slope)` (when `inputLeakySlope` is given), plus `residual`
    /// (when given) — the same values as those separate operations. The matrix and spectral forms
    /// fuse them: the activation is applied while the input is read, and the sum is written into
    /// `residual` itself, so neither the activated input nor the convolution's output is allocated.
    /// `residual` is therefore overwritten: pass only a tensor nothing else will read.
    func callAsFunction(_ x: Tensor, inputLeakySlope slope: Double?, accumulatingInto residual: Tensor?) throws -> Tensor {
        if let form = fusedForm(for: x),
           residual.map({ $0.isContiguous && $0.dtype == .float32 && $0.device == .cpu }) ?? true {
            switch form {
            case .matrix:
                return try x.conv1dGEMM(
                    weight: weight, bias: bias, padding: padding, dilation: dilation, tile: Self.matrixTile,
                    inputLeakySlope: slope, accumulatingInto: residual)
            case .spectral(let kept, let block):
                let spectrum = try kept ?? weight.conv1dDFTSpectrum(block: block)
                return try x.conv1dDFT(
                    spectrum: spectrum, bias: bias, kernel: weight.size(2), padding: padding, dilation: dilation,
                    block: block, tileBlocks: Self.spectralTileBlocks, inputLeakySlope: slope, accumulatingInto: residual)
            }
        }
        let input = try slope.map { try x.leakyRelu($0) } ?? x
        let y = try input.conv1d(weight: weight, bias: bias, stride: stride, padding: padding, dilation: dilation)
        guard let residual else { return y }
        try residual.addInPlace(y)
        return residual
    }
}
