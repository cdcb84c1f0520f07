import Crypto
import Foundation

/// What a model file is and holds, detected by content (not by name): an RVC voice model, a HuBERT
/// or RMVPE checkpoint, a faiss index, or an unrecognised PyTorch checkpoint. Backs `rvc inspect`.
public struct ModelFileReport: Sendable, Codable {
    /// The detected kind of file.
    public enum Kind: String, Sendable, Codable {
        case voiceModel = "voice model"
        case hubert = "HuBERT"
        case rmvpe = "RMVPE"
        case faissIndex = "faiss index"
        case unknown = "unknown PyTorch checkpoint"
    }

    /// The summary of a faiss index.
    public struct IndexSummary: Sendable, Codable {
        public var type: String
        public var quantizer: String
        public var dimension: Int
        public var ntotal: Int
        public var nlist: Int
        public var nprobe: Int
        public var metric: String
    }

    public var path: String
    public var kind: Kind
    /// File size in bytes.
    public var bytes: Int
    /// SHA-256 of the whole file, lowercase hex (nil when not computed).
    public var sha256: String?
    /// Voice models: "v1"/"v2", output rate in Hz, pitch conditioning, speakers, the 18-item config, `info`.
    public var version: String?
    public var sampleRate: Int?
    public var f0: Bool?
    public var speakerCount: Int?
    public var info: String?
    public var voiceConfig: VoiceModelConfig?
    public var hubertConfig: HuBERTConfig?
    public var rmvpeConfig: RMVPEConfig?
    /// Checkpoints: number of tensors, total elements, and tensor count per dtype.
    public var tensorCount: Int?
    public var parameterCount: Int?
    public var dtypes: [String: Int]?
    /// Unknown checkpoints: the top-level keys.
    public var topLevelKeys: [String]?
    /// Faiss indexes.
    public var index: IndexSummary?

    /// Inspects the file at `url`; `hash` computes the SHA-256 (reads the whole file).
    /// - Throws: ``CheckpointError``, ``IndexFileError`` or ``WeightError`` naming the file when it
    ///   cannot be read or is malformed.
    public static func inspect(_ url: URL, hash: Bool = true) throws -> ModelFileReport {
        let file = try MappedFile(url)
        var digest: String?
        if hash {
            var hasher = SHA256()
            hasher.update(bufferPointer: file.bytes)
            digest = hasher.finalize().map { String(format: "%02x", $0) }.joined()
        }
        var report = ModelFileReport(path: url.path, kind: .unknown, bytes: file.count, sha256: digest)

        let head = Array(file.bytes.prefix(4))
        if head.count == 4, head != TorchCheckpoint.zipMagic, String(decoding: head, as: UTF8.self).hasPrefix("I") {
            let h = try FaissIndexFile.readHeader(url)
            report.kind = .faissIndex
            report.index = IndexSummary(
                type: h.type, quantizer: h.quantizerType, dimension: h.dimension, ntotal: h.ntotal, nlist: h.nlist,
                nprobe: h.nprobe, metric: h.metric.description)
            return report
        }
        let checkpoint = try TorchCheckpoint.load(file, url: url, limits: .default)
        let top: PickleDict?
        if case .dict(let dict) = checkpoint.root { top = dict } else { top = nil }
        let weights: StateDict
        if let top, top["weight"] != nil, top["config"] != nil {
            let model = try VoiceModelFile(checkpoint)
            report.kind = .voiceModel
            report.version = model.version.rawValue
            report.sampleRate = model.sampleRate
            report.f0 = model.hasPitch
            report.speakerCount = model.speakerCount
            report.info = model.info
            report.voiceConfig = model.config
            weights = model.weights
        } else if let top, top["model"] != nil, top["cfg"] != nil || top["args"] != nil {
            let hubert = try HuBERTCheckpoint(checkpoint)
            report.kind = .hubert
            report.hubertConfig = hubert.config
            weights = hubert.weights
        } else if let top, top.stringKeys.contains(where: { $0.hasPrefix("unet.") }) {
            let rmvpe = try RMVPECheckpoint(checkpoint)
            report.kind = .rmvpe
            report.rmvpeConfig = rmvpe.config
            weights = rmvpe.weights
        } else {
            report.topLevelKeys = top?.stringKeys
            var entries: [(String, Tensor)] = []
            collect(checkpoint.root, prefix: "", depth: 0, into: &entries)
            weights = StateDict(entries, source: url.path)
        }
        report.tensorCount = weights.keys.count
        report.parameterCount = weights.parameterCount
        var dtypes: [String: Int] = [:]
        for tensor in weights.tensors.values { dtypes[tensor.dtype.rawValue, default: 0] += 1 }
        report.dtypes = dtypes
        return report
    }

    /// Tensors reachable through dicts (a few levels deep), for unknown checkpoints.
    private static func collect(_ value: PickleValue, prefix: String, depth: Int, into entries: inout [(String, Tensor)]) {
        guard depth < 4, entries.count < 1_000_000 else { return }
        switch value {
        case .tensor(let t): entries.append((prefix, t))
        case .dict(let dict):
            for (key, v) in dict.entries {
                guard case .string(let k) = key else { continue }
                collect(v, prefix: prefix.isEmpty ? k : "\(prefix).\(k)", depth: depth + 1, into: &entries)
            }
        default: break
        }
    }
}
