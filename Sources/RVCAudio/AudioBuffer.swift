/// Decoded audio: interleaved float32 samples with their sample rate and channel count.
///
/// Samples are nominally in [-1, 1] (full scale), frame-interleaved: `[L0, R0, L1, R1, ...]`.
public struct AudioBuffer: Equatable, Sendable {
    /// Interleaved samples; `samples.count == frameCount * channels`.
    public private(set) var samples: [Float]
    /// Frames per second (Hz), > 0.
    public let sampleRate: Int
    /// Samples per frame, ≥ 1.
    public let channels: Int
    /// Where the channels sit, which sets their weights in `mono()` (set by the decoder for more
    /// than two channels; one or two need none).
    var channelLayout: Downmix.Layout = .standard

    /// Wraps interleaved samples.
    /// - Throws: `AudioError.invalidArgument` when `sampleRate` or `channels` is not positive or
    ///   the sample count is not a multiple of `channels`.
    public init(samples: [Float], sampleRate: Int, channels: Int = 1) throws {
        guard sampleRate > 0, channels > 0, samples.count % channels == 0 else {
            throw AudioError.invalidArgument(
                file: "audio buffer",
                detail: "\(samples.count) samples at \(sampleRate) Hz cannot form "
                    + "\(channels)-channel frames")
        }
        self.samples = samples
        self.sampleRate = sampleRate
        self.channels = channels
    }

    /// Mono samples from 16-bit integers, scaled by 1/32768 (the inverse of `int16Samples()`).
    public init(int16 samples: [Int16], sampleRate: Int) throws {
        try self.init(samples: samples.map { Float($0) / 32_768 }, sampleRate: sampleRate)
    }

    /// Already validated by the caller (decoders, resampler).
    init(
        validated samples: [Float], sampleRate: Int, channels: Int,
        channelLayout: Downmix.Layout = .standard
    ) {
        self.samples = samples
        self.sampleRate = sampleRate
        self.channels = channels
        self.channelLayout = channels > 2 ? channelLayout : .standard
    }

    /// Number of frames (samples per channel).
    public var frameCount: Int { samples.count / channels }

    /// Length in seconds.
    public var duration: Double { Double(frameCount) / Double(sampleRate) }

    /// The buffer down-mixed to one channel as `ffmpeg -ac 1` does it (float output): stereo is
    /// `L·√½ + R·√½`, 3 dB louder than the mean; wider layouts weight front left and right √½,
    /// centre 1, surrounds ½ and drop the LFE (see `Downmix`). A mono buffer is returned unchanged.
    public func mono() -> AudioBuffer {
        guard channels > 1 else { return self }
        return AudioBuffer(
            validated: Downmix.mix(samples, channels: channels, layout: channelLayout),
            sampleRate: sampleRate, channels: 1)
    }

    /// The samples of one channel (0-based), de-interleaved.
    public func channel(_ index: Int) -> [Float] {
        guard index >= 0, index < channels else { return [] }
        if channels == 1 { return samples }
        return stride(from: index, to: samples.count, by: channels).map { samples[$0] }
    }

    /// The buffer resampled to `rate` Hz as `ffmpeg -ar` resamples (see `Resampler` for the
    /// filter, the output length and the alignment). Returns `self` when the rate already matches.
    /// - Throws: `AudioError.invalidArgument` for a ratio beyond 256.
    public func resampled(to rate: Int) throws -> AudioBuffer {
        guard rate != sampleRate else { return self }
        let resampler = try Resampler(from: sampleRate, to: rate, channels: channels)
        return AudioBuffer(
            validated: try resampler.process(samples), sampleRate: rate, channels: channels,
            channelLayout: channelLayout)
    }

    /// The samples as 16-bit integers: `x · 32768` rounded to nearest and clamped to
    /// [-32768, 32767], so 16-bit PCM decoded by `AudioDecoder` converts back bit-exactly. No dither.
    public func int16Samples() -> [Int16] {
        Int16Conversion.fromFloat(samples)
    }
}

/// Float ↔ 16-bit conversion shared by the encoders.
enum Int16Conversion {
    static func fromFloat(_ samples: [Float]) -> [Int16] {
        samples.map { x in
            let scaled = (x * 32_768).rounded()
            if scaled.isNaN { return 0 }
            return Int16(max(-32_768, min(32_767, scaled)))
        }
    }
}
