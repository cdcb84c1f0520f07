import CSndFile

/// The mono down-mix of `ffmpeg -ac 1` with float output (libswresample's automatic matrix), used
/// by `AudioBuffer.mono()` and the streaming decoder.
///
/// libswresample leaves the matrix unnormalised when the output is float, so stereo becomes
/// `L·√½ + R·√½` (3 dB louder than the mean of the channels), in float32 exactly as it computes it.
/// Beyond two channels each channel's weight follows its speaker position: front left and right
/// √½, centre 1, left and right of centre √½, LFE 0 (`lfe_mix_level`), back and side channels ½
/// (`surround_mix_level` √½ times √½), anything else (height channels) 0. Positions come from the
/// file's channel mask when it has one (WAVE_FORMAT_EXTENSIBLE), otherwise from the layout ffmpeg
/// assumes for the container and count (`Layout`).
enum Downmix {
    /// Speaker positions, numbered as libswresample orders (and sums) them.
    enum Position: Int, Comparable, Sendable {
        case frontLeft = 0, frontRight, frontCenter, lowFrequency, backLeft, backRight
        case frontLeftOfCenter, frontRightOfCenter, backCenter, sideLeft, sideRight
        /// Any position libswresample does not mix into mono (height channels, ambisonics).
        case other = 63

        static func < (a: Position, b: Position) -> Bool { a.rawValue < b.rawValue }

        /// The position of a libsndfile channel-map entry (`SF_CHANNEL_MAP_*`).
        init(sndfile value: Int32) {
            switch Int(value) {
            case Int(SF_CHANNEL_MAP_LEFT), Int(SF_CHANNEL_MAP_FRONT_LEFT): self = .frontLeft
            case Int(SF_CHANNEL_MAP_RIGHT), Int(SF_CHANNEL_MAP_FRONT_RIGHT): self = .frontRight
            case Int(SF_CHANNEL_MAP_MONO), Int(SF_CHANNEL_MAP_CENTER),
                Int(SF_CHANNEL_MAP_FRONT_CENTER):
                self = .frontCenter
            case Int(SF_CHANNEL_MAP_LFE): self = .lowFrequency
            case Int(SF_CHANNEL_MAP_REAR_LEFT): self = .backLeft
            case Int(SF_CHANNEL_MAP_REAR_RIGHT): self = .backRight
            case Int(SF_CHANNEL_MAP_FRONT_LEFT_OF_CENTER): self = .frontLeftOfCenter
            case Int(SF_CHANNEL_MAP_FRONT_RIGHT_OF_CENTER): self = .frontRightOfCenter
            case Int(SF_CHANNEL_MAP_REAR_CENTER): self = .backCenter
            case Int(SF_CHANNEL_MAP_SIDE_LEFT): self = .sideLeft
            case Int(SF_CHANNEL_MAP_SIDE_RIGHT): self = .sideRight
            default: self = .other
            }
        }

        /// The weight libswresample gives this position in a mono down-mix.
        var weight: Float {
            switch self {
            case .frontCenter: return 1
            case .frontLeft, .frontRight, .frontLeftOfCenter, .frontRightOfCenter:
                return Float(Downmix.minus3dB)
            case .backLeft, .backRight, .backCenter, .sideLeft, .sideRight:
                return Float(Downmix.minus3dB * Downmix.minus3dB)
            case .lowFrequency, .other: return 0
            }
        }
    }

    /// Where a stream's channels sit.
    enum Layout: Equatable, Sendable {
        /// ffmpeg's default layout for the count (mono, stereo, 2.1, 4.0, 5.0, 5.1, 6.1, 7.1):
        /// WAV without a channel mask, and buffers of unknown origin.
        case standard
        /// FLAC's layouts: 3 channels L R C, 4 quad, then as `standard`.
        case flac
        /// Vorbis and Opus (RFC 7845 family 1): L C R, quad, L C R and surrounds, LFE last.
        case vorbis
        /// Positions read from the file (a WAV channel mask), one per channel.
        case positions([Position])

