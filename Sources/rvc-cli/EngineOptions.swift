import ArgumentParser
import Foundation
import Logging
import RVCCore
import RVCWorker

/// Options shared by `rvc convert`, `rvc worker` and `rvc serve`: where the shared networks are and
/// which device runs the conversion.
struct EngineOptions: ParsableArguments {
    @Option(help: "HuBERT checkpoint (default: hubert_base.pt in $RVC_ASSETS).")
    var hubert: String?

    @Option(help: "RMVPE checkpoint (default: rmvpe.pt in $RVC_ASSETS).")
    var rmvpe: String?

    @Option(help: "auto, cpu, cuda or cuda:N.")
    var device: String = "auto"

    @Option(help: "auto, fp32, fp16 or bf16 (auto: fp32 on CPU, fp16 on CUDA).")
    var precision: String = "auto"

    @Flag(name: .customLong("cudnn-benchmark"), help: "Let cuDNN time its convolution algorithms per input shape (CUDA; pays off when lengths repeat).")
    var cuDNNBenchmark = false

    func validate() throws {
        _ = try parsedPrecision(for: try parsedDevice())
    }

    func parsedDevice() throws -> Device { try DeviceArguments.device(device) }

    func parsedPrecision(for device: Device) throws -> ComputePrecision {
        try DeviceArguments.precision(precision, for: device)
    }

    /// The job runner for this process, with its engine loaded and warmed up.
    func makeRunner(environment: [String: String]) async throws -> JobRunner {
        let device = try parsedDevice()
        let precision = try parsedPrecision(for: device)
        let assets = AssetLocations(environment: environment)
        let hubertURL = hubert.map { URL(fileURLWithPath: $0) } ?? assets.hubert
        let rmvpeURL = rmvpe.map { URL(fileURLWithPath: $0) } ?? assets.rmvpe
        let logger = Logger(label: "rvc.worker")
        let start = ContinuousClock.now
        let engine: RVCConversionEngine
        do {
            engine = try RVCConversionEngine(
                hubert: hubertURL, rmvpe: rmvpeURL, device: device, precision: precision, cuDNNBenchmark: cuDNNBenchmark)
            try engine.prepare()
        } catch {
            FileHandle.standardError.write(Data(
                "error: cannot load the shared networks (\(hubertURL.path), \(rmvpeURL.path)): \(error)\nhint: run `rvc assets download`\n".utf8))
            throw ExitCode.failure
        }
        logger.info("engine ready", metadata: [
            "device": "\(engine.deviceDescription)", "seconds": "\(ContinuousClock.now - start)",
        ])
        do {
            return try WorkerRuntime.makeRunner(engine: engine, environment: environment, logger: logger)
        } catch {
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            throw ExitCode.failure
        }
    }
}
