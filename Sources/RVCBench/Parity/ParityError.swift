/// Why a parity check could not run (as opposed to running and missing its threshold, which the
/// report records).
public enum ParityError: Error, Equatable, CustomStringConvertible {
    /// A fixture array could not be read.
    case unreadableArray(file: String, reason: String)
    /// The fixture folder's `manifest.json` is missing or malformed.
    case manifest(file: String, reason: String)
    /// A fixture names a file that is not in the folder.
    case missingFile(String)

    public var description: String {
        switch self {
        case .unreadableArray(let file, let reason): return "parity fixture \(file): \(reason)"
        case .manifest(let file, let reason): return "parity manifest \(file): \(reason)"
        case .missingFile(let file): return "parity fixture \(file) is missing"
        }
    }
}
