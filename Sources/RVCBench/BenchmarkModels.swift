import Foundation
import RVCCore

/// The four full-size random-weight files a benchmark runs on: HuBERT base, RMVPE, an RVC v2 48 kHz
/// voice model with pitch, and a 40 000 × 768 IVF index, written once into a folder and reused.
public struct BenchmarkModels: Sendable {
    /// `hubert_base.pt`.
    public let hubert: URL
    /// `rmvpe.pt`.
    public let rmvpe: URL
    /// `voice_v2_48k.pth`.
    public let voice: URL
    /// `voice_v2_48k.index`.
    public let index: URL

    /// Vectors in the benchmark index (the size of a typical trained RVC index).
    public static let indexVectors = 40_000

    /// The files in `folder` (which may not exist yet).
    public init(folder: URL) {
        hubert = folder.appendingPathComponent("hubert_base.pt")
        rmvpe = folder.appendingPathComponent("rmvpe.pt")
        voice = folder.appendingPathComponent("voice_v2_48k.pth")
        index = folder.appendingPathComponent("voice_v2_48k.index")
    }

    /// All four files, in loading order.
    public var all: [URL] { [hubert, rmvpe, voice, index] }

    /// Writes whichever of the four files is missing. Each is written under a temporary name and
    /// renamed when complete, so an interrupted run never leaves a file that looks finished.
    /// - Parameter log: told the name of each file before it is written.
    /// - Throws: ``CheckpointError``, ``IndexFileError`` or ``TorchError`` from the writers.
    ///
    /// Files written by another version of ``RandomModelWriter`` (``RandomModelWriter/version``,
    /// recorded in `writer-version` beside them) are written again.
    public func writeMissing(seed: UInt64 = 1, log: (String) -> Void = { _ in }) throws {
        let writer = RandomModelWriter(seed: seed)
        let folder = hubert.deletingLastPathComponent()
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let stamp = folder.appendingPathComponent("writer-version")
        let current = String(RandomModelWriter.version)
        let recorded = (try? String(contentsOf: stamp, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
        if recorded != current, all.contains(where: { FileManager.default.fileExists(atPath: $0.path) }) {
            log("models of writer version \(recorded ?? "unknown"), not \(current): writing them again")
            for url in all { try? FileManager.default.removeItem(at: url) }
        }
        defer { if all.allSatisfy({ FileManager.default.fileExists(atPath: $0.path) }) { try? Data(current.utf8).write(to: stamp) } }
        try write(hubert, log) { try writer.writeHuBERT(RandomModelWriter.Preset.hubertBase, to: $0) }
        try write(rmvpe, log) { try writer.writeRMVPE(RandomModelWriter.Preset.rmvpe, to: $0) }
        try write(voice, log) { try writer.writeVoiceModel(RandomModelWriter.Preset.voiceV2At48k, to: $0) }
        try write(index, log) { try writer.writeIndex(count: Self.indexVectors, dimension: 768, to: $0) }
    }

    private func write(_ url: URL, _ log: (String) -> Void, _ body: (URL) throws -> Void) throws {
        guard !FileManager.default.fileExists(atPath: url.path) else { return }
        log(url.lastPathComponent)
        let partial = url.deletingLastPathComponent()
            .appendingPathComponent(".\(url.lastPathComponent).\(ProcessInfo.processInfo.processIdentifier).partial")
        defer { try? FileManager.default.removeItem(at: partial) }
        try body(partial)
        guard rename(partial.path, url.path) == 0 else {
            throw CheckpointError.io(file: url.path, message: "cannot rename the finished file into place (errno \(errno))")
        }
    }
}
