/// LibTorch's linear resize of a 1-D signal (`interpolate(mode="linear", align_corners=False)`,
/// CPU kernel), one output sample at a time, computed in `T` as LibTorch's `opmath` type is for
/// float32 and float64: source position scale · (i + ½) − ½ (at least 0), the sample below it
/// (found in float32, as LibTorch does) and the next (the last repeats), weighted by the distance.
///
/// The operations are those of the LibTorch CPU build this project links, fused multiply-adds
/// included, so every sample equals the tensor kernel's bit for bit (tested up to 28.8 M outputs).
/// PyTorch builds compiled without FMA (the CUDA wheels' CPU kernels) differ by one rounding step,
/// or, past 2^24 float32 outputs where positions are coarser than a sample, by up to 1.5e-5 of
/// the value: far below what the RMS mix's factor can make audible.
struct LinearResize<T: BinaryFloatingPoint> {
    let inputCount: Int
    let outputCount: Int
    private let scale: T

    init(from inputCount: Int, to outputCount: Int) {
        self.inputCount = inputCount
        self.outputCount = outputCount
        scale = T(inputCount) / T(outputCount)
    }

    /// Output sample `i` of resizing `signal` (which has ``inputCount`` samples).
    func value(at i: Int, in signal: [T]) -> T {
        guard inputCount != outputCount else { return signal[i] }
        let source = Swift.max(T(-0.5).addingProduct(scale, T(i) + T(0.5)), 0)
        // LibTorch floors with `floorf`, i.e. after rounding the position to float32.
        let lower = Swift.min(Int(Float(source).rounded(.down)), inputCount - 1)
        let weight = Swift.min(Swift.max(source - T(lower), 0), 1)
        let upper = lower + (lower < inputCount - 1 ? 1 : 0)
        return (signal[upper] * weight).addingProduct(signal[lower], 1 - weight)
    }
}
