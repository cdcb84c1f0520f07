import Foundation
import Hummingbird
import Logging

/// `rvc serve`: a local HTTP API with the shapes of RunPod's public endpoint API
/// (`docs/runpod-protocol.md` §15): `POST /run` (→ `IN_QUEUE`), `POST /runsync[?wait=ms]`,
/// `GET /status/{id}` and `GET /stream/{id}` (also `POST`, as the SDK's local server has them),
/// `POST /cancel/{id}` (stops a running conversion), `GET /health`. Jobs run in arrival order, at most `concurrency` at once. Bad requests get a
/// 4xx JSON body `{"error": "..."}`.
public struct LocalAPIServer: Sendable {
    /// Listening address and limits.
    public struct Configuration: Sendable {
        public var host: String = "127.0.0.1"
        /// 0 picks a free port (reported through `onListening`).
        public var port: Int = 8000
        /// Jobs run at once. Default 1.
        public var concurrency: Int = 1
        /// Largest `/run` body, in bytes (the platform's 10 MB).
        public var maxRunBytes: Int = 10_000_000
        /// Largest `/runsync` body, in bytes (the platform's 20 MB).
        public var maxRunSyncBytes: Int = 20_000_000
        public init() {}
    }

    public let configuration: Configuration
    private let queue: LocalJobQueue
    private let logger: Logger

    public init(configuration: Configuration, logger: Logger = Logger(label: "rvc.serve"), handler: @escaping RunPodWorker.Handler) {
        self.configuration = configuration
        self.queue = LocalJobQueue(handler: handler, concurrency: configuration.concurrency)
        self.logger = logger
    }

    /// Serves until the calling task is cancelled (or SIGTERM/SIGINT).
    /// - Parameter onListening: called with the bound port once the server accepts connections.
    public func run(onListening: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
        let router = Router()
        let queue = self.queue
        let limits = (run: configuration.maxRunBytes, runSync: configuration.maxRunSyncBytes)

        router.post("/run") { request, _ -> Response in
            var request = request
            switch await Self.readJobRequest(&request, limit: limits.run) {
            case .failure(let failure): return failure.response
            case .success(let body):
                let id = await queue.submit(body)
                return Self.json(.object(["id": .string(id), "status": "IN_QUEUE"]))
            }
        }
        router.post("/runsync") { request, _ -> Response in
            var request = request
            let wait = request.uri.queryParameters.get("wait", as: Int.self) ?? 90_000
            guard (1_000...300_000).contains(wait) else {
                return Self.error(.badRequest, "query parameter 'wait' must be 1000...300000 milliseconds, not \(wait)")
            }
            switch await Self.readJobRequest(&request, limit: limits.runSync) {
            case .failure(let failure): return failure.response
            case .success(let body):
                let id = await queue.submit(body)
                let document = await queue.wait(for: id, timeout: .milliseconds(wait))
                return Self.json(document ?? .object(["id": .string(id), "status": "IN_QUEUE"]))
            }
        }
        let status: @Sendable (Request, BasicRequestContext) async throws -> Response = { _, context in
            let id = context.parameters.get("id") ?? ""
            guard let document = await queue.status(of: id) else { return Self.error(.notFound, "no job with id '\(id)'") }
            return Self.json(document)
        }
        router.get("/status/:id", use: status)
        router.post("/status/:id", use: status)
        let stream: @Sendable (Request, BasicRequestContext) async throws -> Response = { _, context in
            let id = context.parameters.get("id") ?? ""
            guard let document = await queue.stream(of: id) else { return Self.error(.notFound, "no job with id '\(id)'") }
            return Self.json(document)
        }
        router.get("/stream/:id", use: stream)
        router.post("/stream/:id", use: stream)
        router.post("/cancel/:id") { _, context -> Response in
            let id = context.parameters.get("id") ?? ""
            guard let document = await queue.cancel(id) else { return Self.error(.notFound, "no job with id '\(id)'") }
            return Self.json(document)
        }
        router.get("/health") { _, _ -> Response in Self.json(await queue.health()) }

        let app = Application(
            router: router,
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "rvc-nano"),
            onServerRunning: { channel in await onListening(channel.localAddress?.port ?? 0) },
            logger: logger)
        try await app.runService()
    }

    /// Reads and checks a `/run` or `/runsync` body: a JSON object with an `input` object.
    private static func readJobRequest(_ request: inout Request, limit: Int) async -> Result<[String: JSONValue], ErrorResponse> {
        let buffer: ByteBuffer
        do {
            buffer = try await request.collectBody(upTo: limit)
        } catch {
            return .failure(ErrorResponse(Self.error(.contentTooLarge, "request body is larger than \(limit) bytes")))
        }
        let data = Data(buffer.readableBytesView)
        guard let value = try? JSONValue.parse(data) else {
            return .failure(ErrorResponse(Self.error(.badRequest, "request body is not valid JSON")))
        }
        guard case .object(let members) = value else {
            return .failure(ErrorResponse(Self.error(.badRequest, "request body must be a JSON object, not \(value.typeName)")))
        }
        guard let input = members["input"] else {
            return .failure(ErrorResponse(Self.error(.badRequest, "request body has no 'input' field")))
        }
        guard case .object = input else {
            return .failure(ErrorResponse(Self.error(.badRequest, "'input' must be a JSON object, not \(input.typeName)")))
        }
        return .success(members)
    }

    static func json(_ value: JSONValue, status: HTTPResponse.Status = .ok) -> Response {
        Response(
            status: status, headers: [.contentType: "application/json"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: value.encoded())))
    }

    static func error(_ status: HTTPResponse.Status, _ message: String) -> Response {
        json(.object(["error": .string(message)]), status: status)
    }
}

/// A ready error response, carried through `Result`.
struct ErrorResponse: Error {
    let response: Response
    init(_ response: Response) { self.response = response }
}
