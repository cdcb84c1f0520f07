import CSndFile

/// The codec of a decoded stream, as reported by `AudioProbe`.
public enum AudioCodec: Equatable, Sendable, CustomStringConvertible {
    /// Linear PCM integers (WAV) of the given bit depth.
    case pcm(bits: Int)
    /// IEEE floating point (WAV) of the given bit depth.
    case float(bits: Int)
    /// FLAC at the given bit depth.
    case flac(bits: Int)
    case vorbis
    case opus
    /// MPEG audio; layer 3 is MP3.
    case mpeg(layer: Int)
    /// Any other codec libsndfile reads inside a supported container (μ-law, A-law, ADPCM...).
    case other(String)

    public var description: String {
        switch self {
        case .pcm(let bits): return "PCM \(bits)-bit"
        case .float(let bits): return "IEEE float \(bits)-bit"
        case .flac(let bits): return "FLAC \(bits)-bit"
        case .vorbis: return "Vorbis"
        case .opus: return "Opus"
        case .mpeg(let layer): return layer == 3 ? "MP3" : "MPEG Layer \(layer)"
        case .other(let name): return name
        }
    }

    /// The codec of a libsndfile format word.
    init(sndfileFormat format: Int32) {
        let major = Int(format) & Int(SF_FORMAT_TYPEMASK)
        let sub = Int(format) & Int(SF_FORMAT_SUBMASK)
        let bits: Int? =
            switch sub {
            case Int(SF_FORMAT_PCM_S8), Int(SF_FORMAT_PCM_U8): 8
            case Int(SF_FORMAT_PCM_16): 16
            case Int(SF_FORMAT_PCM_24): 24
            case Int(SF_FORMAT_PCM_32): 32
            default: nil
            }
        if major == Int(SF_FORMAT_FLAC) {
            self = .flac(bits: bits ?? 0)
            return
        }
        switch sub {
        case _ where bits != nil: self = .pcm(bits: bits ?? 0)
        case Int(SF_FORMAT_FLOAT): self = .float(bits: 32)
        case Int(SF_FORMAT_DOUBLE): self = .float(bits: 64)
        case Int(SF_FORMAT_VORBIS): self = .vorbis
        case Int(SF_FORMAT_OPUS): self = .opus
        case Int(SF_FORMAT_MPEG_LAYER_I): self = .mpeg(layer: 1)
        case Int(SF_FORMAT_MPEG_LAYER_II): self = .mpeg(layer: 2)
        case Int(SF_FORMAT_MPEG_LAYER_III): self = .mpeg(layer: 3)
        case Int(SF_FORMAT_ULAW): self = .other("μ-law")
        case Int(SF_FORMAT_ALAW): self = .other("A-law")
        case Int(SF_FORMAT_IMA_ADPCM), Int(SF_FORMAT_MS_ADPCM): self = .other("ADPCM")
        case Int(SF_FORMAT_GSM610): self = .other("GSM 6.10")
        default: self = .other(String(format: "libsndfile subtype 0x%04x", sub))
        }
    }
}