        /// The layout of a decoded stream: its channel map when libsndfile reports one, else the
        /// container's convention.
        init(_ info: AudioInfo, channelMap: [Int32]?) {
            if let channelMap, channelMap.count == info.channels, info.channels > 1 {
                self = .positions(channelMap.map(Position.init(sndfile:)))
                return
            }
            switch (info.format, info.codec) {
            case (.flac, _): self = .flac
            case (_, .vorbis), (_, .opus): self = .vorbis
            default: self = .standard
            }
        }

        /// The position of each of `channels` channels.
        func positions(channels: Int) -> [Position] {
            let (fl, fr, fc, lfe) = (Position.frontLeft, Position.frontRight, Position.frontCenter, Position.lowFrequency)
            let (bl, br, bc, sl, sr) = (Position.backLeft, Position.backRight, Position.backCenter, Position.sideLeft, Position.sideRight)
            switch (self, channels) {
            case (.positions(let list), _) where list.count == channels: return list
            case (_, 1): return [fc]
            case (_, 2): return [fl, fr]
            case (.flac, 3): return [fl, fr, fc]
            case (.vorbis, 3): return [fl, fc, fr]
            case (.flac, 4), (.vorbis, 4): return [fl, fr, bl, br]
            case (.vorbis, 5): return [fl, fc, fr, bl, br]
            case (.vorbis, 6): return [fl, fc, fr, bl, br, lfe]
            case (.vorbis, 7): return [fl, fc, fr, sl, sr, bc, lfe]
            case (.vorbis, 8): return [fl, fc, fr, sl, sr, bl, br, lfe]
            case (_, 3): return [fl, fr, lfe]
            case (_, 4): return [fl, fr, fc, bc]
            case (_, 5): return [fl, fr, fc, bl, br]
            case (_, 6): return [fl, fr, fc, lfe, bl, br]
            case (_, 7): return [fl, fr, fc, lfe, bc, sl, sr]
            default:
                // 7.1, then positions libswresample does not mix.
                return [fl, fr, fc, lfe, bl, br, sl, sr]
                    + Array(repeating: .other, count: max(0, channels - 8))
            }
        }
    }

    /// One input channel's weight.
    struct Term: Equatable {
        let channel: Int
        let weight: Float
    }

    /// √½ (−3 dB): libswresample's front-to-centre factor and default centre and surround mix
    /// levels.
    static let minus3dB = 0.707_106_781_186_547_6

    /// The non-zero terms of the mix, in the order libswresample sums them (by position).
    static func terms(channels: Int, layout: Layout) -> [Term] {
        let positions = layout.positions(channels: channels)
        return positions.indices
            .filter { positions[$0].weight != 0 }
            .sorted { (positions[$0], $0) < (positions[$1], $1) }
            .map { Term(channel: $0, weight: positions[$0].weight) }
    }

    /// The down-mix of interleaved samples.
    static func mix(_ interleaved: [Float], channels: Int, layout: Layout) -> [Float] {
        var out = [Float](repeating: 0, count: interleaved.count / channels)
        interleaved.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                append(src, channels: channels, terms: terms(channels: channels, layout: layout), into: dst)
            }
        }
        return out
    }

    /// Writes the down-mix of `src` into `dst` (which holds `src.count / channels` floats).
    static func append(
        _ src: UnsafeBufferPointer<Float>, channels: Int, terms: [Term],
        into dst: UnsafeMutableBufferPointer<Float>
    ) {
        let frames = src.count / channels
        if terms.count == 2 {
            // libswresample's two-input mix: both products rounded, then added.
            let (a, b) = (terms[0], terms[1])
            for i in 0..<frames {
                let base = i * channels
                dst[i] = src[base + a.channel] * a.weight + src[base + b.channel] * b.weight
            }
            return
        }
        for i in 0..<frames {
            let base = i * channels
            var sum: Float = 0
            for term in terms { sum += src[base + term.channel] * term.weight }
            dst[i] = sum
        }
    }
}
