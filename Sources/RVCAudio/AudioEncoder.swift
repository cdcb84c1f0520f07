import CSndFile
import Foundation

/// Encodes audio to Ogg Opus (libopusenc), 16-bit WAV, 16-bit FLAC or MP3 (libsndfile with LAME).
///
/// The default is Ogg Opus at 128 kb/s, 48 kHz. Input at another rate than the output rate is
/// resampled with `Resampler` (libswresample's default filter) first. WAV and FLAC store 16-bit
/// PCM: float input is converted with `AudioBuffer.int16Samples()` (round to nearest, clamp, no
/// dither), and 16-bit input at the output rate is written bit-exactly.
public struct AudioEncoder: Sendable {
    /// The container and codec to write.
    public var format: AudioFormat
    /// Output rate in Hz; nil keeps the input's rate when the format allows it (Ogg Opus is always
    /// 48 kHz; MP3 falls back to 48 kHz for rates MPEG does not define).
    public var sampleRate: Int?
    public var opus: OpusEncoderSettings
    /// MP3 constant bitrate in bits per second (default 192 000); LAME uses the nearest MPEG rate.
    public var mp3Bitrate: Int

    /// The software name written into files (OpusTags `ENCODER`, WAV/FLAC software field).
    public static let softwareName = "rvc-nano"

    public init(
        format: AudioFormat = .default, sampleRate: Int? = nil,
        opus: OpusEncoderSettings = OpusEncoderSettings(), mp3Bitrate: Int = 192_000
    ) {
        self.format = format
        self.sampleRate = sampleRate
        self.opus = opus
        self.mp3Bitrate = mp3Bitrate
    }

    /// The rate this encoder writes for input at `inputRate`.
    /// - Throws: `AudioError.unsupportedOutput` when `sampleRate` is set to a rate the format
    ///   cannot carry.
    public func outputSampleRate(forInputRate inputRate: Int, name: String = "encoded audio")
        throws -> Int
    {
        let allowed = format.supportedSampleRates
        if let sampleRate {
            guard sampleRate > 0, sampleRate <= 655_350, allowed?.contains(sampleRate) ?? true else {
                let list = allowed.map { $0.map(String.init).joined(separator: ", ") + " Hz" }
                throw AudioError.unsupportedOutput(
                    file: name, format: format,
                    detail: "\(sampleRate) Hz is not supported (use \(list ?? "1...655350 Hz"))")
            }
            return sampleRate
        }
        if let allowed, !allowed.contains(inputRate) { return 48_000 }
        return inputRate
    }

    /// Encodes a buffer; `name` identifies the output in errors.
    /// - Throws: `AudioError.empty` for a buffer without frames, `.unsupportedOutput` (rate or channel count), `.invalidArgument`
    ///   (settings, or a rate ratio beyond 256), `.encodingFailed` (library failure).
    public func encode(_ buffer: AudioBuffer, name: String = "encoded audio") throws -> Data {
        // An empty stream is never useful output (and libopusenc 0.2.1 aborts when drained empty).
        guard buffer.frameCount > 0 else { throw AudioError.empty(file: name) }
        let rate = try outputSampleRate(forInputRate: buffer.sampleRate, name: name)
        let audio = try resampleIfNeeded(buffer, to: rate, name: name)
        switch format {
        case .ogg:
            return try encodeOpus(audio, name: name)
        case .mp3:
            return try encodeMP3(audio, name: name)
        case .wav, .flac:
            return try encodePCM16(
                audio.int16Samples(), sampleRate: rate, channels: audio.channels, name: name)
        }
    }

    /// Encodes 16-bit samples (interleaved if `channels > 1`). For WAV and FLAC at the input rate
    /// the samples are stored unchanged, bit for bit; otherwise they are scaled by 1/32768 and
    /// encoded as float.
    /// - Throws: as `encode(_:name:)`, and `.invalidArgument` for a bad rate or channel count.
    public func encode(
        int16 samples: [Int16], sampleRate inputRate: Int, channels: Int = 1,
        name: String = "encoded audio"
    ) throws -> Data {
        guard inputRate > 0, channels > 0, samples.count % channels == 0 else {
            throw AudioError.invalidArgument(
                file: name,
                detail: "\(samples.count) samples at \(inputRate) Hz cannot form "
                    + "\(channels)-channel frames")
        }
        guard !samples.isEmpty else { throw AudioError.empty(file: name) }
        let rate = try outputSampleRate(forInputRate: inputRate, name: name)
        if (format == .wav || format == .flac) && rate == inputRate {
            return try encodePCM16(samples, sampleRate: rate, channels: channels, name: name)
        }
        let buffer = AudioBuffer(
            validated: samples.map { Float($0) / 32_768 }, sampleRate: inputRate, channels: channels)
        return try encode(buffer, name: name)
    }

