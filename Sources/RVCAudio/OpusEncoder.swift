import COpus
import Foundation

/// Owns one libopusenc encoder (`OggOpusEnc*`) writing an Ogg Opus stream (RFC 7845) into a
/// `MemoryStream`; destroys it in `deinit`.
///
/// libopusenc writes OpusHead with the pre-skip of the encoder's lookahead, OpusTags, and granule
/// positions whose final value trims the stream to the exact input length.
final class OpusEncoder {
    private let encoder: OpaquePointer
    private let stream: MemoryStream
    private let name: String
    let channels: Int

    /// Opus's only Ogg mapping rate (RFC 7845): input must already be at 48 kHz.
    static let sampleRate = 48_000

    init(channels: Int, settings: OpusEncoderSettings, stream: MemoryStream, name: String) throws {
        guard (1...2).contains(channels) else {
            throw AudioError.unsupportedOutput(
                file: name, format: .ogg, detail: "Ogg Opus output takes 1 or 2 channels, not \(channels)")
        }
        guard OpusEncoderSettings.bitrateRange.contains(settings.bitrate),
            (0...10).contains(settings.complexity)
        else {
            throw AudioError.invalidArgument(
                file: name,
                detail: "Opus bitrate must be 6000...510000 b/s and complexity 0...10 (got "
                    + "\(settings.bitrate) b/s, complexity \(settings.complexity))")
        }
        let comments = try OpusComments(name: name)
        try comments.add(tag: "ENCODER", value: AudioEncoder.softwareName)
        var callbacks = OpusEncCallbacks(
            write: { user, pointer, length in
                guard let stream = MemoryStream.from(user) else { return 1 }
                guard let pointer, length > 0 else { return 0 }
                return stream.write(pointer, count: Int(length)) == Int(length) ? 0 : 1
            },
            close: { _ in 0 })
        var error: Int32 = 0
        // Mapping family 0: mono or stereo without a channel mapping table (RFC 7845 §5.1.1).
        guard
            let encoder = ope_encoder_create_callbacks(
                &callbacks, stream.opaque, comments.pointer, Int32(Self.sampleRate),
                Int32(channels), 0, &error)
        else {
            throw AudioError.encodingFailed(file: name, detail: String(cString: ope_strerror(error)))
        }
        self.encoder = encoder
        self.stream = stream
        self.name = name
        self.channels = channels

        try check(rvc_ope_set_bitrate(encoder, Int32(settings.bitrate)), "bitrate")
        try check(rvc_ope_set_complexity(encoder, Int32(settings.complexity)), "complexity")
        switch settings.bitrateMode {
        case .vbr:
            try check(rvc_ope_set_vbr(encoder, 1), "VBR")
            try check(rvc_ope_set_vbr_constraint(encoder, 0), "VBR constraint")
        case .constrainedVBR:
            try check(rvc_ope_set_vbr(encoder, 1), "VBR")
            try check(rvc_ope_set_vbr_constraint(encoder, 1), "VBR constraint")
        case .cbr:
            try check(rvc_ope_set_vbr(encoder, 0), "CBR")
        }
        let signal: Int32 =
            switch settings.signal {
            case .auto: Int32(OPUS_AUTO)
            case .voice: Int32(OPUS_SIGNAL_VOICE)
            case .music: Int32(OPUS_SIGNAL_MUSIC)
            }
        try check(rvc_ope_set_signal(encoder, signal), "signal type")
    }

    deinit {
        ope_encoder_destroy(encoder)
    }

    /// Encodes interleaved 48 kHz float samples.
    func write(_ samples: UnsafeBufferPointer<Float>) throws {
        guard let base = samples.baseAddress, !samples.isEmpty else { return }
        // libopusenc buffers internally; feeding bounded chunks keeps its buffer small.
        let chunkFrames = 48_000
        let frames = samples.count / channels
        var done = 0
        while done < frames {
            let count = min(chunkFrames, frames - done)
            try check(
                ope_encoder_write_float(encoder, base + done * channels, Int32(count)), "write")
            done += count
        }
    }

    /// Flushes the last packets and writes the final page (with the end-trimming granule).
    func finish() throws {
        try check(ope_encoder_drain(encoder), "drain")
    }

    private func check(_ status: Int32, _ what: String) throws {
        guard status == OPE_OK else {
            throw AudioError.encodingFailed(
                file: name, detail: "Opus \(what): \(String(cString: ope_strerror(status)))")
        }
    }
}

/// Owns one libopusenc comment block (`OggOpusComments*`), destroyed in `deinit`. libopusenc
/// copies it when an encoder is created.
final class OpusComments {
    let pointer: OpaquePointer
    private let name: String

    init(name: String) throws {
        guard let pointer = ope_comments_create() else {
            throw AudioError.encodingFailed(file: name, detail: "cannot allocate Opus tags")
        }
        self.pointer = pointer
        self.name = name
    }

    deinit {
        ope_comments_destroy(pointer)
    }

    func add(tag: String, value: String) throws {
        let status = ope_comments_add(pointer, tag, value)
        guard status == OPE_OK else {
            throw AudioError.encodingFailed(
                file: name, detail: "Opus tag \(tag): \(String(cString: ope_strerror(status)))")
        }
    }
}
