import Foundation
import RVCBench
import RVCTestSupport
import Synchronization
import Testing
@testable import RVCCore

@Suite("VoiceConverter end to end (E)")
struct VoiceConverterTests {
    static func converter() throws -> VoiceConverter {
        try VoiceConverter.load(hubert: Fixtures.parity("hubert_tiny.pt"), rmvpe: Fixtures.parity("rmvpe_tiny.pt"))
    }

    static func voice(_ parity: ParityCase) throws -> VoiceModel {
        try VoiceModel.load(model: Fixtures.parity(parity.model), index: parity.index.map { Fixtures.parity($0) })
    }

    static func options(_ parity: ParityCase) -> ConversionOptions {
        ConversionOptions(
            pitchShift: parity.key, indexRate: parity.indexRate, protect: parity.protect,
            rmsMixRate: parity.rmsMixRate, speaker: parity.speaker, deterministic: true)
    }

    @Test("every fixture case converts to the reference int16 output at ≥ 60 dB SNR and exact length",
          arguments: try! ParityCase.all())
    func matchesReferenceOutput(parity: ParityCase) throws {
        let converter = try Self.converter()
        let voice = try Self.voice(parity)
        let input = try parity.array("input16k").floats()
        let expected = try parity.array("output").doubles()
        let segments = Mutex<[ConversionProgress]>([])
        let result = try converter.convert(input, voice: voice, options: Self.options(parity)) { p in
            segments.withLock { $0.append(p) }
        }
        #expect(result.sampleRate == parity.sampleRate)
        #expect(result.segmentCount == parity.segments)
        #expect(segments.withLock { $0 } == (0..<parity.segments).map { ConversionProgress(segment: $0, segmentCount: parity.segments) })
        #expect(result.samples.count == expected.count)
        #expect(try converter.outputLength(of: input, voice: voice) == expected.count)
        let snr = ParityMetrics.snr(result.samples.map(Double.init), reference: expected)
        print("SNR \(parity.name): \(String(format: "%.2f", snr)) dB")
        #expect(snr >= 60, "SNR \(snr) dB")
        #expect(result.timings.total > 0 && result.timings.features > 0 && result.timings.synthesis > 0)
        #expect((result.timings.pitch > 0) == parity.hasPitch)
    }

    @Test("RMVPE over the padded audio, key-shifted, matches the reference f0", arguments: ["v2_48k_f0", "v1_40k_f0"])
    func pitchMatchesReference(name: String) throws {
        let parity = try #require(try ParityCase.all().first { $0.name == name })
        let converter = try Self.converter()
        let prepared = try PreparedAudio(samples: parity.array("input16k").floats(), constants: converter.constants)
        var f0 = try converter.rmvpe.pitch(audio: Tensor(prepared.padded))
        PitchPostprocessor.shift(&f0, semitones: parity.key)
        let expected = try parity.array("f0").doubles()
        #expect(f0.count == expected.count)
        let sameVoicing = zip(f0, expected).filter { ($0 > 0) == ($1 > 0) }.count
        #expect(Double(sameVoicing) >= 0.995 * Double(expected.count))
        #expect(ParityMetrics.relativeError(f0, reference: expected) <= 1e-4)
    }

    @Test("segment 0 of the staged cases matches the reference synthesizer output", arguments: ParityCase.staged)
    func segmentMatchesReference(name: String) throws {
        let parity = try #require(try ParityCase.all().first { $0.name == name })
        let converter = try Self.converter()
        let voice = try Self.voice(parity)
        let prepared = try PreparedAudio(samples: parity.array("input16k").floats(), constants: converter.constants)
        let segment = try #require(prepared.plan.segments.first)
        #expect(Array(prepared.padded[segment.audio]) == (try parity.array("seg0_audio").doubles()))
        let features = try converter.hubert.extractFeatures(audio: Tensor(Array(prepared.padded[segment.audio])), version: voice.version)
        let hubert = try parity.array("seg0_hubert").doubles()
        #expect(ParityMetrics.relativeError(try features.toArray(Double.self), reference: hubert) <= 1e-4)
        var pitch: SegmentPitch?
        if voice.hasPitch {
            let f0 = try parity.array("f0").doubles()
            pitch = PitchPostprocessor.inputs(shiftedF0: f0, frames: prepared.pitchFrames)
        }
        let out = try voice.segments.convert(
            features: features.unsqueeze(0), pitch: pitch, segmentLength: segment.audio.count,
            options: SegmentOptions(speaker: 0, indexRate: parity.indexRate, protect: parity.protect))
        let expected = try parity.array("seg0_out").doubles()
        let actual = try out.toArray(Double.self)
        #expect(actual.count == expected.count)
        #expect(ParityMetrics.snr(actual, reference: expected) >= 60)
    }

