/// What `AudioProbe` learns about a sound file from its headers, without decoding it.
public struct AudioInfo: Equatable, Sendable {
    /// The container family (`.ogg` covers Ogg Opus and Ogg Vorbis).
    public let format: AudioFormat
    public let codec: AudioCodec
    /// Decoding rate in Hz (48 000 for Opus, whatever the encoder's input rate was).
    public let sampleRate: Int
    public let channels: Int
    /// Frames per channel. Exact for WAV, FLAC and Ogg (from the last granule position); for MP3
    /// it comes from the Xing/LAME header when present, else an estimate from the bitrate.
    public let frameCount: Int
    /// File size in bytes.
    public let fileSize: Int

    /// Length in seconds.
    public var duration: Double { sampleRate > 0 ? Double(frameCount) / Double(sampleRate) : 0 }

    /// Average bitrate over the whole file (headers included) in bits per second.
    public var averageBitrate: Double { duration > 0 ? Double(fileSize) * 8 / duration : 0 }

    public init(
        format: AudioFormat, codec: AudioCodec, sampleRate: Int, channels: Int, frameCount: Int,
        fileSize: Int
    ) {
        self.format = format
        self.codec = codec
        self.sampleRate = sampleRate
        self.channels = channels
        self.frameCount = frameCount
        self.fileSize = fileSize
    }
}
