/// Errors of the conversion pipeline (``VoiceConverter``).
public enum ConversionError: Error, Sendable, Equatable, CustomStringConvertible {
    /// An option is outside its allowed range.
    case invalidOption(name: String, value: String, allowed: String)
    /// The input has fewer samples than the pipeline can convert (16 kHz samples).
    case inputTooShort(samples: Int, minimum: Int)
    /// The input holds a NaN or infinite sample at `index`.
    case nonFiniteInput(index: Int)
    /// A network produced NaN or infinite values (an overflow of the compute precision, or a broken
    /// model): `stage` is the first stage whose result is not finite; `segment` the segment index
    /// (nil for the whole-file pitch); `precision` the compute precision ("fp16", "bf16", "fp32").
    case nonFiniteResult(stage: ConversionStage, segment: Int?, precision: String)

    public var description: String {
        switch self {
        case let .invalidOption(name, value, allowed):
            return "invalid option \(name) = \(value): allowed range is \(allowed)"
        case let .inputTooShort(samples, minimum):
            return "input audio is too short: \(samples) samples at 16 kHz, at least \(minimum) (\((minimum * 1000 + 15999) / 16000) ms) are needed"
        case let .nonFiniteInput(index):
            return "input audio holds a NaN or infinite sample at index \(index)"
        case let .nonFiniteResult(stage, segment, precision):
            let place = segment.map { " in segment \($0)" } ?? ""
            let hint = precision == "fp32" ? "the model's weights may be broken" : "retry with --precision fp32 or bf16"
            return "the \(stage.rawValue) stage produced NaN or infinite values\(place) in \(precision) (\(hint))"
        }
    }
}
