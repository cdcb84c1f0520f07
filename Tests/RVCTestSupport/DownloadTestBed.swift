import Foundation

/// What a download test starts from: the shared loopback ``TestHTTPServer``, a fresh
/// ``TemporaryDirectory`` to download into (removed with the bed), and a tag that makes the test's
/// paths unique on the shared server, whose request counts and gates are kept per path.
public struct DownloadTestBed: Sendable {
    /// The server every test of the process shares (``TestHTTPServer/shared()``).
    public let server: TestHTTPServer
    /// This test's own folder.
    public let directory: TemporaryDirectory
    /// Eight characters unique to this bed, for paths on the shared server.
    public let tag = String(UUID().uuidString.prefix(8))

    /// Starts (or joins) the shared server and creates the folder.
    /// - Throws: `TestHTTPServer.ServerError` when the server cannot start; the file system's
    ///   error when the folder cannot be created.
    public init() async throws {
        server = try await TestHTTPServer.shared()
        directory = try TemporaryDirectory()
    }
}
