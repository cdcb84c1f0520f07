import Foundation
import Logging
import Synchronization

/// The RunPod queue worker (`docs/runpod-protocol.md` §16): fetches jobs with the job-take
/// long-poll (`job-take-batch` for the free slots when concurrency > 1), runs them, posts each
/// result to job-done (retrying 5xx, 429, transport errors and hanging attempts with backoff so a
/// result is not lost), follows the job-stop channel (§9: a stopped job's handler is cancelled and
/// no result is posted), and keeps a heartbeat going on its own task and HTTP session for as long
/// as the process lives.
///
/// A result with `stopPod` (the handler's `refresh_worker`), SIGTERM or SIGINT make the worker stop
/// fetching, let a job-take already open finish (the jobs it hands out are run), finish and report
/// the jobs it holds, and return. Returning after `stopPod` deviates from the SDK (which keeps
/// polling until the platform stops it): a worker that reported its own state unsound should not
/// take another job.
public final class RunPodWorker: Sendable {
    /// Runs one job: receives the whole job object (`id`, `input`, ...) and returns the handler
    /// output, mapped to the job-done body by ``RunPodResult``. Cancelled when the platform stops
    /// the job.
    public typealias Handler = @Sendable (JSONValue) async throws -> JSONValue

    public let configuration: RunPodConfiguration
    private let handler: Handler
    /// job-take, job-stop and job-done.
    private let client: HTTPClient
    /// The heartbeat's own client: pings never wait behind long-polls or result posts (each
    /// request has a connection of its own).
    private let heartbeatClient: HTTPClient
    private let logger: Logger
    private let jobs = InFlightJobs()
    private let stopping = Mutex(false)
    private let wake = WakeSignal()

    public init(configuration: RunPodConfiguration, logger: Logger = Logger(label: "rvc.worker.runpod"), handler: @escaping Handler) {
        self.configuration = configuration
        self.handler = handler
        self.client = HTTPClient()
        self.heartbeatClient = HTTPClient()
        self.logger = logger
    }

    /// Asks the worker to stop: no new fetch; a job-take already open may finish and the jobs it
    /// returns are run; jobs in hand finish and are reported. Safe to call from any thread, more
    /// than once.
    public func stop() {
        let first = stopping.withLock { stopping -> Bool in
            defer { stopping = true }
            return !stopping
        }
        if first {
            logger.info("stopping: no new jobs; finishing and reporting the jobs in hand", metadata: ["in_flight": "\(jobs.count)"])
        }
        wake.signal()
    }

    private var isStopping: Bool { stopping.withLock { $0 } }

    /// Runs until ``stop()`` or a `stopPod` result, then returns once every job in hand has been
    /// reported.
    public func run() async {
        logger.info("worker started", metadata: ["worker_id": "\(configuration.workerID)", "concurrency": "\(configuration.concurrency)"])
        let heartbeat = Task { await heartbeatLoop() }
        let stopChannel = Task { await stopChannelLoop() }
        // Discarding: finished job tasks are released at once, so a long-lived worker's memory stays flat.
        await withDiscardingTaskGroup { group in
            var backoff = Duration.zero
            // A cancelled run() stops as stop() does.
            while !isStopping, !Task.isCancelled {
                let free = configuration.concurrency - jobs.count
                if free <= 0 {
                    await wake.wait()
                    continue
                }
                if backoff > .zero {
                    await wake.wait(upTo: backoff)
                    if isStopping { break }
                }
                // Not cancelled by stop(): a job handed out by this request is run, not lost.
                let fetched = await takeJobs(count: free, backoff: &backoff)
                for job in fetched {
                    guard let id = Self.jobID(of: job) else { continue }
                    jobs.insert(id)
                    group.addTask { await self.process(job, id: id) }
                }
            }
        }
        stopChannel.cancel()
        heartbeat.cancel()
        await stopChannel.value
        logger.info("worker stopped", metadata: ["worker_id": "\(configuration.workerID)"])
    }

    // MARK: Job take (§4)

