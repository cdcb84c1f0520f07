import Foundation

/// Reads a sound file's headers: format, codec, rate, channels, length and size, without
/// decoding the audio (Ogg length comes from the last page's granule position).
public enum AudioProbe {
    /// Probes a file.
    /// - Throws: `AudioError` naming the file (`unreadable`, `empty`, `notAudio`,
    ///   `unsupportedCodec`, `corrupt`, `invalidStreamParameters`).
    public static func probe(
        contentsOf url: URL, limits: AudioDecoder.Limits = AudioDecoder.Limits()
    ) throws -> AudioInfo {
        try StreamReader(.file(url), limits: limits).info
    }

    /// Probes encoded bytes in memory; `name` identifies them in errors.
    public static func probe(
        _ data: Data, name: String, limits: AudioDecoder.Limits = AudioDecoder.Limits()
    ) throws -> AudioInfo {
        try StreamReader(.memory(data, name: name), limits: limits).info
    }
}
