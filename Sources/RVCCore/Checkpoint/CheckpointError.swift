/// A model file (PyTorch checkpoint) could not be read. Every case names the file; messages say
/// what is wrong and where, so a user can act on them.
public enum CheckpointError: Error, Sendable, CustomStringConvertible, Equatable {
    /// The file could not be opened or mapped.
    case io(file: String, message: String)
    /// The file is a pre-1.6 (non-zip) PyTorch checkpoint, which is not read.
    case legacyFormat(file: String)
    /// The file is neither a zip archive nor a legacy PyTorch checkpoint.
    case notACheckpoint(file: String, message: String)
    /// The zip container is damaged or uses a feature this reader does not support.
    case corruptArchive(file: String, message: String)
    /// A required archive entry is absent.
    case missingEntry(file: String, entry: String)
    /// The pickle program is malformed (bad opcode, truncated, wrong operand types).
    case pickle(file: String, offset: Int, message: String)
    /// A declared size, depth or count exceeds a safety limit.
    case limitExceeded(file: String, what: String, limit: Int)
    /// A tensor storage is inconsistent with its payload (size, bounds, dtype).
    case storage(file: String, key: String, message: String)
    /// The decoded content does not have the structure the model type needs.
    case structure(file: String, field: String, message: String)

    public var description: String {
        switch self {
        case .io(let file, let message):
            return "\(file): cannot read the file: \(message)"
        case .legacyFormat(let file):
            return "\(file): legacy (pre-1.6, non-zip) PyTorch checkpoint format is not supported; "
                + "re-save it with a recent torch: torch.save(torch.load(f), f)"
        case .notACheckpoint(let file, let message):
            return "\(file): not a PyTorch checkpoint: \(message)"
        case .corruptArchive(let file, let message):
            return "\(file): damaged or unsupported zip archive: \(message)"
        case .missingEntry(let file, let entry):
            return "\(file): archive entry '\(entry)' is missing"
        case .pickle(let file, let offset, let message):
            return "\(file): invalid pickle at byte \(offset) of data.pkl: \(message)"
        case .limitExceeded(let file, let what, let limit):
            return "\(file): \(what) exceeds the safety limit of \(limit)"
        case .storage(let file, let key, let message):
            return "\(file): tensor storage '\(key)': \(message)"
        case .structure(let file, let field, let message):
            return "\(file): field '\(field)': \(message)"
        }
    }
}
