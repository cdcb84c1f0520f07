import Foundation
import RVCWorker

/// A conversion engine for tests of the job runner and the loops that need no model: "loading"
/// reads the checkpoint file (which must start with `RVCTEST`; `RVCTEST-oom` fails as out of
/// memory), and "converting" returns the input as 16-bit samples at 16 kHz, delayed by `delay`, or
/// held by `hold` until the test releases it. The real engine is exercised by the end-to-end tests
/// with the fixture models.
struct TestEngine: ConversionEngine {
    var delay: Double = 0
    var hold: ConversionHold?
    var deviceDescription: String { "test" }

    func prepare() throws {}

    func loadModel(checkpoint: URL, index: URL?) throws -> any LoadedVoiceModel {
        let text = String(decoding: try Data(contentsOf: checkpoint).prefix(64), as: UTF8.self)
        guard text.hasPrefix("RVCTEST") else {
            throw TestEngineError(message: "\(checkpoint.lastPathComponent) is not an RVC checkpoint")
        }
        if text.hasPrefix("RVCTEST-oom") { throw TestEngineError(message: "CUDA out of memory while loading") }
        return Model(delay: delay, hold: hold)
    }

    struct Model: LoadedVoiceModel {
        var delay: Double
        var hold: ConversionHold?
        var info: VoiceModelInfo { VoiceModelInfo(version: "v2", sampleRate: 40_000, usesPitch: true, speakerCount: 1) }

        func convert(samples16k: [Float], settings: ConversionSettings, cancellation: JobCancellation) throws -> ConvertedAudio {
            if settings.speaker >= info.speakerCount {
                throw TestEngineError(message: "speaker \(settings.speaker) is not in this model (1 speaker)")
            }
            if delay > 0 { Thread.sleep(forTimeInterval: delay) }
            if let hold { try hold.pass(cancellation) }
            let samples = samples16k.map { Int16(max(-1, min(1, $0)) * 32_767) }
            return ConvertedAudio(samples: samples, sampleRate: 16_000, pitchSeconds: 0.001, inferenceSeconds: 0.002)
        }
    }
}

struct TestEngineError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}
