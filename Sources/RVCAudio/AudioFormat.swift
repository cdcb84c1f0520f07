import Foundation

/// An output container rvc-nano writes (and, as a family, reads).
///
/// `ogg` means Ogg Opus when writing (RFC 7845); decoding accepts Ogg Opus and Ogg Vorbis.
public enum AudioFormat: String, CaseIterable, Codable, Sendable {
    case ogg
    case wav
    case flac
    case mp3

    /// The default output format: Ogg Opus.
    public static let `default`: AudioFormat = .ogg

    /// Matches a file extension without its dot, case-insensitively ("ogg", "opus", "oga", "wav",
    /// "wave", "flac", "mp3"); nil for anything else.
    public init?(fileExtension: String) {
        switch fileExtension.lowercased() {
        case "ogg", "opus", "oga": self = .ogg
        case "wav", "wave": self = .wav
        case "flac": self = .flac
        case "mp3": self = .mp3
        default: return nil
        }
    }

    /// Matches a MIME type, ignoring case and parameters (`audio/ogg; codecs=opus`); nil for
    /// anything else. Accepts the common aliases (`audio/x-wav`, `audio/x-flac`, `audio/mp3`, ...).
    public init?(mimeType: String) {
        let essence = mimeType.split(separator: ";", maxSplits: 1).first ?? ""
        switch essence.trimmingCharacters(in: .whitespaces).lowercased() {
        case "audio/ogg", "audio/opus", "application/ogg", "audio/x-ogg": self = .ogg
        case "audio/wav", "audio/x-wav", "audio/wave", "audio/vnd.wave": self = .wav
        case "audio/flac", "audio/x-flac": self = .flac
        case "audio/mpeg", "audio/mp3", "audio/x-mp3", "audio/mpeg3": self = .mp3
        default: return nil
        }
    }

    /// Matches the extension of a file URL or path ("out.ogg" → `.ogg`); nil if unknown.
    public init?(url: URL) {
        self.init(fileExtension: url.pathExtension)
    }

    /// The canonical MIME type: `audio/ogg`, `audio/wav`, `audio/flac` or `audio/mpeg`.
    public var mimeType: String {
        switch self {
        case .ogg: return "audio/ogg"
        case .wav: return "audio/wav"
        case .flac: return "audio/flac"
        case .mp3: return "audio/mpeg"
        }
    }

    /// The canonical file extension without its dot: `ogg`, `wav`, `flac` or `mp3`.
    public var fileExtension: String { rawValue }

    /// Output sample rates the format can carry; nil when any rate from 1 Hz to 655 350 Hz works.
    /// Ogg Opus is always written at 48 kHz (the encoder resamples); MP3 allows the MPEG rates.
    public var supportedSampleRates: [Int]? {
        switch self {
        case .ogg: return [48_000]
        case .mp3: return [8_000, 11_025, 12_000, 16_000, 22_050, 24_000, 32_000, 44_100, 48_000]
        case .wav: return nil
        case .flac: return nil
        }
    }
}
