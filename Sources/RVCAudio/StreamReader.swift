import CSndFile
import Foundation

/// An opened, validated sound stream: the backend chosen from the content, its parameters, and
/// chunked reads of interleaved float samples. Shared by `AudioDecoder` and `AudioProbe`.
final class StreamReader {
    private enum Backend {
        case sndfile(SndFile)
        case opus(OpusFile)
    }

    private let backend: Backend
    let name: String
    let info: AudioInfo
    /// True when the header's frame count is exact (a shorter stream means truncation).
    let frameCountIsExact: Bool
    /// Each channel's speaker position (`SF_CHANNEL_MAP_*`) when the file states them (a WAV
    /// channel mask); nil otherwise.
    let channelMap: [Int32]?

    /// Opens `source`: checks its size, detects the container from its bytes and opens the
    /// matching library.
    /// - Throws: `AudioError` (`unreadable`, `empty`, `notAudio`, `unsupportedCodec`, `corrupt`,
    ///   `invalidStreamParameters`).
    init(_ source: AudioSource, limits: AudioDecoder.Limits) throws {
        name = source.name
        let fileSize = try source.size()
        guard fileSize > 0 else { throw AudioError.empty(file: name) }
        let detected = try source.detect()
        let format: AudioFormat
        switch detected {
        case .notAudio: throw AudioError.notAudio(file: name)
        case .unsupported(let codec): throw AudioError.unsupportedCodec(file: name, codec: codec)
        case .wav: format = .wav
        case .flac: format = .flac
        case .oggVorbis, .oggOpus: format = .ogg
        case .mp3: format = .mp3
        }

        if detected.usesOpusFile {
            let file = try OpusFile.open(source)
            backend = .opus(file)
            info = AudioInfo(
                format: format, codec: .opus, sampleRate: OpusFile.sampleRate,
                channels: file.channels, frameCount: file.totalFrames ?? 0, fileSize: fileSize)
            frameCountIsExact = false
            channelMap = nil
        } else {
            let file = try SndFile.open(reading: source)
            let major = Int(file.info.format) & Int(SF_FORMAT_TYPEMASK)
            let expected: [Int] =
                switch detected {
                case .wav: [Int(SF_FORMAT_WAV), Int(SF_FORMAT_WAVEX), Int(SF_FORMAT_RF64)]
                case .flac: [Int(SF_FORMAT_FLAC)]
                case .oggVorbis: [Int(SF_FORMAT_OGG)]
                default: [Int(SF_FORMAT_MPEG)]
                }
            // libsndfile detects on its own; disagreeing with the sniffer means odd content.
            guard expected.contains(major) else {
                throw AudioError.corrupt(
                    file: name, detail: "the content does not match its \(format.rawValue) header")
            }
            backend = .sndfile(file)
            info = AudioInfo(
                format: format, codec: AudioCodec(sndfileFormat: file.info.format),
                sampleRate: Int(file.info.samplerate), channels: Int(file.info.channels),
                frameCount: max(0, Int(file.info.frames)), fileSize: fileSize)
            frameCountIsExact = detected == .flac || detected == .wav
            channelMap = file.channelMap()
        }
        guard info.sampleRate >= 1, info.sampleRate <= limits.maxSampleRate, info.channels >= 1,
            info.channels <= limits.maxChannels
        else {
            throw AudioError.invalidStreamParameters(
                file: name, sampleRate: info.sampleRate, channels: info.channels)
        }
    }

    /// Frames per read: 120 ms at 48 kHz, the longest Opus packet, so opusfile never returns
    /// a partial packet into a too-small buffer.
    static let chunkFrames = 5_760

    /// Reads up to `chunkFrames` frames into `buffer` (capacity `chunkFrames · channels`);
    /// returns the frames read, 0 at the end.
    /// - Throws: `AudioError.corrupt` when the library reports damage.
    func read(into buffer: UnsafeMutablePointer<Float>) throws -> Int {
        switch backend {
        case .opus(let file):
            return try file.readFloat(into: buffer, capacity: Self.chunkFrames * info.channels)
        case .sndfile(let file):
            let frames = file.readFloat(into: buffer, frames: Self.chunkFrames)
            if frames == 0, let message = file.errorMessage {
                throw AudioError.corrupt(file: name, detail: message)
            }
            return frames
        }
    }
}
