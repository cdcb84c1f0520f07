/// The floating-point precision the networks compute in.
public enum ComputePrecision: String, Sendable, CaseIterable, Codable {
    /// float32 everywhere (the reference's `is_half=False`).
    case float32 = "fp32"
    /// float16 networks (the reference's production `is_half=True`), with the synthesizer's text
    /// encoder kept in float32 (see ``Synthesizer``).
    case float16 = "fp16"
    /// bfloat16 networks: float32's range with 8 significant bits, so nothing overflows.
    case bfloat16 = "bf16"

    /// The tensor dtype of the networks.
    public var dtype: DType {
        switch self {
        case .float32: return .float32
        case .float16: return .float16
        case .bfloat16: return .bfloat16
        }
    }

    /// The default for `device`: float32 on the CPU, half precision on CUDA (as the reference).
    public static func automatic(for device: Device) -> ComputePrecision {
        device.isCUDA ? .float16 : .float32
    }
}