    /// One job-take (or job-take-batch) request for up to `count` jobs; returns the jobs handed out
    /// (none on 204/400/errors) and sets the delay before the next request.
    private func takeJobs(count: Int, backoff: inout Duration) async -> [JSONValue] {
        let url = configuration.jobTakeURL(batchSize: count, jobInProgress: jobs.count > 0)
        do {
            let response = try await client.send(
                "GET", url, headers: [("Authorization", configuration.apiKey), ("Content-Type", "application/json")],
                timeout: configuration.jobTakeTimeout.seconds)
            switch response.status {
            case 200:
                switch Self.parseJobs(response) {
                case .success(let jobs):
                    backoff = .zero
                    return jobs
                case .failure(let problem):
                    // A server answering nonsense at once would otherwise be polled in a tight loop.
                    logger.warning("job-take answered something that is not a job", metadata: ["problem": "\(problem)"])
                    backoff = nextBackoff(backoff)
                    return []
                }
            case 204, 400:
                // "No job" (400 is expected with FlashBoot): poll again at once.
                backoff = .zero
                return []
            case 429:
                backoff = .seconds(5)
                return []
            default:
                logger.warning("job-take failed", metadata: ["status": "\(response.status)"])
                backoff = nextBackoff(backoff)
                return []
            }
        } catch {
            logger.warning("job-take failed", metadata: ["error": "\(error)"])
            backoff = nextBackoff(backoff)
            return []
        }
    }

    /// `takeRetryDelay` after the first error, doubling up to `maxTakeRetryDelay`.
    private func nextBackoff(_ current: Duration) -> Duration {
        Self.nextBackoff(current, first: configuration.takeRetryDelay, limit: configuration.maxTakeRetryDelay)
    }

    static func nextBackoff(_ current: Duration, first: Duration = .seconds(1), limit: Duration = .seconds(5)) -> Duration {
        current == .zero ? first : min(current * 2, limit)
    }

    /// Why a 200 answer of job-take carried no job.
    enum TakeProblem: Error, Equatable, CustomStringConvertible {
        case notJSON
        case notAJob(String)

        var description: String {
            switch self {
            case .notJSON: "the body is not JSON"
            case .notAJob(let shape): "the body is \(shape), not a job with 'id' and 'input' or a list of jobs"
            }
        }
    }

    /// The jobs of a 200 answer: one object with `id` and `input`, or a list of them (items
    /// without both are dropped). An empty body is no job (§4.2).
    static func parseJobs(_ response: HTTPClientResponse) -> Result<[JSONValue], TakeProblem> {
        guard !response.body.isEmpty else { return .success([]) }
        guard let value = try? JSONValue.parse(response.body) else { return .failure(.notJSON) }
        switch value {
        case .object(let members):
            guard members["id"] != nil, members["input"] != nil else { return .failure(.notAJob("an object without 'id' or 'input'")) }
            return .success([value])
        case .array(let items):
            return .success(items.filter { $0["id"] != nil && $0["input"] != nil })
        default:
            return .failure(.notAJob(value.typeName))
        }
    }

    static func jobID(of job: JSONValue) -> String? {
        switch job["id"] {
        case .string(let id)?: id
        case .int(let id)?: String(id)
        default: nil
        }
    }

    // MARK: Job stop channel (§9)

    /// Long-polls job-stop until cancelled; each listed job in flight is stopped.
    private func stopChannelLoop() async {
        guard let url = configuration.jobStopURL else { return }
        while !Task.isCancelled {
            var delay = configuration.stopPollDelay
            do {
                let response = try await client.send(
                    "GET", url, headers: [("Authorization", configuration.apiKey), ("Content-Type", "application/json")],
                    timeout: configuration.jobStopTimeout.seconds)
                switch response.status {
                case 200:
                    let ids = Self.jobsToStop(response.body)
                    for id in ids where jobs.stop(id) {
                        logger.info("job stopped by the platform; its result will not be posted", metadata: ["job_id": "\(id)"])
                    }
                    if !ids.isEmpty { delay = .zero }
                case 204:
                    break
                case 429:
                    delay = .seconds(5)
                default:
                    logger.warning("job-stop failed", metadata: ["status": "\(response.status)"])
                }
            } catch is CancellationError {
                return
            } catch {
                logger.warning("job-stop failed", metadata: ["error": "\(error)"])
            }
            if delay > .zero { try? await Task.sleep(for: delay) }
        }
    }

