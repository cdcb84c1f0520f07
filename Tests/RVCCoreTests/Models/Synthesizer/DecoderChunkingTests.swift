import Foundation
import Testing
import RVCBench
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

    @Test("pieces decoded at the same time equal the whole output", arguments: ["v2_48k_f0", "v2_32k_nof0"])
    func concurrentPiecesEqualTheWhole(name: String) throws {
        let before = Torch.threadCount
        if before < 2 { Torch.threadCount = 2 }
        defer { Torch.threadCount = before }
        let synthesizer = try FixtureModels.synthesizer(name)
        var decoder = synthesizer.decoder
        let frames = 600
        let z = try Tensor.randn([1, synthesizer.config.interChannels, frames], generator: Generator(seed: 12))
        let g = try synthesizer.speakerTable.narrow(dim: 0, start: 0, length: 1).unsqueeze(-1)
        let f0 = synthesizer.hasPitch
            ? try Tensor((0..<frames).map { $0 % 50 < 9 ? Float(0) : 150 + Float($0 % 23) }, shape: [1, frames]) : nil
        let whole = try decoder(z, speaker: g, f0: f0, noise: .none).reshape([-1]).toArray(Float.self)
        let upp = synthesizer.samplesPerFrame
        let keep = 23..<(frames - 23)
        let expected = Array(whole[(keep.lowerBound * upp)..<(keep.upperBound * upp)])

        decoder.chunkFrames = 37
        decoder.concurrentPieces = 2
        // The plan this call takes: two workers, 32 pieces of 17–18 frames.
        let plan = Decoder.pieces(of: keep, chunk: 37, workers: min(2, Torch.threadCount))
        #expect(plan.workers == 2 && plan.pieces.count == 32)
        let concurrent = try decoder(z, speaker: g, f0: f0, noise: .none, keep: keep).reshape([-1]).toArray(Float.self)
        #expect(concurrent.count == keep.count * upp)
        let (error, peak) = Self.maxError(concurrent, expected)
        #expect(peak > 0)
        #expect(error <= 2e-4 * peak, "max error \(error), peak \(peak)")

        decoder.concurrentPieces = 1
        let sequential = try decoder(z, speaker: g, f0: f0, noise: .none, keep: keep).reshape([-1]).toArray(Float.self)
        let (sequentialError, _) = Self.maxError(sequential, expected)
        #expect(sequentialError <= 2e-4 * peak)
    }

    @Test("the piece plan covers the frames once, in equal pieces, a multiple of the workers")
    func piecePlan() {
        for (wanted, chunk, workers) in [(0..<2200, 1500, 2), (100..<598, 1500, 2), (7..<3807, 1500, 2), (0..<2200, 1500, 1),
                                        (0..<150, 1500, 2), (0..<1000, 100, 3), (5..<6, 10, 2)] {
            let plan = Decoder.pieces(of: wanted, chunk: chunk, workers: workers)
            let label = "\(wanted) chunk \(chunk) workers \(workers): \(plan)"
            #expect(plan.pieces.first?.lowerBound == wanted.lowerBound, "\(label)")
            #expect(plan.pieces.last?.upperBound == wanted.upperBound, "\(label)")
            #expect(zip(plan.pieces, plan.pieces.dropFirst()).allSatisfy { $0.upperBound == $1.lowerBound }, "\(label)")
            let sizes = plan.pieces.map(\.count)
            #expect((sizes.max() ?? 0) - (sizes.min() ?? 0) <= 1, "\(label)")
            #expect((sizes.max() ?? 0) * plan.workers <= chunk, "in flight at most a chunk: \(label)")
            #expect(plan.pieces.count % plan.workers == 0, "\(label)")
            #expect(plan.workers == 1 || wanted.count / plan.workers >= Decoder.minimumConcurrentFrames, "\(label)")
        }
        // 22 s at 2 workers: four pieces of 5.5 s, two at a time (15 s in flight at most).
        #expect(Decoder.pieces(of: 0..<2200, chunk: 1500, workers: 2).pieces == [0..<550, 550..<1100, 1100..<1650, 1650..<2200])
        // Too short to share: one piece, one worker.
        #expect(Decoder.pieces(of: 0..<150, chunk: 1500, workers: 2).workers == 1)
        // A 38 s segment: six pieces, two at a time.
        let long = Decoder.pieces(of: 7..<3807, chunk: 1500, workers: 2)
        #expect(long.pieces.count == 6 && long.workers == 2)
        #expect(Decoder.pieces(of: 0..<2200, chunk: 1500, workers: 1).pieces == [0..<1100, 1100..<2200])
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
