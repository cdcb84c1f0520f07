import Foundation

/// Locates the test fixtures committed under `Tests/Fixtures`.
enum Fixtures {
    /// `Tests/Fixtures`.
    static let root: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // Support
        .deletingLastPathComponent()  // RVCCoreTests
        .deletingLastPathComponent()  // Tests
        .appendingPathComponent("Fixtures")

    /// A file of the reference parity fixtures (`Tests/Fixtures/parity/NAME`).
    static func parity(_ name: String) -> URL {
        root.appendingPathComponent("parity").appendingPathComponent(name)
    }
}
