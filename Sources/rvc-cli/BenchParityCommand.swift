import ArgumentParser
import Foundation
import RVCBench
import RVCCore

/// `rvc bench parity`: this machine's numerics against the reference fixtures.
struct BenchParityCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "parity",
        abstract: "Check this machine's numerics against the reference's parity fixtures.",
        discussion: """
            Runs the tiny reference networks of a parity fixture folder (the repository's \\
            Tests/Fixtures/parity: manifest.json, HuBERT, RMVPE and voice models, the reference's \\
            inputs and outputs) on --device in --precision: HuBERT's v1/v2 features from both \\
            checkpoint variants, RMVPE's mel, salience and f0, and every end-to-end case. float32 is \\
            held to the fixtures' tolerances (stages within 1e-4 relative, outputs ≥ 60 dB SNR, exact \\
            lengths); fp16 and bf16 to --min-snr (default 30 dB) against the same float32 outputs. \\
            Prints a JSON report; exits 1 when a check fails.
            """)

    @Option(help: "The parity fixture folder.")
    var fixtures: String = "Tests/Fixtures/parity"

    @Option(help: "auto, cpu, cuda or cuda:N.")
    var device: String = "auto"

    @Option(help: "fp32, fp16 or bf16 (auto: fp32 on the CPU, fp16 on CUDA).")
    var precision: String = "fp32"

    @Option(name: .customLong("min-snr"), help: "Least SNR in dB for outputs (and half-precision stages); default 60 for fp32, 30 otherwise.")
    var minimumSNR: Double?

    @Option(help: "Also write the JSON report to this file.")
    var report: String?

    @Flag(help: "Print no progress on stderr.")
    var quiet = false

    func validate() throws {
        _ = try DeviceArguments.precision(precision, for: try DeviceArguments.device(device))
        if let minimumSNR, !(minimumSNR.isFinite && minimumSNR > 0) {
            throw ValidationError("--min-snr must be a positive number of dB, got \(minimumSNR)")
        }
    }

    func run() throws {
        let parsedDevice = try DeviceArguments.device(device)
        let parsedPrecision = try DeviceArguments.precision(precision, for: parsedDevice)
        var suite = ParitySuite(
            fixtures: URL(fileURLWithPath: fixtures, isDirectory: true), device: parsedDevice, precision: parsedPrecision)
        if let minimumSNR { suite.thresholds.snr = minimumSNR }
        let result: ParityReport
        do {
            result = try suite.run { line in
                if !quiet { FileHandle.standardError.write(Data("rvc bench parity: \(line)\n".utf8)) }
            }
        } catch let error as ParityError {
            throw ValidationError("\(error)")
        }
        let json = try result.json()
        if let report {
            try Data((json + "\n").utf8).write(to: URL(fileURLWithPath: report), options: .atomic)
        }
        print(json)
        if !result.passed {
            let failed = result.checks.filter { !$0.passed }.map(\.name)
            FileHandle.standardError.write(Data("rvc bench parity: \(failed.count) check(s) failed: \(failed.joined(separator: ", "))\n".utf8))
            throw ExitCode.failure
        }
    }
}
