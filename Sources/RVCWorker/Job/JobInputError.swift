/// Why a job's `input` object was rejected. Raised before anything is downloaded; every case names
/// the field at fault.
public enum JobInputError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The job has no `input`, or it is not a JSON object (`found` is the JSON type given).
    case notAnObject(found: String)
    /// A field that is not part of the schema.
    case unknownField(String)
    /// A required field is absent or null.
    case missingField(String)
    /// A field has the wrong JSON type.
    case wrongType(field: String, expected: String, found: String)
    /// A number outside its allowed range, or a string not among its allowed values.
    case outOfRange(field: String, value: String, allowed: String)
    /// A value of the right type that is still unusable (an URL with the wrong scheme, a tag that
    /// is too long, a bitrate for a lossless format).
    case invalidValue(field: String, reason: String)

    /// The field the error is about, when there is one.
    public var field: String? {
        switch self {
        case .notAnObject: "input"
        case .unknownField(let field), .missingField(let field): field
        case .wrongType(let field, _, _), .outOfRange(let field, _, _), .invalidValue(let field, _): field
        }
    }

    public var description: String {
        switch self {
        case .notAnObject(let found):
            "input must be a JSON object, not \(found)"
        case .unknownField(let field):
            "input field '\(field)' is not a valid option"
        case .missingField(let field):
            "input field '\(field)' is required"
        case .wrongType(let field, let expected, let found):
            "input field '\(field)' must be \(expected), not \(found)"
        case .outOfRange(let field, let value, let allowed):
            "input field '\(field)' is \(value); allowed: \(allowed)"
        case .invalidValue(let field, let reason):
            "input field '\(field)' \(reason)"
        }
    }
}
