/// A model file (PyTorch checkpoint) could not be read. Every case names the file; messages say
/// what is wrong and where, so a user can act on them.
public enum CheckpointError: Error, Sendable, CustomStringConvertible, Equatable {
    /// The file could not be opened or mapped.
    case io(file: String, message: String)
    /// The file is a pre-1.6 (non-zip) PyTorch checkpoint, which is not read. Its pickles were
    /// scanned and name nothing outside the allow-list.
    case legacyFormat(file: String)
    /// The file is neither a zip archive nor a legacy PyTorch checkpoint.
    case notACheckpoint(file: String, message: String)
    /// The zip container is damaged or uses a feature this reader does not support.
    case corruptArchive(file: String, message: String)
    /// A required archive entry is absent.
    case missingEntry(file: String, entry: String)
    /// The pickle program in archive member `member` is malformed (truncated, wrong operand
    /// types, stack misuse); `offset` is the byte of the member where the opcode began.
    case pickle(file: String, member: String, offset: Int, message: String)
    /// The pickle in `member` names `global` (`module.name`), which is not on the allow-list of what
    /// a model file may contain (tensors, containers, plain configuration classes). The file is
    /// refused as a whole; nothing in it was run.
    case forbiddenGlobal(file: String, member: String, offset: Int, global: String)
    /// The pickle in `member` uses `opcode` (e.g. `INST (0x69)`), which this reader does not allow
    /// (it is not one `torch.save` writes, or it would import or call). The file is refused.
    case forbiddenOpcode(file: String, member: String, offset: Int, opcode: String)
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
                + "if you trust its source, re-save it with a recent torch: "
                + "torch.save(torch.load(f, weights_only=True), f)"
        case .notACheckpoint(let file, let message):
            return "\(file): not a PyTorch checkpoint: \(message)"
        case .corruptArchive(let file, let message):
            return "\(file): damaged or unsupported zip archive: \(message)"
        case .missingEntry(let file, let entry):
            return "\(file): archive entry '\(Self.printable(entry))' is missing"
        case .pickle(let file, let member, let offset, let message):
            return "\(file): invalid pickle at byte \(offset) of \(Self.printable(member)): \(message)"
        case .forbiddenGlobal(let file, let member, let offset, let global):
            return "\(file): refused: \(Self.printable(member)) names the global '\(Self.printable(global))' "
                + "(at byte \(offset)), which a model file may not contain; nothing from the file was run"
        case .forbiddenOpcode(let file, let member, let offset, let opcode):
            return "\(file): refused: \(Self.printable(member)) uses the pickle opcode \(opcode) "
                + "(at byte \(offset)), which a model file may not contain; nothing from the file was run"
        case .limitExceeded(let file, let what, let limit):
            return "\(file): \(what) exceeds the safety limit of \(limit)"
        case .storage(let file, let key, let message):
            return "\(file): tensor storage '\(Self.printable(key))': \(message)"
        case .structure(let file, let field, let message):
            return "\(file): field '\(field)': \(message)"
        }
    }

    /// Text taken from a file (member or global names), made safe to print: control characters and
    /// other invisible scalars escaped, at most 200 characters.
    static func printable(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars.prefix(200) {
            switch scalar.properties.generalCategory {
            case .control, .format, .lineSeparator, .paragraphSeparator, .unassigned, .surrogate, .privateUse:
                out += "\\u{\(String(scalar.value, radix: 16))}"
            default:
                out.unicodeScalars.append(scalar)
            }
        }
        return text.unicodeScalars.count > 200 ? out + "…" : out
    }
}
