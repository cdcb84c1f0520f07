/// The harmonic source of the NSF decoder (`SourceModuleHnNSF` with `SineGen`, harmonic_num 0):
/// frame-rate f0 in Hz → an excitation signal at the output rate (reference-inference.md D.5).
///
/// Everything up to the final Linear runs in float32 whatever the model dtype, with the reference's
/// operation order (the phase is a float32 running sum over up to millions of samples, so the order
/// of every op matters).
struct SineSource: Sendable {
    /// `l_linear` weight [1, 1] and bias [1], in the model dtype.
    let weight: Tensor
    let bias: Tensor
    let sampleRate: Int
    let upsampling: Int
    let dtype: DType

    /// SineGen constants (RVC `models.py`): sine amplitude, noise std in voiced frames, voicing threshold.
    static let sineAmplitude = 0.1
    static let noiseStd = 0.003
    static let voicedThreshold = 0.0

    init(_ reader: SynthesizerWeightReader, sampleRate: Int, upsampling: Int) throws {
        weight = try reader.tensor("dec.m_source.l_linear.weight", shape: [1, 1])
        bias = try reader.tensor("dec.m_source.l_linear.bias", shape: [1])
        self.sampleRate = sampleRate
        self.upsampling = upsampling
        dtype = reader.dtype
    }

    /// f0 [1, T] float32 Hz → excitation [1, 1, T·upp] in the model dtype.
    func callAsFunction(_ f0Frames: Tensor, noise: SynthesisNoise) throws -> Tensor {
        let f0 = try f0Frames.to(dtype: .float32).unsqueeze(-1)  // [1, T, 1]
        let upp = Double(upsampling)
        let rad = try (f0 / Double(sampleRate)).remainder(1)
        if case .random(let generator) = noise {
            // The reference draws `rand_ini` here and zeroes it (harmonic_num 0); drawn only to keep
            // the generator's stream in the reference's order.
            _ = try Tensor.rand([1, 1], device: f0.device, generator: generator)
        }
        let cumulative = try rad.cumsum(dim: 1) * upp
        var phaseUp = try cumulative.transposed(2, 1)
            .interpolate1d(mode: .linear, scaleFactor: upp, alignCorners: true).transposed(2, 1)
        let radUp = try rad.transposed(2, 1).interpolate1d(mode: .nearest, scaleFactor: upp).transposed(2, 1)
        phaseUp = try phaseUp.remainder(1)
        let samples = phaseUp.size(1)
        // A −1 wherever the interpolated phase wrapped, so the sum of increments stays in [0, 1).
        let wrapped = try (phaseUp.narrow(dim: 1, start: 1, length: samples - 1)
            - phaseUp.narrow(dim: 1, start: 0, length: samples - 1)).lt(0)
        let shift = try Tensor.cat(
            [Tensor.zeros([1, 1, 1], device: f0.device), wrapped.to(dtype: .float32) * -1.0], dim: 1)
        var sine = try ((radUp + shift).cumsum(dim: 1) * 2.0 * Double(Float.pi)).sin() * Self.sineAmplitude
        let uvFrames = try f0.gt(Self.voicedThreshold).to(dtype: .float32)
        let uv = try uvFrames.transposed(2, 1).interpolate1d(mode: .nearest, scaleFactor: upp).transposed(2, 1)
        sine = try sine * uv
        if case .random(let generator) = noise {
            let amplitude = try (uv * Self.noiseStd) + ((1.0 - uv) * Self.sineAmplitude / 3.0)
            let draw = try Tensor.randn(sine.shape, dtype: .float32, device: f0.device, generator: generator)
            sine = try sine + amplitude * draw
        }
        let harmonic = try sine.to(dtype: dtype).linear(weight: weight, bias: bias).tanh()
        return try harmonic.transposed(1, 2)
    }
}
