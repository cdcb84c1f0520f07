import Foundation
import Hummingbird
import Logging
import Synchronization
@testable import RVCWorker

/// A local stand-in for the RunPod platform's worker endpoints, on loopback: hands out queued jobs
/// from `job-take` and `job-take-batch` (holding the long-poll briefly, then 204), lists the jobs
/// the test stopped on `job-stop` (§9), records every ping, job-take URL and job-done request, and
/// answers job-done with scripted statuses (then 200). Faults below HTTP (resets, hangs, garbage)
/// come from a ``FaultProxy`` in front of it.
final class RunPodTestServer: Sendable {
    struct DoneRequest: Sendable {
        var jobID: String
        var query: String
        var headers: [String: String]
        var body: Data
        var json: JSONValue? { try? JSONValue.parse(body) }
    }

    private struct State {
        var jobs: [JSONValue] = []
        var takeURLs: [String] = []
        var pings: [(time: ContinuousClock.Instant, query: String, authorization: String?)] = []
        var done: [DoneRequest] = []
        var doneStatuses: [Int] = []
        var doneAttempts: [String: Int] = [:]
        var takeStatuses: [Int] = []
        var toStop: [String] = []
        var stopPolls = 0
        var takeBodies: [String] = []
        var deliveries: [String: Int] = [:]
    }

    /// False: requests are counted (``deliveries``) but not kept, so a long run does not grow the
    /// server's memory (for tests that measure the worker's).
    private let keepsRequests: Bool

    private init(keepsRequests: Bool) { self.keepsRequests = keepsRequests }

    private let state = Mutex(State())
    private let task = Mutex<Task<Void, any Error>?>(nil)
    private let boundPort = Mutex(0)
    var port: Int { boundPort.withLock { $0 } }

    /// Starts the server on a free port.
    static func start(keepsRequests: Bool = true) async throws -> RunPodTestServer {
        let server = RunPodTestServer(keepsRequests: keepsRequests)
        try await server.launch()
        return server
    }

