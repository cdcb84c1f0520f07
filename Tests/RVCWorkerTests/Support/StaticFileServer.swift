import Foundation
import Hummingbird
import Logging
import Synchronization

/// A loopback HTTP server for tests: serves registered byte blobs at paths (`GET /name`), 404
/// otherwise, and counts requests per path.
final class StaticFileServer: Sendable {
    private let files = Mutex<[String: Data]>([:])
    private let hits = Mutex<[String: Int]>([:])
    private let task = Mutex<Task<Void, any Error>?>(nil)
    private let boundPort = Mutex(0)

    var port: Int { boundPort.withLock { $0 } }
    var baseURL: String { "http://127.0.0.1:\(port)" }

    static func start(_ files: [String: Data] = [:]) async throws -> StaticFileServer {
        let server = StaticFileServer()
        for (name, data) in files { server.serve(data, at: name) }
        try await server.launch()
        return server
    }

    func serve(_ data: Data, at name: String) { files.withLock { $0["/" + name] = data } }
    func url(_ name: String) -> String { "\(baseURL)/\(name)" }
    func requestCount(_ name: String) -> Int { hits.withLock { $0["/" + name] ?? 0 } }

    private func launch() async throws {
        let router = Router()
        router.get("**") { request, _ -> Response in
            let path = request.uri.path
            self.hits.withLock { $0[path, default: 0] += 1 }
            guard let data = self.files.withLock({ $0[path] }) else { return Response(status: .notFound) }
            return Response(
                status: .ok, headers: [.contentType: "application/octet-stream"],
                body: .init(byteBuffer: ByteBuffer(bytes: data)))
        }
        let (stream, continuation) = AsyncStream.makeStream(of: Int.self)
        var logger = Logger(label: "static-file-server")
        logger.logLevel = .warning
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in continuation.yield(channel.localAddress?.port ?? 0) },
            logger: logger)
        task.withLock { $0 = Task { try await app.runService() } }
        for await bound in stream {
            boundPort.withLock { $0 = bound }
            break
        }
    }

    func stop() { task.withLock { $0?.cancel() } }
    deinit { task.withLock { $0?.cancel() } }
}