    @Test("loading bounds oneDNN's primitive cache, so memory does not grow with each new input length")
    func loadingBoundsThePrimitiveCache() throws {
        _ = try Self.converter()
        // oneDNN reads its capacity from the environment at its first primitive.
        let capacity = ProcessInfo.processInfo.environment["ONEDNN_PRIMITIVE_CACHE_CAPACITY"]
        #expect(capacity == String(VoiceConverter.primitiveCacheCapacity))
        #expect(throws: TorchError.self) { try Torch.boundPrimitiveCache(capacity: 0) }
    }

    @Test("a progress handler that throws stops the conversion before the next segment")
    func throwingProgressStops() throws {
        struct Stop: Error, Equatable {}
        let parity = try #require(try ParityCase.all().first { $0.segments > 1 })
        let converter = try Self.converter()
        let voice = try Self.voice(parity)
        let input = try parity.array("input16k").floats()
        let seen = Mutex<[Int]>([])
        #expect(throws: Stop()) {
            try converter.convert(input, voice: voice, options: Self.options(parity)) { progress in
                seen.withLock { $0.append(progress.segment) }
                if progress.segment == 1 { throw Stop() }
            }
        }
        // Segment 0 was converted, segment 1 was not started, nothing came after.
        #expect(seen.withLock { $0 } == [0, 1])
    }

    @Test("audio shorter than the padding converts to the predicted length without NaN")
    func shorterThanPadding() throws {
        let converter = try Self.converter()
        let parity = try #require(try ParityCase.all().first { $0.name == "v2_48k_f0" })
        let voice = try Self.voice(parity)
        let input = try Array(parity.array("input16k").floats().prefix(8000))  // 0.5 s < t_pad = 1 s
        let result = try converter.convert(input, voice: voice, options: ConversionOptions(deterministic: true))
        #expect(result.samples.count == (try converter.outputLength(of: input, voice: voice)))
        #expect(result.samples.count > 20000)
        #expect(result.samples.contains { $0 != 0 })
        // The shortest accepted input still yields audio; one sample less is a clear error.
        let minimum = converter.minimumInputLength(for: voice)
        #expect(minimum == 400)
        let tiny = try converter.convert(Array(input.prefix(minimum)), voice: voice, options: ConversionOptions(deterministic: true))
        #expect(tiny.samples.count > 0)
        #expect(throws: ConversionError.inputTooShort(samples: minimum - 1, minimum: minimum)) {
            try converter.convert(Array(input.prefix(minimum - 1)), voice: voice)
        }
        #expect(throws: ConversionError.inputTooShort(samples: 0, minimum: minimum)) {
            try converter.convert([], voice: voice)
        }
    }

    @Test("the predicted output length follows the input's own split points, not only its length")
    func outputLengthFollowsTheSplitPoints() throws {
        let converter = try Self.converter()
        let voice = try Self.voice(try #require(try ParityCase.all().first { $0.name == "v2_48k_f0" }))
        // 200 s of synthetic singing splits at its quiet points into segments whose trimmed lengths
        // add up to 10 frames fewer than those of silence of the same length (which `rvc bench`
        // found on 400 and 600 s songs). That conversions produce the predicted length on
        // multi-segment input is checked by the parity cases above (v2_48k_long).
        let song = SyntheticVoice(seed: 1).samples(seconds: 200)
        let silence = [Float](repeating: 0, count: song.count)
        let predicted = try converter.outputLength(of: song, voice: voice)
        let plan = try PreparedAudio(samples: song, constants: converter.constants).plan
        #expect(plan.segments.count > 1)
        #expect(predicted != (try converter.outputLength(of: silence, voice: voice)))
        #expect(abs(predicted - 200 * voice.sampleRate) < voice.sampleRate)
    }

    @Test("pure silence converts to pure silence", arguments: ["v2_48k_f0", "v2_32k_nof0"])
    func silence(name: String) throws {
        let converter = try Self.converter()
        let parity = try #require(try ParityCase.all().first { $0.name == name })
        let voice = try Self.voice(parity)
        let result = try converter.convert([Float](repeating: 0, count: 32000), voice: voice, options: ConversionOptions(deterministic: true))
        #expect(result.samples.count == (try converter.outputLength(of: [Float](repeating: 0, count: 32000), voice: voice)))
        #expect(result.samples.allSatisfy { $0 == 0 })
    }

    @Test("non-finite input is rejected with its index")
    func nonFiniteInput() throws {
        let converter = try Self.converter()
        let voice = try Self.voice(try #require(try ParityCase.all().first { $0.name == "v2_32k_nof0" }))
        var input = [Float](repeating: 0.1, count: 4000)
        input[1234] = .nan
        #expect(throws: ConversionError.nonFiniteInput(index: 1234)) { try converter.convert(input, voice: voice) }
    }

    @Test("invalid options are rejected naming the option and its range")
    func invalidOptions() throws {
        let converter = try Self.converter()
        let voice = try Self.voice(try #require(try ParityCase.all().first { $0.name == "v2_32k_nof0" }))
        let input = [Float](repeating: 0.1, count: 4000)
        let cases: [(ConversionOptions, String)] = [
            (ConversionOptions(pitchShift: 25), "pitchShift"), (ConversionOptions(pitchShift: -25), "pitchShift"),
            (ConversionOptions(indexRate: 1.5), "indexRate"), (ConversionOptions(indexRate: .nan), "indexRate"),
            (ConversionOptions(protect: 0.6), "protect"), (ConversionOptions(protect: -0.1), "protect"),
            (ConversionOptions(rmsMixRate: 2), "rmsMixRate"), (ConversionOptions(speaker: voice.speakerCount), "speaker"),
            (ConversionOptions(speaker: -1), "speaker"),
        ]
        for (options, name) in cases {
            do {
                _ = try converter.convert(input, voice: voice, options: options)
                Issue.record("\(name) accepted: \(options)")
            } catch let ConversionError.invalidOption(option, _, allowed) {
                #expect(option == name)
                #expect(!allowed.isEmpty)
            }
        }
        #expect("\(ConversionError.invalidOption(name: "protect", value: "0.6", allowed: "0...0.5"))".contains("protect"))
    }

    @Test("a fixed seed reproduces the output; deterministic mode differs from noisy output")
    func seededNoise() throws {
        let converter = try Self.converter()
        let parity = try #require(try ParityCase.all().first { $0.name == "v2_48k_f0" })
        let voice = try Self.voice(parity)
        let input = try Array(parity.array("input16k").floats().prefix(16000))
        let a = try converter.convert(input, voice: voice, options: ConversionOptions(seed: 42))
        let b = try converter.convert(input, voice: voice, options: ConversionOptions(seed: 42))
        let quiet = try converter.convert(input, voice: voice, options: ConversionOptions(deterministic: true))
        #expect(a.samples == b.samples)
        #expect(a.samples != quiet.samples)
    }

    @Test("warm-up converts a one-second tone with the voice and reports its time", arguments: ["v2_48k_f0", "v2_32k_nof0"])
    func warmUp(name: String) throws {
        let converter = try Self.converter()
        let voice = try Self.voice(try #require(try ParityCase.all().first { $0.name == name }))
        let seconds = try converter.warmUp(voice)
        #expect(seconds > 0 && seconds < 60)
    }
}
