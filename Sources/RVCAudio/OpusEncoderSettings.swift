/// Settings for writing Ogg Opus (always 48 kHz).
public struct OpusEncoderSettings: Equatable, Sendable {
    /// How the encoder spends bits around the target.
    public enum BitrateMode: String, CaseIterable, Sendable {
        /// Unconstrained VBR (libopus's own default): spends freely where the encoder judges it
        /// useful; on synthetic speech it measured 60 % over a 128 kb/s target.
        case vbr
        /// Constrained VBR (rvc-nano's default): stays within a few percent of the target over
        /// short windows (measured 1–3 % over on speech and music-like signals).
        case constrainedVBR
        /// Constant bitrate: every packet the same size.
        case cbr
    }

    /// Hint about the material.
    public enum Signal: String, CaseIterable, Sendable {
        case auto
        case voice
        case music
    }

    /// Target bitrate in bits per second, 6 000...510 000 (default 128 000).
    public var bitrate: Int
    public var bitrateMode: BitrateMode
    /// Encoder complexity 0...10 (default 10, the best quality).
    public var complexity: Int
    public var signal: Signal

    /// The default: 128 kb/s constrained VBR, complexity 10, signal type detected by the encoder.
    public init(
        bitrate: Int = 128_000, bitrateMode: BitrateMode = .constrainedVBR, complexity: Int = 10,
        signal: Signal = .auto
    ) {
        self.bitrate = bitrate
        self.bitrateMode = bitrateMode
        self.complexity = complexity
        self.signal = signal
    }

    /// The allowed bitrate range (libopus's limits) in bits per second.
    public static let bitrateRange = 6_000...510_000
}
