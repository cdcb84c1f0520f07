import Foundation
import Testing
@testable import RVCCore

/// Decoding only the kept frames, in pieces, gives the same samples as decoding everything.
@Suite("Decoder pieces and cropping")
struct DecoderChunkingTests {
    private static func maxError(_ a: [Float], _ b: [Float]) -> (Float, Float) {
        let peak = b.map(abs).max() ?? 0
        let error = zip(a, b).map { abs($0 - $1) }.max() ?? .infinity
        return (error, peak)
    }

    @Test("kept frames decoded in pieces equal the same samples of the whole output", arguments: ["v2_48k_f0", "v1_40k_f0", "v2_32k_nof0"])
    func piecesEqualTheWhole(name: String) throws {
        let synthesizer = try FixtureModels.synthesizer(name)
        var decoder = synthesizer.decoder
        let frames = 300
        let generator = try Generator(seed: 11)
        let z = try Tensor.randn([1, synthesizer.config.interChannels, frames], generator: generator)
        let g = try synthesizer.speakerTable.narrow(dim: 0, start: 0, length: 1).unsqueeze(-1)
        let f0 = synthesizer.hasPitch
            ? try Tensor((0..<frames).map { $0 % 40 < 8 ? Float(0) : 180 + Float($0 % 17) }, shape: [1, frames]) : nil
        let whole = try decoder(z, speaker: g, f0: f0, noise: .none).reshape([-1]).toArray(Float.self)
        let upp = synthesizer.samplesPerFrame
        #expect(whole.count == frames * upp)

        decoder.chunkFrames = 37
        let keep = 23..<(frames - 23)
        let pieces = try decoder(z, speaker: g, f0: f0, noise: .none, keep: keep).reshape([-1]).toArray(Float.self)
        #expect(pieces.count == keep.count * upp)
        let (error, peak) = Self.maxError(pieces, Array(whole[(keep.lowerBound * upp)..<(keep.upperBound * upp)]))
        // Float rounding differs with the convolution lengths (about 1e-5 of the peak through the
        // tiny random fixtures); missing context would differ by orders of magnitude more.
        #expect(peak > 0)
        #expect(error <= 2e-4 * peak, "max error \(error), peak \(peak)")

        // All frames in pieces (no crop) also match.
        let all = try decoder(z, speaker: g, f0: f0, noise: .none).reshape([-1]).toArray(Float.self)
        let (allError, _) = Self.maxError(all, whole)
        #expect(allError <= 2e-4 * peak)

        // The control: without the context the pieces' edges differ visibly, so the test can fail.
        decoder.contextFrames = 0
        let blind = try decoder(z, speaker: g, f0: f0, noise: .none, keep: keep).reshape([-1]).toArray(Float.self)
        let (blindError, _) = Self.maxError(blind, Array(whole[(keep.lowerBound * upp)..<(keep.upperBound * upp)]))
        #expect(blindError > 50 * max(error, 1e-7), "error without context \(blindError), with \(error)")
    }

    @Test("the context covers the receptive field of the production decoder")
    func productionContext() throws {
        // v2 48 kHz: about a quarter of a second either side, far below the 1 s of padding skipped.
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("rvc-ctx-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("v2.pth")
        try RandomModelWriter(seed: 2).writeVoiceModel(RandomModelWriter.Preset.voiceV2At48k, to: url)
        let synthesizer = try VoiceModel.load(model: url).synthesizer
        var decoder = synthesizer.decoder
        #expect(decoder.contextFrames >= 12 && decoder.contextFrames <= 40)

        let frames = 160
        let z = try Tensor.randn([1, 192, frames], generator: Generator(seed: 5)) * 0.5
        let g = try synthesizer.speakerTable.narrow(dim: 0, start: 0, length: 1).unsqueeze(-1)
        let f0 = try Tensor((0..<frames).map { Float(150 + $0) }, shape: [1, frames])
        let whole = try decoder(z, speaker: g, f0: f0, noise: .none).reshape([-1]).toArray(Float.self)
        decoder.chunkFrames = 50
        let keep = 30..<130
        let part = try decoder(z, speaker: g, f0: f0, noise: .none, keep: keep).reshape([-1]).toArray(Float.self)
        let (error, peak) = Self.maxError(part, Array(whole[(30 * 480)..<(130 * 480)]))
        #expect(error <= 2e-4 * peak, "max error \(error), peak \(peak)")
    }
}
