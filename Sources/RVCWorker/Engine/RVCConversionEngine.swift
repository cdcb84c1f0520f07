import Foundation
import RVCCore

/// The real ``ConversionEngine``: RVCCore's ``VoiceConverter`` (HuBERT and RMVPE loaded once per
/// process) and ``VoiceModel`` for each voice model.
public final class RVCConversionEngine: ConversionEngine {
    public let converter: VoiceConverter
    public let device: Device
    public let precision: ComputePrecision

    /// Loads HuBERT and RMVPE.
    /// - Parameter cuDNNBenchmark: turns cuDNN autotuning on (CUDA only; see ``Torch/cuDNNBenchmark``).
    /// - Throws: as ``VoiceConverter/load(hubert:rmvpe:device:precision:)``.
    public init(hubert: URL, rmvpe: URL, device: Device, precision: ComputePrecision, cuDNNBenchmark: Bool = false) throws {
        if device.isCUDA { Torch.cuDNNBenchmark = cuDNNBenchmark }
        converter = try VoiceConverter.load(hubert: hubert, rmvpe: rmvpe, device: device, precision: precision)
        self.device = device
        self.precision = precision
    }

    /// Runs HuBERT and RMVPE once on one second of quiet noise, so lazy initialisation (allocator
    /// pools, cuDNN plans, kernels) happens before the first job.
    public func prepare() throws {
        var generator = SystemRandomNumberGenerator()
        let samples = (0..<16_000).map { _ in Float.random(in: -0.01...0.01, using: &generator) }
        try Torch.inferenceMode {
            let audio = try Tensor(samples)
            _ = try converter.hubert.extractFeatures(audio: audio, version: .v2)
            _ = try converter.rmvpe.pitch(audio: audio)
        }
        if case .cuda(let ordinal) = device { try Torch.cudaSynchronize(device: ordinal) }
    }

    public var deviceDescription: String {
        guard case .cuda(let ordinal) = device else { return "cpu (\(precision.rawValue))" }
        let name = (try? Torch.cudaDeviceName(device: ordinal)) ?? "unknown GPU"
        let memory = (try? Torch.cudaMemory(device: ordinal)).map {
            ", \($0.total >> 20) MiB total, \($0.free >> 20) MiB free"
        } ?? ""
        return "cuda:\(ordinal) (\(name)\(memory), \(precision.rawValue))"
    }

    /// Loads a voice model; on CUDA it then converts a one-second tone with it
    /// (``VoiceConverter/warmUp(_:)``), so the synthesizer's first kernels and plans are not paid
    /// by the first job that uses the model.
    public func loadModel(checkpoint: URL, index: URL?) throws -> any LoadedVoiceModel {
        let voice = try VoiceModel.load(model: checkpoint, index: index, device: device, precision: precision)
        if device.isCUDA { try converter.warmUp(voice) }
        return Model(voice: voice, converter: converter)
    }

    struct Model: LoadedVoiceModel {
        let voice: VoiceModel
        let converter: VoiceConverter

        var info: VoiceModelInfo {
            VoiceModelInfo(
                version: voice.version.rawValue, sampleRate: voice.sampleRate, usesPitch: voice.hasPitch,
                speakerCount: voice.speakerCount)
        }

        func convert(samples16k: [Float], settings: ConversionSettings, cancellation: JobCancellation) throws -> ConvertedAudio {
            let options = ConversionOptions(
                pitchShift: settings.pitchShift, indexRate: settings.indexRate, protect: settings.protect,
                rmsMixRate: settings.rmsMixRate, speaker: settings.speaker)
            // A cancelled job stops before its next segment (LibTorch calls cannot be interrupted).
            // Jobs running side by side share the process's CPU threads (one budget, not one each).
            let result = try ThreadBudget.shared.withShare {
                try converter.convert(samples16k, voice: voice, options: options) { _ in try cancellation.check() }
            }
            return ConvertedAudio(
                samples: result.samples, sampleRate: result.sampleRate, pitchSeconds: result.timings.pitch,
                inferenceSeconds: result.timings.total - result.timings.pitch)
        }
    }
}
