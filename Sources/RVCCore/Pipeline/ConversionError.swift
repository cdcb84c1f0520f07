/// Errors of the conversion pipeline (``VoiceConverter``).
public enum ConversionError: Error, Sendable, Equatable, CustomStringConvertible {
    /// An option is outside its allowed range.
    case invalidOption(name: String, value: String, allowed: String)
    /// The input has fewer samples than the pipeline can convert (16 kHz samples).
    case inputTooShort(samples: Int, minimum: Int)
    /// The input holds a NaN or infinite sample at `index`.
    case nonFiniteInput(index: Int)
    /// The networks do not implement this compute precision yet.
    case unsupportedPrecision(String)

    public var description: String {
        switch self {
        case let .invalidOption(name, value, allowed):
            return "invalid option \(name) = \(value): allowed range is \(allowed)"
        case let .inputTooShort(samples, minimum):
            return "input audio is too short: \(samples) samples at 16 kHz, at least \(minimum) (\((minimum * 1000 + 15999) / 16000) ms) are needed"
        case let .nonFiniteInput(index):
            return "input audio holds a NaN or infinite sample at index \(index)"
        case let .unsupportedPrecision(precision):
            return "precision \(precision) is not yet supported by the networks (use fp32\(precision == "fp16" ? "" : " or fp16"))"
        }
    }
}
