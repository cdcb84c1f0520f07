import Foundation

/// A scratch directory for one test, removed when the value goes away.
final class TemporaryDirectory {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("rvc-ckpt-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: url) }

    func file(_ name: String) -> URL { url.appendingPathComponent(name) }

    /// Writes raw bytes to `name`.
    func write(_ bytes: [UInt8], _ name: String) throws -> URL {
        let target = file(name)
        try Data(bytes).write(to: target)
        return target
    }
}