    /// The string ids of `{"jobsToStop": [...]}`; anything else is no signal.
    static func jobsToStop(_ body: Data) -> [String] {
        guard let value = try? JSONValue.parse(body), case .array(let items)? = value["jobsToStop"] else { return [] }
        return items.compactMap(\.stringValue)
    }

    // MARK: Running a job and posting its result (§6)

    private func process(_ job: JSONValue, id: String) async {
        logger.info("job started", metadata: ["job_id": "\(id)"])
        let handler = self.handler
        let work = Task { try await handler(job) }
        jobs.attach(id, task: work)
        let outcome = await work.result
        defer {
            jobs.remove(id)
            wake.signal()
        }
        if jobs.isStopped(id) {
            logger.info("stopped job ended; no result posted", metadata: ["job_id": "\(id)"])
            return
        }
        let body: JSONValue
        switch outcome {
        case .success(let output):
            body = RunPodResult.body(for: output)
        case .failure(let error):
            body = RunPodResult.body(forThrown: error, workerID: configuration.workerID, hostname: configuration.hostname)
        }
        await postResult(body, jobID: id)
        if body["stopPod"] == .bool(true) {
            logger.warning("job asked for a fresh worker; stopping after the jobs in hand", metadata: ["job_id": "\(id)"])
            stop()
        }
    }

    /// Posts the body, retrying 5xx, 429, transport errors and attempts without an answer within
    /// `resultTimeout`, with exponential backoff. A result that cannot be delivered is logged as an
    /// error naming the job and the request id.
    private func postResult(_ body: JSONValue, jobID: String) async {
        let url = configuration.jobDoneURL(jobID: jobID)
        let data = body.encoded()
        var delay = configuration.retryDelay
        var metadata: Logger.Metadata = ["job_id": "\(jobID)"]
        if let requestID = body["output"]?["request_id"]?.stringValue { metadata["request_id"] = "\(requestID)" }
        for attempt in 1...configuration.resultAttempts {
            let outcome: String
            do {
                let response = try await client.send(
                    "POST", url,
                    headers: [
                        ("Authorization", configuration.apiKey),
                        ("Content-Type", "application/x-www-form-urlencoded"), ("charset", "utf-8"),
                        ("X-Request-ID", jobID),
                    ],
                    body: data, timeout: configuration.resultTimeout.seconds)
                if (200..<300).contains(response.status) {
                    logger.info("result posted", metadata: metadata.merging(["attempt": "\(attempt)"]) { $1 })
                    return
                }
                guard response.status >= 500 || response.status == 429 else {
                    logger.error(
                        "result not delivered: job-done refused it",
                        metadata: metadata.merging(["status": "\(response.status)"]) { $1 })
                    return
                }
                outcome = "HTTP \(response.status)"
            } catch {
                outcome = String(describing: error)
            }
            guard attempt < configuration.resultAttempts else {
                logger.error(
                    "result not delivered after \(attempt) attempts",
                    metadata: metadata.merging(["last_error": "\(outcome)"]) { $1 })
                return
            }
            logger.warning(
                "job-done failed, retrying",
                metadata: metadata.merging(["attempt": "\(attempt)", "error": "\(outcome)"]) { $1 })
            // Not cancellable: a stopping worker still delivers its results.
            await Self.sleepIgnoringCancellation(delay)
            delay = min(delay * 2, configuration.maxRetryDelay)
        }
    }

    private static func sleepIgnoringCancellation(_ duration: Duration) async {
        await Task.detached { try? await Task.sleep(for: duration) }.value
    }

    // MARK: Heartbeat (§10)

    private func heartbeatLoop() async {
        guard configuration.pingURL != nil else { return }
        while !Task.isCancelled {
            guard let url = configuration.pingURL(jobIDs: jobs.reportedIDs) else { return }
            do {
                let response = try await heartbeatClient.send(
                    "GET", url, headers: [("Authorization", configuration.apiKey)],
                    timeout: 2 * configuration.pingInterval.seconds)
                if response.status >= 400 {
                    logger.warning("ping failed", metadata: ["status": "\(response.status)"])
                }
            } catch is CancellationError {
                return
            } catch {
                logger.warning("ping failed", metadata: ["error": "\(error)"])
            }
            try? await Task.sleep(for: configuration.pingInterval)
        }
    }
}