    /// Encodes a buffer into a file, written atomically (a failure leaves no partial file).
    /// - Throws: as `encode(_:name:)`, and `.encodingFailed` when the file cannot be written.
    public func encode(_ buffer: AudioBuffer, to url: URL) throws {
        try write(encode(buffer, name: url.path), to: url)
    }

    /// Encodes 16-bit samples into a file, written atomically; see `encode(int16:sampleRate:...)`.
    public func encode(int16 samples: [Int16], sampleRate: Int, channels: Int = 1, to url: URL)
        throws
    {
        try write(
            encode(int16: samples, sampleRate: sampleRate, channels: channels, name: url.path),
            to: url)
    }

    // MARK: - Formats

    private func resampleIfNeeded(_ buffer: AudioBuffer, to rate: Int, name: String) throws
        -> AudioBuffer
    {
        guard buffer.sampleRate != rate else { return buffer }
        do {
            return try buffer.resampled(to: rate)
        } catch AudioError.invalidArgument(_, let detail) {
            throw AudioError.invalidArgument(file: name, detail: detail)
        }
    }

    private func encodeOpus(_ buffer: AudioBuffer, name: String) throws -> Data {
        let stream = MemoryStream()
        let encoder = try OpusEncoder(
            channels: buffer.channels, settings: opus, stream: stream, name: name)
        try buffer.samples.withUnsafeBufferPointer { try encoder.write($0) }
        try encoder.finish()
        return stream.bytes
    }

    private func encodeMP3(_ buffer: AudioBuffer, name: String) throws -> Data {
        guard (1...2).contains(buffer.channels) else {
            throw AudioError.unsupportedOutput(
                file: name, format: .mp3, detail: "MP3 takes 1 or 2 channels, not \(buffer.channels)")
        }
        guard (8_000...320_000).contains(mp3Bitrate) else {
            throw AudioError.invalidArgument(
                file: name, detail: "MP3 bitrate must be 8000...320000 b/s, not \(mp3Bitrate)")
        }
        let stream = MemoryStream()
        var info = SF_INFO()
        info.samplerate = Int32(buffer.sampleRate)
        info.channels = Int32(buffer.channels)
        info.format = Int32(SF_FORMAT_MPEG) | Int32(SF_FORMAT_MPEG_LAYER_III)
        let file = try SndFile.open(writing: stream, info: info, format: .mp3, name: name)
        file.command(Int32(SFC_SET_BITRATE_MODE), int: Int32(SF_BITRATE_MODE_CONSTANT))
        // libsndfile maps a compression level c in [0, 1] to bitrate = top − c·(top − bottom) kb/s
        // (mpeg_l3_encode.c), truncated; aim half a kb/s high so truncation lands on the request.
        let (top, bottom): (Double, Double) =
            buffer.sampleRate >= 32_000 ? (320, 32) : buffer.sampleRate >= 16_000 ? (160, 8) : (64, 8)
        let kbps = min(top, max(bottom, Double(mp3Bitrate) / 1000))
        let level = min(1, max(0, (top - kbps - 0.5) / (top - bottom)))
        guard file.command(Int32(SFC_SET_COMPRESSION_LEVEL), double: level) else {
            throw AudioError.encodingFailed(
                file: name, detail: file.errorMessage ?? "cannot set the MP3 bitrate")
        }
        // LAME takes float input unclipped: clamp to full scale as WAV/FLAC do.
        let clamped = buffer.samples.map { $0.isNaN ? 0 : min(1, max(-1, $0)) }
        try clamped.withUnsafeBufferPointer { try file.writeFloat($0) }
        try file.finish()
        return stream.bytes
    }

    private func encodePCM16(_ samples: [Int16], sampleRate: Int, channels: Int, name: String)
        throws -> Data
    {
        let stream = MemoryStream()
        var info = SF_INFO()
        info.samplerate = Int32(sampleRate)
        info.channels = Int32(channels)
        let major = format == .flac ? Int32(SF_FORMAT_FLAC) : Int32(SF_FORMAT_WAV)
        info.format = major | Int32(SF_FORMAT_PCM_16)
        let file = try SndFile.open(writing: stream, info: info, format: format, name: name)
        file.setString(Int32(SF_STR_SOFTWARE), Self.softwareName)
        try samples.withUnsafeBufferPointer { try file.writeInt16($0) }
        try file.finish()
        return stream.bytes
    }

    private func write(_ data: Data, to url: URL) throws {
        do {
            try data.write(to: url, options: .atomic)
        } catch {
            throw AudioError.encodingFailed(
                file: url.path, detail: "cannot write the file: \(error.localizedDescription)")
        }
    }
}
