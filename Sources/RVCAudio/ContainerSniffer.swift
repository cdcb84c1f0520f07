/// What the first bytes of a file say it is.
enum DetectedContainer: Equatable, Sendable {
    case wav
    case flac
    case oggVorbis
    case oggOpus
    /// MPEG-1/2/2.5 audio, Layer III (or I/II, which the same decoder reads).
    case mp3
    /// Recognised, but not something rvc-nano decodes (the codec or container name).
    case unsupported(String)
    case notAudio

    /// The backend that decodes it.
    var usesOpusFile: Bool { self == .oggOpus }
}

/// Detects the container and codec of a sound file from its content (magic bytes), never from its
/// name.
enum ContainerSniffer {
    /// Bytes needed from the start of the file (after any ID3v2 tag) to decide.
    static let headerLength = 64

    /// - Parameter read: returns up to `count` bytes at `offset` (fewer at the end of the file).
    static func detect(read: (_ offset: Int, _ count: Int) throws -> [UInt8]) rethrows
        -> DetectedContainer
    {
        var head = try read(0, headerLength)
        // An ID3v2 tag can precede MPEG audio (and, rarely, other streams): look past it.
        var tagged = false
        if head.count >= 10, head.starts(with: Array("ID3".utf8)) {
            let sizeBytes = head[6..<10]
            guard sizeBytes.allSatisfy({ $0 < 0x80 }) else { return .notAudio }
            let size = sizeBytes.reduce(0) { $0 << 7 | Int($1) }
            let footer = head[5] & 0x10 != 0 ? 10 : 0
            head = try read(10 + size + footer, headerLength)
            tagged = true
        }
        return classify(head, afterID3: tagged)
    }

    static func classify(_ b: [UInt8], afterID3: Bool) -> DetectedContainer {
        func ascii(_ s: String, at offset: Int) -> Bool {
            let bytes = Array(s.utf8)
            return b.count >= offset + bytes.count && Array(b[offset..<offset + bytes.count]) == bytes
        }
        if (ascii("RIFF", at: 0) || ascii("RIFX", at: 0) || ascii("RF64", at: 0))
            && ascii("WAVE", at: 8)
        {
            return .wav
        }
        if ascii("fLaC", at: 0) { return .flac }
        if ascii("OggS", at: 0) {
            // The first page carries the codec's identification header at byte 27 + segment count.
            guard b.count > 27 else { return .notAudio }
            let payload = 27 + Int(b[26])
            let codecs: [(String, DetectedContainer)] = [
                ("OpusHead", .oggOpus), ("\u{01}vorbis", .oggVorbis),
                ("\u{7F}FLAC", .unsupported("FLAC in Ogg")), ("Speex   ", .unsupported("Ogg Speex")),
                ("\u{80}theora", .unsupported("Ogg Theora video")),
            ]
            for (magic, kind) in codecs where ascii(magic, at: payload) { return kind }
            return .unsupported("an Ogg stream with an unknown codec")
        }
        if ascii("FORM", at: 0) && (ascii("AIFF", at: 8) || ascii("AIFC", at: 8)) {
            return .unsupported("AIFF")
        }
        if ascii("ftyp", at: 4) { return .unsupported("MP4/M4A (AAC or ALAC)") }
        if b.starts(with: [0x1A, 0x45, 0xDF, 0xA3]) { return .unsupported("WebM/Matroska") }
        if b.starts(with: [0x30, 0x26, 0xB2, 0x75]) { return .unsupported("WMA/ASF") }
        if ascii("#!AMR", at: 0) { return .unsupported("AMR") }
        if ascii(".snd", at: 0) { return .unsupported("Sun/NeXT AU") }
        if ascii("caff", at: 0) { return .unsupported("Core Audio Format (CAF)") }
        if ascii("MThd", at: 0) { return .unsupported("MIDI") }
        if b.count >= 4, b[0] == 0xFF, b[1] & 0xE0 == 0xE0 {
            return mpegFrame(b)
        }
        return afterID3 ? .unsupported("an ID3-tagged stream that is not MPEG audio") : .notAudio
    }

    /// An MPEG audio frame header: sync (11 bits), version, layer, bitrate and rate indices.
    private static func mpegFrame(_ b: [UInt8]) -> DetectedContainer {
        let version = (b[1] >> 3) & 0x3  // 0: MPEG-2.5, 1: reserved, 2: MPEG-2, 3: MPEG-1
        let layer = (b[1] >> 1) & 0x3  // 0: AAC (ADTS) or reserved, 1: III, 2: II, 3: I
        if layer == 0 { return b[1] & 0xF6 == 0xF0 ? .unsupported("AAC (ADTS)") : .notAudio }
        let bitrateIndex = b[2] >> 4
        let rateIndex = (b[2] >> 2) & 0x3
        guard version != 1, bitrateIndex != 0xF, rateIndex != 0x3 else { return .notAudio }
        // libsndfile (mpg123) decodes Layers I and II as well as III.
        return .mp3
    }
}
