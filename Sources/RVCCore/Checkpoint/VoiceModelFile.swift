import Foundation

/// An RVC voice model (`.pth`): synthesizer weights plus the constructor configuration
/// (reference-inference.md A.1).
public struct VoiceModelFile: Sendable {
    /// The file it was read from.
    public let url: URL
    /// `version` ("v1" when absent, as the reference's `cpt.get("version", "v1")`).
    public let version: VoiceModelVersion
    /// `f0` != 0: a pitch-conditioned model (NSF decoder). 1 when absent, as the reference.
    public let hasPitch: Bool
    /// The 18 constructor arguments.
    public let config: VoiceModelConfig
    /// Synthesizer weights (`weight`), in the stored dtype (usually float16), zero-copy.
    public let weights: StateDict
    /// Number of speakers: rows of `emb_g.weight` (the reference overrides config[15] with it).
    public let speakerCount: Int
    /// Free-text `info`, if present.
    public let info: String?

    /// Output sample rate in Hz (config[17]).
    public var sampleRate: Int { config.sampleRate }

    /// Reads a voice model.
    /// - Throws: ``CheckpointError`` for unreadable or malformed files (naming the file and field),
    ///   ``WeightError`` when `emb_g.weight` is missing or not 2-D.
    public static func load(_ url: URL) throws -> VoiceModelFile {
        try VoiceModelFile(try TorchCheckpoint.load(url))
    }

    /// Interprets a decoded checkpoint as a voice model.
    public init(_ checkpoint: TorchCheckpoint) throws {
        let fields = CheckpointFields(file: checkpoint.url.path)
        let top = try fields.dict(checkpoint.root, "<top level>")
        url = checkpoint.url
        if let raw = top["version"] {
            let text = try fields.string(raw, "version")
            guard let v = VoiceModelVersion(rawValue: text) else {
                throw fields.error("version", "is '\(text)', expected 'v1' or 'v2'")
            }
            version = v
        } else {
            version = .v1
        }
        hasPitch = try top["f0"].map { try fields.int($0, "f0") != 0 } ?? true
        weights = try fields.stateDict(top["weight"], "weight")
        config = try Self.config(top["config"], fields)
        let embedding = try weights.require("emb_g.weight", shape: [-1, -1])
        speakerCount = embedding.size(0)
        info = top["info"]?.stringValue
    }

    /// Parses the positional `config` list (reference-inference.md A.1).
    static func config(_ value: PickleValue?, _ f: CheckpointFields) throws -> VoiceModelConfig {
        let items = try f.list(value, "config")
        guard items.count == 18 else { throw f.error("config", "has \(items.count) items, expected 18") }
        let resblock: String
        switch items[9] {
        case .string(let s): resblock = s
        case .int(let i): resblock = String(i)
        default: throw f.error("config[9]", "is a \(items[9].kindName), expected the resblock type \"1\" or \"2\"")
        }
        let dilations = try f.list(items[11], "config[11]").enumerated().map {
            try f.intList($0.element, "config[11][\($0.offset)]")
        }
        let rate: Int
        switch items[17] {
        case .string(let s):
            // The synthesizer maps these names to rates (infer_pack/models.py `sr2sr`).
            guard let r = ["32k": 32000, "40k": 40000, "48k": 48000][s] else {
                throw f.error("config[17]", "sample rate '\(s)' is not 32k, 40k or 48k")
            }
            rate = r
        default:
            rate = try f.int(items[17], "config[17]")
        }
        guard rate > 0 else { throw f.error("config[17]", "sample rate \(rate) is not positive") }
        return VoiceModelConfig(
            specChannels: try f.int(items[0], "config[0]"), segmentSize: try f.int(items[1], "config[1]"),
            interChannels: try f.int(items[2], "config[2]"), hiddenChannels: try f.int(items[3], "config[3]"),
            filterChannels: try f.int(items[4], "config[4]"), heads: try f.int(items[5], "config[5]"),
            layers: try f.int(items[6], "config[6]"), kernelSize: try f.int(items[7], "config[7]"),
            dropout: try f.double(items[8], "config[8]"), resblock: resblock,
            resblockKernelSizes: try f.intList(items[10], "config[10]"), resblockDilationSizes: dilations,
            upsampleRates: try f.intList(items[12], "config[12]"),
            upsampleInitialChannel: try f.int(items[13], "config[13]"),
            upsampleKernelSizes: try f.intList(items[14], "config[14]"),
            speakerEmbedDim: try f.int(items[15], "config[15]"), ginChannels: try f.int(items[16], "config[16]"),
            sampleRate: rate)
    }
}
