/// A faiss `.index` file could not be read. Every case names the file.
public enum IndexFileError: Error, Sendable, CustomStringConvertible, Equatable {
    /// The file could not be opened or mapped.
    case io(file: String, message: String)
    /// The index (or a sub-structure) is of a type this reader does not support, by fourcc.
    case unsupportedType(file: String, fourcc: String)
    /// The file ends before a declared structure does.
    case truncated(file: String, offset: Int, what: String)
    /// A field has a value that is impossible or inconsistent.
    case invalid(file: String, field: String, message: String)
    /// The file is larger than the reader's limit (``FaissIndexFile/defaultMaxBytes`` unless given).
    case tooLarge(file: String, bytes: Int, limit: Int)

    public var description: String {
        switch self {
        case .io(let file, let message):
            return "\(file): cannot read the index file: \(message)"
        case .unsupportedType(let file, let fourcc):
            return "\(file): unsupported faiss index type '\(fourcc)' (only IndexIVFFlat 'IwFl' with a flat quantizer is read)"
        case .truncated(let file, let offset, let what):
            return "\(file): truncated index file: \(what) at byte \(offset) runs past the end"
        case .invalid(let file, let field, let message):
            return "\(file): invalid index field '\(field)': \(message)"
        case .tooLarge(let file, let bytes, let limit):
            return "\(file): the index file has \(bytes) bytes, more than the limit of \(limit)"
        }
    }
}
