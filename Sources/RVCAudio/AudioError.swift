/// Errors from decoding, probing, resampling and encoding sound files.
///
/// Every case names the file (a path, or the name given for in-memory data) and its description is
/// a sentence a user can act on.
public enum AudioError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file does not exist or cannot be read.
    case unreadable(file: String, reason: String)
    /// The content is not a sound file rvc-nano recognises.
    case notAudio(file: String)
    /// The content is a sound file in a codec or container rvc-nano does not decode.
    case unsupportedCodec(file: String, codec: String)
    /// The file holds no samples (zero frames, or zero bytes).
    case empty(file: String)
    /// The data is damaged: a bad header, a broken packet or a gap in the stream.
    case corrupt(file: String, detail: String)
    /// The decoded audio would exceed the configured limit (in seconds).
    case tooLong(file: String, seconds: Double, limitSeconds: Double)
    /// The header declares an implausible sample rate or channel count.
    case invalidStreamParameters(file: String, sampleRate: Int, channels: Int)
    /// An encoder cannot write this format at this sample rate or channel count.
    case unsupportedOutput(file: String, format: AudioFormat, detail: String)
    /// The encoder library failed while writing.
    case encodingFailed(file: String, detail: String)
    /// Samples, rates or settings passed by the caller are invalid.
    case invalidArgument(file: String, detail: String)
    /// Resampling failed (the polyphase `Resampler` has no such failure today; kept for callers).
    case resamplingFailed(file: String, detail: String)

    /// Formats and codecs rvc-nano decodes, for error messages.
    public static let supportedInputs =
        "WAV (PCM 8/16/24/32-bit, float), FLAC, Ogg Vorbis, Ogg Opus, MP3"

    /// The file (path or name) the error is about.
    public var file: String {
        switch self {
        case .unreadable(let file, _), .notAudio(let file), .unsupportedCodec(let file, _),
            .empty(let file), .corrupt(let file, _), .tooLong(let file, _, _),
            .invalidStreamParameters(let file, _, _), .unsupportedOutput(let file, _, _),
            .encodingFailed(let file, _), .invalidArgument(let file, _),
            .resamplingFailed(let file, _):
            return file
        }
    }

    public var description: String {
        switch self {
        case .unreadable(let file, let reason):
            return "\(file): cannot read the file (\(reason))."
        case .notAudio(let file):
            return "\(file): not a sound file. Supported: \(Self.supportedInputs)."
        case .unsupportedCodec(let file, let codec):
            return "\(file): \(codec) is not supported. Supported: \(Self.supportedInputs)."
        case .empty(let file):
            return "\(file): the audio is empty (no samples)."
        case .corrupt(let file, let detail):
            return "\(file): the audio data is damaged (\(detail))."
        case .tooLong(let file, let seconds, let limit):
            return "\(file): the audio is too long (\(Self.format(seconds)) s; the limit is "
                + "\(Self.format(limit)) s)."
        case .invalidStreamParameters(let file, let rate, let channels):
            return "\(file): implausible stream parameters (\(rate) Hz, \(channels) channels)."
        case .unsupportedOutput(let file, let format, let detail):
            return "\(file): cannot write \(format.rawValue): \(detail)."
        case .encodingFailed(let file, let detail):
            return "\(file): encoding failed (\(detail))."
        case .invalidArgument(let file, let detail):
            return "\(file): \(detail)."
        case .resamplingFailed(let file, let detail):
            return "\(file): resampling failed (\(detail))."
        }
    }

    private static func format(_ seconds: Double) -> String {
        String(Double(Int((seconds * 10).rounded())) / 10)
    }
}
