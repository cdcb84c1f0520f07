import Foundation

/// Decodes sound files to float32 samples at the file's own rate and channel count (or down-mixed
/// to mono while streaming).
///
/// Formats: WAV (PCM 8/16/24/32-bit, float), FLAC, Ogg Vorbis and MP3 through libsndfile; Ogg Opus
/// through libopusfile (always at 48 kHz). The format is detected from the content, never from the
/// name. Files are read in chunks: memory use is the output buffer plus one chunk.
public struct AudioDecoder: Sendable {
    /// Bounds that protect the process from absurd input.
    public struct Limits: Equatable, Sendable {
        /// Longest accepted audio, in seconds (default 3600: one hour).
        public var maxDuration: Double
        /// Highest accepted channel count (default 8).
        public var maxChannels: Int
        /// Highest accepted sample rate in Hz (default 384 000).
        public var maxSampleRate: Int

        public init(maxDuration: Double = 3_600, maxChannels: Int = 8, maxSampleRate: Int = 384_000) {
            self.maxDuration = maxDuration
            self.maxChannels = maxChannels
            self.maxSampleRate = maxSampleRate
        }
    }

    public var limits: Limits

    public init(limits: Limits = Limits()) {
        self.limits = limits
    }

    /// Decodes a file.
    /// - Parameter mono: down-mix to one channel while decoding, as `ffmpeg -ac 1` does (see
    ///   `AudioBuffer.mono()`).
    /// - Throws: `AudioError` naming the file: `unreadable`, `empty` (no bytes or no samples),
    ///   `notAudio`, `unsupportedCodec`, `corrupt` (damaged headers or data, truncated FLAC,
    ///   non-finite float samples), `tooLong`, `invalidStreamParameters`.
    public func decode(contentsOf url: URL, mono: Bool = false) throws -> AudioBuffer {
        try decode(.file(url), mono: mono)
    }

    /// Decodes encoded bytes in memory; `name` identifies them in errors. Same errors as
    /// `decode(contentsOf:mono:)`.
    public func decode(_ data: Data, name: String, mono: Bool = false) throws -> AudioBuffer {
        try decode(.memory(data, name: name), mono: mono)
    }

    private func decode(_ source: AudioSource, mono: Bool) throws -> AudioBuffer {
        let reader = try StreamReader(source, limits: limits)
        let info = reader.info
        let channels = info.channels
        let outChannels = mono ? 1 : channels
        let layout = Downmix.Layout(info, channelMap: reader.channelMap)
        let downmix = Downmix.terms(channels: channels, layout: layout)
        let maxFrames = Int(min(limits.maxDuration * Double(info.sampleRate), Double(Int32.max)))
        if info.frameCount > maxFrames {
            throw AudioError.tooLong(
                file: reader.name, seconds: info.duration, limitSeconds: limits.maxDuration)
        }

        var output: [Float] = []
        // A header's length may lie (damaged or hostile): reserve no more than the limit allows.
        output.reserveCapacity(min(info.frameCount, maxFrames) * outChannels)
        var chunk = [Float](repeating: 0, count: StreamReader.chunkFrames * channels)
        var total = 0
        while true {
            let frames = try chunk.withUnsafeMutableBufferPointer { buffer in
                guard let base = buffer.baseAddress else { return 0 }
                return try reader.read(into: base)
            }
            if frames == 0 { break }
            total += frames
            if total > maxFrames {
                throw AudioError.tooLong(
                    file: reader.name, seconds: Double(total) / Double(info.sampleRate),
                    limitSeconds: limits.maxDuration)
            }
            try chunk.withUnsafeBufferPointer { buffer in
                let samples = UnsafeBufferPointer(rebasing: buffer[0..<frames * channels])
                // Float data can carry NaN or infinity; passing it on would poison everything
                // downstream without a trace.
                for x in samples where !x.isFinite {
                    throw AudioError.corrupt(
                        file: reader.name, detail: "non-finite sample values (NaN or infinity)")
                }
                if outChannels == channels {
                    output.append(contentsOf: samples)
                } else {
                    let start = output.count
                    output.append(contentsOf: repeatElement(0, count: frames))
                    output.withUnsafeMutableBufferPointer { out in
                        Downmix.append(
                            samples, channels: channels, terms: downmix,
                            into: UnsafeMutableBufferPointer(rebasing: out[start..<start + frames]))
                    }
                }
            }
        }
        guard total > 0 else { throw AudioError.empty(file: reader.name) }
        if reader.frameCountIsExact, total < info.frameCount {
            throw AudioError.corrupt(
                file: reader.name,
                detail: "the stream ends after \(total) of \(info.frameCount) frames (truncated)")
        }
        return AudioBuffer(
            validated: output, sampleRate: info.sampleRate, channels: outChannels, channelLayout: layout)
    }
}
