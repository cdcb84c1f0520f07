import Foundation
import RVCTestSupport
import Testing
import RVCBench
@testable import RVCCore

/// Chunked RMVPE (overlapping windows of mel frames) against the whole-file computation and the
/// reference fixtures, within the RMVPE parity tolerances (1e-4 relative, voicing ≥ 99.5 %).
@Suite struct RMVPEChunkingTests {
    /// A window far larger than any input here: the whole-file computation.
    static let whole = try! RMVPEChunking(frames: 1 << 20, context: 0)
    /// Small windows so that the 2 s and 4–50 s fixtures are cut into many pieces.
    static let small = try! RMVPEChunking(frames: 64, context: 64)

    @Test(arguments: [1, 31, 32, 191, 192, 193, 201, 1000, 5201, 18_001])
    func windowsTileTheFramesOnTheGrid(total: Int) {
        for chunking in [Self.small, RMVPEChunking.standard, try! RMVPEChunking(frames: 96, context: 0)] {
            let windows = chunking.windows(total: total)
            var next = 0
            for w in windows {
                #expect(w.start % RMVPEChunking.frameMultiple == 0)
                #expect(w.start + w.keepOffset == next)
                #expect(w.keepLength > 0 && w.keepOffset >= 0 && w.keepOffset + w.keepLength <= w.length)
                #expect(w.length <= chunking.frames + 2 * chunking.context)
                #expect(w.start + w.length <= total)
                next += w.keepLength
            }
            #expect(next == total)
            #expect((windows.count == 1) == (total <= chunking.frames + 2 * chunking.context))
        }
    }

    @Test func invalidChunkingIsRejected() {
        #expect(throws: ModelInputError.self) { try RMVPEChunking(frames: 0, context: 32) }
        #expect(throws: ModelInputError.self) { try RMVPEChunking(frames: 100, context: 32) }
        #expect(throws: ModelInputError.self) { try RMVPEChunking(frames: 64, context: -32) }
        #expect(throws: ModelInputError.self) { try RMVPEChunking(frames: 64, context: 16) }
        #expect(RMVPEChunking.standard.frames + 2 * RMVPEChunking.standard.context < 65_535 / 8)
    }

    /// The pitch inputs of the fixtures: the 2 s stage clip, and each case's high-passed audio
    /// reflect-padded by t_pad (the long case from its input, through the pipeline's preparation).
    static func audio(_ name: String) throws -> (samples: [Double], f0: [Double]?, key: Int) {
        switch name {
        case "stage":
            return (try ModelFixtures.array("stage_audio16k.npy").doubles(), try ModelFixtures.array("stage_rmvpe_f0.npy").doubles(), 0)
        case "v2_48k_long":
            let input = try ModelFixtures.array("v2_48k_long_input16k.npy").floats()
            return (try PreparedAudio(samples: input, constants: .float32).padded, nil, 0)
        default:
            let highpassed = try ModelFixtures.array("\(name)_highpassed.npy").doubles()
            return (ModelFixtures.reflectPad(highpassed, 16_000), try ModelFixtures.array("\(name)_f0.npy").doubles(), name == "v1_40k_f0" ? 12 : 0)
        }
    }

    @Test(arguments: ["stage", "v2_48k_f0", "v1_40k_f0", "v2_48k_long"])
    func smallChunksMatchWholeFileAndReference(name: String) throws {
        let model = try ModelFixtures.rmvpe()
        let (samples, reference, key) = try Self.audio(name)
        let audio = try Tensor(samples)
        let frames = RMVPE.frameCount(samples: samples.count)
        #expect(Self.small.windows(total: frames).count > 1)
        let chunked = try model.salience(audio: audio, chunking: Self.small).toArray(Double.self)
        let whole = try model.salience(audio: audio, chunking: Self.whole).toArray(Double.self)
        #expect(chunked.count == frames * RMVPEPitchDecoder.bins)
        let salienceError = ParityMetrics.relativeError(chunked, reference: whole)
        let maxDeviation = maxAbsDifference(chunked, whole)
        let shift = Foundation.pow(2.0, Double(key) / 12)
        let f0Chunked = try model.pitch(audio: audio, chunking: Self.small).map { $0 * shift }
        let f0Whole = try model.pitch(audio: audio, chunking: Self.whole).map { $0 * shift }
        let agreement = Self.voicingAgreement(f0Chunked, f0Whole)
        let f0Error = Self.voicedError(f0Chunked, f0Whole)
        print("[chunking] \(name) (\(frames) frames, \(Self.small)): salience max |Δ| \(maxDeviation), relative \(salienceError); f0 relative \(f0Error), voicing agreement \(agreement)")
        #expect(salienceError < RMVPEParityTests.tolerance)
        #expect(agreement >= RMVPEParityTests.voicingAgreement)
        #expect(f0Error < RMVPEParityTests.tolerance)
        if let reference {
            #expect(f0Chunked.count == reference.count)
            let referenceAgreement = Self.voicingAgreement(f0Chunked, reference)
            let referenceError = Self.voicedError(f0Chunked, reference)
            print("[chunking] \(name) chunked f0 vs reference: relative \(referenceError), voicing agreement \(referenceAgreement)")
            #expect(referenceAgreement >= RMVPEParityTests.voicingAgreement)
            #expect(referenceError < RMVPEParityTests.tolerance)
        }
    }

