import COpus
import Foundation

/// Owns one opusfile decoder (`OggOpusFile*`) and frees it in `deinit`.
///
/// Always decodes at 48 kHz (Opus's native rate), applying the header's output gain.
final class OpusFile {
    private let handle: OpaquePointer
    /// Kept alive for the callbacks of an in-memory decoder.
    private let stream: MemoryStream?
    let name: String

    /// Opusfile's decoding rate.
    static let sampleRate = 48_000

    private init(handle: OpaquePointer, stream: MemoryStream?, name: String) {
        self.handle = handle
        self.stream = stream
        self.name = name
    }

    deinit {
        op_free(handle)
    }

    /// Opens `source`, reading its headers (and, for seekable input, its length).
    /// - Throws: `AudioError.corrupt` naming opusfile's failure.
    static func open(_ source: AudioSource) throws -> OpusFile {
        var error: Int32 = 0
        let stream: MemoryStream?
        let handle: OpaquePointer?
        switch source {
        case .file(let url):
            stream = nil
            handle = op_open_file(url.path, &error)
        case .memory(let data, _):
            let memory = MemoryStream(reading: data)
            stream = memory
            var callbacks = OpusFileCallbacks(
                read: { user, pointer, count in
                    guard let pointer, let stream = MemoryStream.from(user), count > 0 else {
                        return 0
                    }
                    return Int32(stream.read(into: pointer, count: Int(count)))
                },
                seek: { user, offset, whence in
                    (MemoryStream.from(user)?.seek(offset, whence: whence) ?? -1) < 0 ? -1 : 0
                },
                tell: { user in
                    Int64(MemoryStream.from(user)?.position ?? -1)
                },
                close: nil)
            handle = op_open_callbacks(memory.opaque, &callbacks, nil, 0, &error)
        }
        guard let handle else {
            throw AudioError.corrupt(file: source.name, detail: describe(error))
        }
        return OpusFile(handle: handle, stream: stream, name: source.name)
    }

    /// Channels of the first link.
    var channels: Int { Int(op_channel_count(handle, 0)) }

    /// Total decoded length in 48 kHz frames (after pre-skip), or nil if unknown.
    var totalFrames: Int? {
        let total = op_pcm_total(handle, -1)
        return total >= 0 ? Int(total) : nil
    }

    /// The sample rate of the encoder's input, from the first link's header (informational).
    var inputSampleRate: Int {
        guard let head = op_head(handle, 0) else { return 0 }
        return Int(head.pointee.input_sample_rate)
    }

    /// Average bitrate of the whole stream in bits per second, or nil if unknown.
    var bitrate: Int? {
        let rate = op_bitrate(handle, -1)
        return rate > 0 ? Int(rate) : nil
    }

    /// Decodes interleaved float samples (at most `capacity` samples in all); returns the frames
    /// decoded, 0 at the end.
    /// - Throws: `AudioError.corrupt` on a hole, a bad packet, or a link whose channel count differs
    ///   from the first link's.
    func readFloat(into buffer: UnsafeMutablePointer<Float>, capacity: Int) throws -> Int {
        var link: Int32 = 0
        let result = op_read_float(handle, buffer, Int32(capacity), &link)
        guard result >= 0 else {
            throw AudioError.corrupt(file: name, detail: Self.describe(result))
        }
        if result > 0, Int(op_channel_count(handle, link)) != channels {
            throw AudioError.corrupt(
                file: name, detail: "chained Ogg Opus streams with different channel counts")
        }
        return Int(result)
    }

    static func describe(_ code: Int32) -> String {
        switch code {
        case OP_HOLE: return "a gap in the Ogg Opus stream (missing or damaged pages)"
        case OP_EREAD: return "a read failed"
        case OP_EFAULT: return "opusfile ran out of memory or hit an internal error"
        case OP_EIMPL: return "a feature of this Ogg Opus stream is not implemented"
        case OP_EINVAL: return "invalid Ogg Opus stream"
        case OP_ENOTFORMAT: return "no Ogg Opus stream found"
        case OP_EBADHEADER: return "a damaged Opus header"
        case OP_EVERSION: return "an unknown Opus header version"
        case OP_ENOTAUDIO: return "the stream is not audio"
        case OP_EBADPACKET: return "a damaged Opus packet"
        case OP_EBADLINK: return "a damaged link in the Ogg stream"
        case OP_ENOSEEK: return "the stream cannot be seeked"
        case OP_EBADTIMESTAMP: return "invalid or missing Ogg granule positions (is the file truncated?)"
        default: return "opusfile error \(code)"
        }
    }
}
