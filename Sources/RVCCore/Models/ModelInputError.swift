/// Input that a network cannot process (as opposed to bad weights, which are ``WeightError``s).
public enum ModelInputError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The audio is shorter than the network's receptive field.
    case audioTooShort(model: String, samples: Int, minimum: Int)
    /// The input tensor has the wrong rank, size or dtype.
    case badInput(model: String, what: String)
    /// The caller asked for something the loaded weights do not provide.
    case unavailable(model: String, what: String)

    public var description: String {
        switch self {
        case .audioTooShort(let model, let samples, let minimum):
            return "\(model): audio of \(samples) samples is too short; at least \(minimum) samples (16 kHz) are needed"
        case .badInput(let model, let what):
            return "\(model): \(what)"
        case .unavailable(let model, let what):
            return "\(model): \(what)"
        }
    }
}