    private func launch() async throws {
        let router = Router()
        router.get("/v2/ep/job-take/:worker") { request, _ -> Response in
            if self.keepsRequests { self.state.withLock { $0.takeURLs.append(request.uri.description) } }
            if let status = self.state.withLock({ $0.takeStatuses.isEmpty ? nil : $0.takeStatuses.removeFirst() }) {
                return Response(status: .init(code: status))
            }
            if let text = self.state.withLock({ $0.takeBodies.isEmpty ? nil : $0.takeBodies.removeFirst() }) {
                return Response(
                    status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: text)))
            }
            // A short long-poll: wait up to 300 ms for a job.
            for _ in 0..<6 {
                // `.none`, not `nil`: JSONValue takes a nil literal as JSON null, which made this
                // answer 200 `null` at once instead of holding the long-poll.
                if let job = self.state.withLock({ state -> JSONValue? in state.jobs.isEmpty ? .none : state.jobs.removeFirst() }) {
                    return Response(
                        status: .ok, headers: [.contentType: "application/json"],
                        body: .init(byteBuffer: ByteBuffer(bytes: job.encoded())))
                }
                try await Task.sleep(for: .milliseconds(50))
            }
            return Response(status: .noContent)
        }
        router.get("/v2/ep/job-take-batch/:worker") { request, _ -> Response in
            if self.keepsRequests { self.state.withLock { $0.takeURLs.append(request.uri.description) } }
            let size = max(1, request.uri.queryParameters.get("batch_size", as: Int.self) ?? 1)
            for _ in 0..<6 {
                let batch = self.state.withLock { state -> [JSONValue] in
                    let batch = Array(state.jobs.prefix(size))
                    state.jobs.removeFirst(batch.count)
                    return batch
                }
                if !batch.isEmpty {
                    return Response(
                        status: .ok, headers: [.contentType: "application/json"],
                        body: .init(byteBuffer: ByteBuffer(bytes: JSONValue.array(batch).encoded())))
                }
                try await Task.sleep(for: .milliseconds(50))
            }
            return Response(status: .noContent)
        }
        router.get("/v2/ep/job-stop/:worker") { _, _ -> Response in
            for _ in 0..<6 {
                let ids = self.state.withLock { state -> [String] in
                    state.stopPolls += 1
                    defer { state.toStop = [] }
                    return state.toStop
                }
                if !ids.isEmpty {
                    let body = JSONValue.object(["jobsToStop": .array(ids.map(JSONValue.string))])
                    return Response(
                        status: .ok, headers: [.contentType: "application/json"],
                        body: .init(byteBuffer: ByteBuffer(bytes: body.encoded())))
                }
                try await Task.sleep(for: .milliseconds(50))
            }
            return Response(status: .noContent)
        }
        router.get("/v2/ep/ping/:worker") { request, _ -> Response in
            let query = request.uri.query ?? ""
            let auth = request.headers[.authorization]
            if self.keepsRequests { self.state.withLock { $0.pings.append((.now, query, auth)) } }
            return Response(status: .ok)
        }
        router.post("/v2/ep/job-done/:worker/:job") { request, context -> Response in
            var request = request
            let body = try await request.collectBody(upTo: 64 << 20)
            let jobID = context.parameters.get("job") ?? ""
            var headers: [String: String] = [:]
            for field in request.headers { headers[field.name.canonicalName] = field.value }
            let status = self.state.withLock { state -> Int in
                if self.keepsRequests { state.doneAttempts[jobID, default: 0] += 1 }
                let status = state.doneStatuses.isEmpty ? 200 : state.doneStatuses.removeFirst()
                if status == 200 {
                    state.deliveries[jobID, default: 0] += 1
                    if self.keepsRequests {
                        state.done.append(DoneRequest(
                            jobID: jobID, query: request.uri.query ?? "", headers: headers, body: Data(body.readableBytesView)))
                    }
                }
                return status
            }
            return Response(status: .init(code: status))
        }
        let (stream, continuation) = AsyncStream.makeStream(of: Int.self)
        var logger = Logger(label: "runpod-test-server")
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

    func stop() {
        task.withLock { $0?.cancel() }
    }

    deinit { task.withLock { $0?.cancel() } }

    var baseURL: String { "http://127.0.0.1:\(port)/v2/ep" }
    /// `http://127.0.0.1:<port>`, the upstream for a ``FaultProxy``.
    var origin: String { "http://127.0.0.1:\(port)" }

    /// The environment a platform would inject for worker `w1` with key `secret-key`; `base` puts a
    /// proxy's address in place of the server's (`http://127.0.0.1:<port>`).
    func environment(pingIntervalMilliseconds: Int = 1000, through base: String? = nil) -> [String: String] {
        let baseURL = base.map { $0 + "/v2/ep" } ?? self.baseURL
        return [
            "RUNPOD_WEBHOOK_GET_JOB": "\(baseURL)/job-take/$ID?gpu=SIM",
            "RUNPOD_WEBHOOK_POST_OUTPUT": "\(baseURL)/job-done/$RUNPOD_POD_ID/$ID?gpu=SIM",
            "RUNPOD_WEBHOOK_PING": "\(baseURL)/ping/$RUNPOD_POD_ID?gpu=SIM",
            "RUNPOD_AI_API_KEY": "secret-key",
            "RUNPOD_POD_ID": "w1",
            "RUNPOD_PING_INTERVAL": String(pingIntervalMilliseconds),
            "RVC_RESULT_RETRY_DELAY_MS": "200",
        ]
    }

    func enqueue(_ job: JSONValue) { state.withLock { $0.jobs.append(job) } }
    /// Lists `id` on the next job-stop answer, as the platform does for a cancelled or timed-out job.
    func stopJob(_ id: String) { state.withLock { $0.toStop.append(id) } }
    /// Jobs queued and not handed out yet.
    var queuedJobs: Int { state.withLock { $0.jobs.count } }
    /// Statuses answered to the next job-done posts, in order.
    func failNextDone(with statuses: [Int]) { state.withLock { $0.doneStatuses.append(contentsOf: statuses) } }
    func failNextTake(with statuses: [Int]) { state.withLock { $0.takeStatuses.append(contentsOf: statuses) } }
    /// Bodies answered with 200 to the next job-takes (before any queued job), in order.
    func answerNextTake(withBodies bodies: [String]) { state.withLock { $0.takeBodies.append(contentsOf: bodies) } }
    /// Scripted job-take bodies not answered yet.
    var pendingTakeBodies: Int { state.withLock { $0.takeBodies.count } }
    /// Accepted job-done posts per job id.
    var deliveries: [String: Int] { state.withLock { $0.deliveries } }

    var doneRequests: [DoneRequest] { state.withLock { $0.done } }
    var takeURLs: [String] { state.withLock { $0.takeURLs } }
    var pings: [(time: ContinuousClock.Instant, query: String, authorization: String?)] { state.withLock { $0.pings } }
    func doneAttempts(for job: String) -> Int { state.withLock { $0.doneAttempts[job] ?? 0 } }

    /// Waits until `condition` holds or `timeout` passes; returns whether it held.
    func waitUntil(timeout: Duration = .seconds(30), _ condition: (RunPodTestServer) -> Bool) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if condition(self) { return true }
            try? await Task.sleep(for: .milliseconds(50))
        }
        return condition(self)
    }
}
