/// A synthesizer (or the per-segment conversion step around it) was called with inputs it cannot use.
public enum SynthesizerError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The speaker id is not a row of the model's speaker table (`emb_g`).
    case speakerOutOfRange(speaker: Int, count: Int)
    /// The features have `actual` channels but the model's phone projection takes `expected`.
    case featureWidth(expected: Int, actual: Int)
    /// A tensor argument has the wrong rank or layout.
    case badShape(argument: String, expected: String, actual: [Int])
    /// Pitch and features disagree in length (frames).
    case lengthMismatch(argument: String, expected: Int, actual: Int)
    /// A pitch-conditioned model was called without pitch.
    case missingPitch
    /// An option is outside its documented range.
    case invalidOption(name: String, value: Double, range: String)

    public var description: String {
        switch self {
        case .speakerOutOfRange(let speaker, let count):
            return "speaker id \(speaker) is out of range: the model has \(count) speaker(s) (0..<\(count))"
        case .featureWidth(let expected, let actual):
            return "features have \(actual) channels but the voice model expects \(expected)"
        case .badShape(let argument, let expected, let actual):
            return "\(argument) has shape \(actual), expected \(expected)"
        case .lengthMismatch(let argument, let expected, let actual):
            return "\(argument) has \(actual) frames, expected \(expected)"
        case .missingPitch:
            return "this voice model is pitch-conditioned and needs a pitch track"
        case .invalidOption(let name, let value, let range):
            return "\(name) = \(value) is outside \(range)"
        }
    }
}
