/// RMVPE's log-mel front end (reference-inference.md C.1), always evaluated in float32: STFT
/// (n_fft 1024, hop 160, periodic Hann, centre reflect padding), magnitude, the librosa HTK/Slaney
/// filterbank (128 bands, 30–8000 Hz), then log(clamp(mel, 1e-5)).
struct RMVPEMelSpectrogram: Sendable {
    /// `torch.hann_window(1024)` on the device, made once.
    let window: Tensor
    /// The [128, 513] filterbank on the device, made once.
    let filterbank: Tensor

    /// rmvpe.py constants: 16 kHz input, WINDOW_LENGTH 1024, HOP_LENGTH 160, N_MELS 128,
    /// MEL_FMIN 30, MEL_FMAX 8000, clamp 1e-5.
    static let sampleRate = 16_000.0
    static let fftSize = 1024
    static let hop = 160
    static let bands = 128
    static let fMin = 30.0
    static let fMax = 8000.0
    static let clampMin = 1e-5

    init(device: Device) throws {
        window = try Tensor.hannWindow(Self.fftSize, dtype: .float32, device: device)
        let weights = MelFilterbank.htkSlaney(
            sampleRate: Self.sampleRate, nFFT: Self.fftSize, bands: Self.bands, fMin: Self.fMin, fMax: Self.fMax)
        filterbank = try Tensor(weights, shape: [Self.bands, Self.fftSize / 2 + 1]).to(device: device)
    }

    /// Frames for `samples` samples: 1 + ⌊samples/160⌋.
    static func frameCount(samples: Int) -> Int { 1 + samples / hop }

    /// [P] float32 audio → log-mel [1, 128, 1 + ⌊P/160⌋] in `dtype` (the mel is cast before the log,
    /// as the reference does in half precision).
    func callAsFunction(_ audio: Tensor, dtype: DType) throws -> Tensor {
        let spectrum = try audio.unsqueeze(0)
            .stft(nFFT: Self.fftSize, hop: Self.hop, windowLength: Self.fftSize, window: window, center: true, padMode: .reflect)
        return try logMel(spectrum, dtype: dtype)
    }

    /// [P] float32 audio → [1, P + 1024]: the centre reflect padding the STFT applies, done once so
    /// that windows of frames can be cut from it (``frames(ofPadded:start:count:dtype:)``).
    func reflectPadded(_ audio: Tensor) throws -> Tensor {
        try audio.unsqueeze(0).pad([Self.fftSize / 2, Self.fftSize / 2], mode: .reflect)
    }

    /// Frames `start ..< start + count` of the log-mel of the audio padded by ``reflectPadded(_:)``:
    /// [1, 128, count] in `dtype`, the same values as the whole-file spectrogram's frames (frame t
    /// reads padded samples 160·t ..< 160·t + 1024).
    func frames(ofPadded padded: Tensor, start: Int, count: Int, dtype: DType) throws -> Tensor {
        let samples = try padded.narrow(dim: 1, start: start * Self.hop, length: (count - 1) * Self.hop + Self.fftSize)
        let spectrum = try samples.stft(
            nFFT: Self.fftSize, hop: Self.hop, windowLength: Self.fftSize, window: window, center: false)
        return try logMel(spectrum, dtype: dtype)
    }

    /// Complex spectrum [1, 513, N] → log-mel [1, 128, N] in `dtype`.
    private func logMel(_ complex: Tensor, dtype: DType) throws -> Tensor {
        let spectrum = try complex.viewAsReal()
        let real = try spectrum.narrow(dim: 3, start: 0, length: 1).squeeze(3)
        let imaginary = try spectrum.narrow(dim: 3, start: 1, length: 1).squeeze(3)
        let magnitude = try (real.pow(2) + imaginary.pow(2)).sqrt()
        let mel = try filterbank.matmul(magnitude).to(dtype: dtype)
        return try mel.clamp(min: Self.clampMin).log()
    }
}
