import Foundation

/// A fresh folder under the system temporary directory for one test, removed with everything in it
/// when the value is released.
public final class TemporaryDirectory: Sendable {
    /// The folder (`<tmp>/rvc-tests-<UUID>`); it exists once `init()` returned.
    public let url: URL

    /// Creates the folder.
    /// - Throws: the file system's error when the folder cannot be created.
    public init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("rvc-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: url) }

    /// The URL of `name` inside the folder (the file need not exist).
    public func file(_ name: String) -> URL { url.appendingPathComponent(name) }

    /// Writes raw bytes to `name` inside the folder and returns its URL.
    /// - Throws: the file system's error when the file cannot be written.
    @discardableResult
    public func write(_ bytes: [UInt8], _ name: String) throws -> URL {
        let target = file(name)
        try Data(bytes).write(to: target)
        return target
    }

    /// Names of the entries in the folder, hidden ones included, sorted; empty when it cannot be read.
    public func contents() -> [String] {
        (try? FileManager.default.contentsOfDirectory(atPath: url.path))?.sorted() ?? []
    }
}