    /// Without context the window edges show (zero padding, fresh GRU state): the context is what
    /// makes the chunked result equal to the whole-file one, and this comparison can tell.
    @Test func contextIsWhatMakesChunksAgree() throws {
        let model = try ModelFixtures.rmvpe()
        let audio = try Tensor(Self.audio("v2_48k_f0").samples)
        let whole = try model.salience(audio: audio, chunking: Self.whole).toArray(Double.self)
        let bare = try model.salience(audio: audio, chunking: RMVPEChunking(frames: 64, context: 0)).toArray(Double.self)
        let error = ParityMetrics.relativeError(bare, reference: whole)
        print("[chunking] v2_48k_f0 without context: salience relative \(error)")
        #expect(error > 10 * RMVPEParityTests.tolerance)
    }

    @Test func chunkedMelSpectrogramInputMatchesWholeFile() throws {
        let model = try ModelFixtures.rmvpe()
        let mel = try ModelFixtures.tensor("stage_rmvpe_mel.npy")
        let chunked = try model.salience(mel: mel, chunking: Self.small)
        let error = try ModelFixtures.relativeError(chunked, ModelFixtures.array("stage_rmvpe_salience.npy"))
        #expect(error < RMVPEParityTests.tolerance)
    }

    /// Three minutes of a gliding tone in noise run in five standard windows (the whole file would
    /// be one 18 001-step GRU sequence) and agree with the whole-file computation.
    @Test func multiMinuteInputRunsChunked() throws {
        let model = try ModelFixtures.rmvpe()
        let count = 180 * 16_000
        var rng = SplitMix64(seed: 7)
        var phase = 0.0
        let samples: [Float] = (0..<count).map { i in
            let t = Double(i) / 16_000
            phase += 2 * Double.pi * (150 + 100 * Foundation.sin(2 * Double.pi * t / 20)) / 16_000
            return Float(0.4 * Foundation.sin(phase) + Double.random(in: -0.01...0.01, using: &rng))
        }
        let audio = try Tensor(samples)
        let frames = RMVPE.frameCount(samples: count)
        #expect(RMVPEChunking.standard.windows(total: frames).count == 5)
        let chunked = try model.pitch(audio: audio)
        #expect(chunked.count == frames)
        #expect(chunked.allSatisfy { $0.isFinite && $0 >= 0 })
        let whole = try model.pitch(audio: audio, chunking: Self.whole)
        let agreement = Self.voicingAgreement(chunked, whole)
        let error = Self.voicedError(chunked, whole)
        print("[chunking] 180 s synthetic (\(frames) frames, standard): f0 relative \(error), voicing agreement \(agreement)")
        #expect(agreement >= RMVPEParityTests.voicingAgreement)
        #expect(error < RMVPEParityTests.tolerance)
    }

    static func voicingAgreement(_ a: [Double], _ b: [Double]) -> Double {
        Double(zip(a, b).filter { ($0 > 0) == ($1 > 0) }.count) / Double(max(1, b.count))
    }

    static func voicedError(_ a: [Double], _ b: [Double]) -> Double {
        let voiced = zip(a, b).filter { $0 > 0 && $1 > 0 }
        return ParityMetrics.relativeError(voiced.map(\.0), reference: voiced.map(\.1))
    }
}
