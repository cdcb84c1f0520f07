import Foundation
@testable import RVCWorker

/// `LocalAPIServer` on a free loopback port, with a client for its routes.
struct LocalAPIHarness {
    let port: Int
    let task: Task<Void, any Error>
    let client = HTTPClient()

    static func start(concurrency: Int = 1, maxRunBytes: Int = 10_000_000, handler: @escaping RunPodWorker.Handler) async throws -> LocalAPIHarness {
        var configuration = LocalAPIServer.Configuration()
        configuration.port = 0
        configuration.concurrency = concurrency
        configuration.maxRunBytes = maxRunBytes
        let server = LocalAPIServer(configuration: configuration, handler: handler)
        let (stream, continuation) = AsyncStream.makeStream(of: Int.self)
        let task = Task { try await server.run { continuation.yield($0) } }
        var port = 0
        for await bound in stream {
            port = bound
            break
        }
        return LocalAPIHarness(port: port, task: task)
    }

    /// Sends one request. The timeout only keeps a broken server from hanging the test, so it is
    /// generous: on a 2-core CI machine the whole test process once stalled for 30 s while blocking
    /// half-precision conversions held the cooperative threads (now run off them, `onOwnThread`).
    func request(_ method: String, _ path: String, body: String? = nil) async throws -> (status: Int, json: JSONValue?) {
        let response = try await client.send(
            method, "http://127.0.0.1:\(port)\(path)", headers: [("Content-Type", "application/json")],
            body: body.map { Data($0.utf8) }, timeout: 120)
        return (response.status, try? JSONValue.parse(response.body))
    }

    /// Polls `/status/{id}` until `condition` holds (or three minutes pass, for a test that would
    /// otherwise hang; generous for the reason `request` gives) and returns the last document.
    func status(_ id: String, until condition: (JSONValue?) -> Bool) async throws -> JSONValue? {
        let deadline = ContinuousClock.now + .seconds(180)
        var document = try await request("GET", "/status/\(id)").json
        while !condition(document), ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
            document = try await request("GET", "/status/\(id)").json
        }
        return document
    }

    func stop() { task.cancel() }
}
