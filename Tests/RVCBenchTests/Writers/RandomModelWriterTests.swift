import Foundation
import RVCTestSupport
import Testing
import RVCBench
import RVCCore

/// The random-weight writer reproduces the key names and shapes of the reference's files (checked
/// against the parity fixtures, which the reference wrote) and its files load and convert.
@Suite("Random-weight model files")
struct RandomModelWriterTests {
    private static func shapes(_ weights: StateDict) -> [String: [Int]] {
        weights.tensors.mapValues(\.shape)
    }

    private static func dictionary(_ shapes: [(String, [Int])]) -> [String: [Int]] {
        Dictionary(shapes, uniquingKeysWith: { first, _ in first })
    }

    @Test("synthesizer keys and shapes equal the reference's", arguments: ["v2_48k_f0", "v1_40k_f0", "v2_32k_nof0", "v2_48k_long"])
    func synthesizerShapesMatchTheFixture(name: String) throws {
        let file = try VoiceModelFile.load(Fixtures.parity("\(name).pth"))
        let reference = Self.shapes(file.weights)
        let featureDim = try #require(reference["enc_p.emb_phone.weight"]?.last)
        let written = RandomModelWriter.synthesizerShapes(
            file.config, featureDim: featureDim, hasPitch: file.hasPitch, speakers: file.speakerCount)
        #expect(Self.dictionary(written) == reference)
        #expect(written.count == reference.count)
    }

    @Test("HuBERT keys and shapes equal fairseq's (the unused label table aside)")
    func hubertShapesMatchTheFixture() throws {
        let file = try HuBERTCheckpoint.load(Fixtures.parity("hubert_tiny.pt"))
        // label_embs_concat has one row per pretraining label (504 in hubert_base.pt, fewer in
        // the tiny fixture); inference never reads it.
        var written = Self.dictionary(RandomModelWriter.hubertShapes(file.config))
        var reference = Self.shapes(file.weights)
        #expect(written.removeValue(forKey: "label_embs_concat")?.last == reference.removeValue(forKey: "label_embs_concat")?.last)
        #expect(written == reference)
    }

    @Test("RMVPE keys and shapes equal the reference's (batch-norm counters aside)")
    func rmvpeShapesMatchTheFixture() throws {
        let file = try RMVPECheckpoint.load(Fixtures.parity("rmvpe_tiny.pt"))
        let reference = Self.shapes(file.weights).filter { !$0.key.hasSuffix("num_batches_tracked") }
        #expect(Self.dictionary(RandomModelWriter.rmvpeShapes(file.config)) == reference)
    }

    @Test("the full-size presets have the production parameter counts")
    func presetsHaveProductionSizes() {
        func count(_ shapes: [(String, [Int])]) -> Int { shapes.reduce(0) { $0 + $1.1.reduce(1, *) } }
        // fairseq's hubert_base.pt holds 94.7 M parameters (378.9 MB in float32).
        let hubert = count(RandomModelWriter.hubertShapes(RandomModelWriter.Preset.hubertBase))
        #expect(hubert > 94_000_000 && hubert < 95_500_000)
        // RVC's rmvpe.pt: 90,472,917 values with the batch-norm buffers (reference-inference.md A.7),
        // one num_batches_tracked counter per batch norm included, which this writer leaves out.
        let rmvpeShapes = RandomModelWriter.rmvpeShapes(RandomModelWriter.Preset.rmvpe)
        let batchNorms = rmvpeShapes.filter { $0.0.hasSuffix("running_mean") }.count
        #expect(count(rmvpeShapes) + batchNorms == 90_472_917)
        #expect(rmvpeShapes.count + batchNorms == 741)
        // An RVC v2 48 kHz inference checkpoint (f0) holds about 27.3 M parameters (55 MB in float16).
        let voice = count(RandomModelWriter.synthesizerShapes(
            RandomModelWriter.Preset.voiceV2At48k, featureDim: 768, hasPitch: true, speakers: 1))
        #expect(voice > 26_000_000 && voice < 29_000_000)
    }

    @Test("files written with the fixture configs load and convert a second of singing")
    func writtenFilesLoadAndConvert() throws {
        let folder = try TemporaryDirectory()
        let writer = RandomModelWriter(seed: 3)
        let hubert = try HuBERTCheckpoint.load(Fixtures.parity("hubert_tiny.pt"))
        let rmvpe = try RMVPECheckpoint.load(Fixtures.parity("rmvpe_tiny.pt"))
        let voice = try VoiceModelFile.load(Fixtures.parity("v2_48k_f0.pth"))
        try writer.writeHuBERT(hubert.config, to: folder.file("hubert.pt"))
        try writer.writeRMVPE(rmvpe.config, to: folder.file("rmvpe.pt"))
        let width = voice.weights.tensors["enc_p.emb_phone.weight"]?.size(1) ?? 0
        try writer.writeVoiceModel(voice.config, version: .v2, hasPitch: true, speakers: 2, featureDim: width, to: folder.file("voice.pth"))
        try writer.writeIndex(count: 500, dimension: width, to: folder.file("voice.index"))

        #expect(try HuBERTCheckpoint.load(folder.file("hubert.pt")).config == hubert.config)
        #expect(try RMVPECheckpoint.load(folder.file("rmvpe.pt")).config == rmvpe.config)
        let reloaded = try VoiceModelFile.load(folder.file("voice.pth"))
        #expect(reloaded.config == voice.config)
        #expect(reloaded.speakerCount == 2)
        #expect(reloaded.weights.tensors["emb_g.weight"]?.dtype == .float16)

        let converter = try VoiceConverter.load(hubert: folder.file("hubert.pt"), rmvpe: folder.file("rmvpe.pt"))
        let model = try VoiceModel.load(model: folder.file("voice.pth"), index: folder.file("voice.index"))
        let input = SyntheticVoice(seed: 2).samples(seconds: 1)
        let result = try converter.convert(input, voice: model, options: ConversionOptions(deterministic: true))
        #expect(result.samples.count == (try converter.outputLength(of: input, voice: model)))
        #expect(result.samples.contains { $0 != 0 })
    }

    @Test("the same seed writes the same weights")
    func writingIsDeterministic() throws {
        let folder = try TemporaryDirectory()
        let config = try RMVPECheckpoint.load(Fixtures.parity("rmvpe_tiny.pt")).config
        try RandomModelWriter(seed: 5).writeRMVPE(config, to: folder.file("a.pt"))
        try RandomModelWriter(seed: 5).writeRMVPE(config, to: folder.file("b.pt"))
        try RandomModelWriter(seed: 6).writeRMVPE(config, to: folder.file("c.pt"))
        func weights(_ name: String) throws -> [Float] {
            let file = try RMVPECheckpoint.load(folder.file(name))
            return try file.weights.keys.sorted().flatMap { try #require(file.weights.tensors[$0]).to(dtype: .float32).toArray(Float.self) }
        }
        let a = try weights("a.pt")
        #expect(a == (try weights("b.pt")))
        #expect(a != (try weights("c.pt")))
    }
}
