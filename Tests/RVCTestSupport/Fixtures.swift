import Foundation

/// Locates the test fixtures committed under `Tests/Fixtures` from any test target.
///
/// The folder is found from this file's own path (`Tests/RVCTestSupport/Fixtures.swift`), so it does
/// not depend on which target or folder the caller lives in; when the sources have moved since the
/// build, it is looked for above the current directory instead.
public enum Fixtures {
    /// `Tests/Fixtures`.
    public static let root: URL = {
        let besideSources = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent()  // RVCTestSupport
            .deletingLastPathComponent()  // Tests
            .appendingPathComponent("Fixtures")
        if FileManager.default.fileExists(atPath: besideSources.path) { return besideSources }
        var directory = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        while directory.path != "/" {
            let candidate = directory.appendingPathComponent("Tests/Fixtures")
            if FileManager.default.fileExists(atPath: candidate.path) { return candidate }
            directory = directory.deletingLastPathComponent()
        }
        return besideSources
    }()

    /// The package's root folder (the one holding `Package.swift` and `Tests/`).
    public static var packageRoot: URL {
        root.deletingLastPathComponent().deletingLastPathComponent()
    }

    /// A file of the reference parity fixtures: `Tests/Fixtures/parity/<name>`.
    public static func parity(_ name: String) -> URL {
        root.appendingPathComponent("parity").appendingPathComponent(name)
    }

    /// A file of the demo material: `Tests/Fixtures/demo/<name>`.
    public static func demo(_ name: String) -> URL {
        root.appendingPathComponent("demo").appendingPathComponent(name)
    }
}
