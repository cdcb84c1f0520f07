import ArgumentParser
import RVCCore

/// Parsing of the `--device` and `--precision` values shared by the commands.
enum DeviceArguments {
    /// `auto` (CUDA device 0 when available, else the CPU), `cpu`, `cuda` or `cuda:N`.
    static func device(_ text: String) throws -> Device {
        if text == "auto" { return .automatic }
        guard let parsed = Device(text) else {
            throw ValidationError("--device must be auto, cpu, cuda or cuda:N, got '\(text)'")
        }
        return parsed
    }

    /// `auto` (fp32 on the CPU, fp16 on CUDA), `fp32`, `fp16` or `bf16`.
    static func precision(_ text: String, for device: Device) throws -> ComputePrecision {
        if text == "auto" { return .automatic(for: device) }
        guard let parsed = ComputePrecision(rawValue: text) else {
            throw ValidationError("--precision must be auto, fp32, fp16 or bf16, got '\(text)'")
        }
        return parsed
    }
}
