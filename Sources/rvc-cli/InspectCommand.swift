import ArgumentParser
import Foundation
import RVCCore

/// `rvc inspect FILE [--json]`: what a model file is (voice model, HuBERT, RMVPE, faiss index), its
/// configuration, parameter count, dtypes and SHA-256. The library does the work; this only formats.
struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Describe a model file (.pth voice model, HuBERT/RMVPE .pt, faiss .index) without running it.")

    @Argument(help: "The file to inspect.")
    var file: String

    @Flag(help: "Print the report as JSON.")
    var json = false

    @Flag(help: "Skip the SHA-256 of the file (hashing reads every byte).")
    var noHash = false

    func run() throws {
        let report = try ModelFileReport.inspect(URL(fileURLWithPath: file), hash: !noHash)
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            print(String(decoding: try encoder.encode(report), as: UTF8.self))
        } else {
            print(Self.text(report))
        }
    }

    static func text(_ r: ModelFileReport) -> String {
        var lines = ["file: \(r.path)", "kind: \(r.kind.rawValue)", "bytes: \(r.bytes)"]
        if let sha = r.sha256 { lines.append("sha256: \(sha)") }
        if let v = r.version { lines.append("version: \(v)") }
        if let v = r.sampleRate { lines.append("sample rate: \(v) Hz") }
        if let v = r.f0 { lines.append("f0 (pitch): \(v ? "yes" : "no")") }
        if let v = r.speakerCount { lines.append("speakers: \(v)") }
        if let v = r.info { lines.append("info: \(v)") }
        if let c = r.voiceConfig {
            lines.append(
                "config: hidden \(c.hiddenChannels), inter \(c.interChannels), filter \(c.filterChannels), "
                    + "heads \(c.heads), layers \(c.layers), kernel \(c.kernelSize), resblock \(c.resblock), "
                    + "upsample rates \(c.upsampleRates), kernels \(c.upsampleKernelSizes), initial channels "
                    + "\(c.upsampleInitialChannel), gin \(c.ginChannels)")
        }
        if let c = r.hubertConfig {
            lines.append(
                "config: \(c.encoderLayers) layers, width \(c.embedDim), heads \(c.attentionHeads), FFN \(c.ffnDim), "
                    + "final dim \(c.finalDim), conv layers \(c.convLayers.count), conv_pos \(c.convPos)/\(c.convPosGroups), "
                    + "normalize \(c.normalize)")
        }
        if let c = r.rmvpeConfig {
            lines.append(
                "config: n_blocks \(c.blocks), n_gru \(c.gruLayers), en_de_layers \(c.encoderDecoderLayers), "
                    + "inter_layers \(c.intermediateLayers), in_channels \(c.inChannels), en_out_channels "
                    + "\(c.encoderOutChannels), GRU hidden \(c.gruHidden), mel bins \(c.melBins)")
        }
        if let keys = r.topLevelKeys { lines.append("top-level keys: \(keys.joined(separator: ", "))") }
        if let n = r.tensorCount { lines.append("tensors: \(n)") }
        if let n = r.parameterCount { lines.append("parameters: \(n)") }
        if let d = r.dtypes {
            lines.append("dtypes: " + d.sorted { $0.key < $1.key }.map { "\($0.key) ×\($0.value)" }.joined(separator: ", "))
        }
        if let i = r.index {
            lines.append("index type: \(i.type) (quantizer \(i.quantizer), metric \(i.metric))")
            lines.append("dimension: \(i.dimension)")
            lines.append("ntotal: \(i.ntotal)")
            lines.append("nlist: \(i.nlist)")
            lines.append("nprobe: \(i.nprobe)")
        }
        return lines.joined(separator: "\n")
    }
}
