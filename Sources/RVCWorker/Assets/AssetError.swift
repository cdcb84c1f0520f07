/// Errors of ``AssetDownloader``.
public enum AssetError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The downloaded file's SHA-256 is not the pinned one; nothing was kept.
    case checksumMismatch(name: String, url: String, expected: String, actual: String)
    /// The download itself failed.
    case downloadFailed(name: String, url: String, message: String)
    /// The asset folder cannot be created or written.
    case fileSystem(path: String, message: String)

    public var description: String {
        switch self {
        case .checksumMismatch(let name, let url, let expected, let actual):
            "\(name) from \(url) has SHA-256 \(actual), expected \(expected); the file was not kept"
        case .downloadFailed(let name, let url, let message):
            "could not download \(name) from \(url): \(message)"
        case .fileSystem(let path, let message):
            "\(path): \(message)"
        }
    }
}
