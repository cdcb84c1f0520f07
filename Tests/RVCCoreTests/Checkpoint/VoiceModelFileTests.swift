import Foundation
import RVCTestSupport
import Testing
import RVCCore

@Suite("VoiceModelFile")
struct VoiceModelFileTests {
    struct Case: Sendable, CustomStringConvertible {
        let file: String
        let version: VoiceModelVersion
        let pitch: Bool
        let rate: Int
        let upsampleRates: [Int]
        var description: String { file }
    }

    // Values from manifest.json `cases` and the known architectures (reference-inference.md A.1).
    static let cases = [
        Case(file: "v2_48k_f0.pth", version: .v2, pitch: true, rate: 48000, upsampleRates: [12, 10, 2, 2]),
        Case(file: "v1_40k_f0.pth", version: .v1, pitch: true, rate: 40000, upsampleRates: [10, 10, 2, 2]),
        Case(file: "v2_32k_nof0.pth", version: .v2, pitch: false, rate: 32000, upsampleRates: [10, 8, 2, 2]),
        Case(file: "v2_48k_long.pth", version: .v2, pitch: true, rate: 48000, upsampleRates: [12, 10, 2, 2]),
    ]

    @Test("version, f0, sample rate and config are read", arguments: cases)
    func readsHeaderFields(c: Case) throws {
        let model = try VoiceModelFile.load(Fixtures.parity(c.file))
        #expect(model.version == c.version)
        #expect(model.hasPitch == c.pitch)
        #expect(model.sampleRate == c.rate)
        #expect(model.config.upsampleRates == c.upsampleRates)
        #expect(model.config.samplesPerFrame * 100 == c.rate)
        // The tiny fixtures' remaining config items (read from the files with Python's pickletools).
        #expect(model.config.specChannels == 1025)
        #expect(model.config.segmentSize == 32)
        #expect(model.config.interChannels == 8)
        #expect(model.config.hiddenChannels == 16)
        #expect(model.config.filterChannels == 32)
        #expect(model.config.heads == 2 && model.config.layers == 2 && model.config.kernelSize == 3)
        #expect(model.config.dropout == 0 && model.config.resblock == "1")
        #expect(model.config.resblockKernelSizes == [3, 7, 11])
        #expect(model.config.resblockDilationSizes == Array(repeating: [1, 3, 5], count: 3))
        #expect(model.config.upsampleInitialChannel == 32)
        #expect(model.config.ginChannels == 8)
        #expect(model.info == "200epoch")
        #expect(model.speakerCount == model.weights["emb_g.weight"]?.size(0))
        #expect(model.weights.keys.allSatisfy { !$0.hasPrefix("weight.") })
        #expect(model.weights.tensors.values.allSatisfy { $0.dtype == .float16 })
        #expect(model.weights.contains("enc_p.emb_pitch.weight") == c.pitch)
    }
}
