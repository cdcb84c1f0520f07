import Foundation
import Logging
import Synchronization

/// The RunPod queue worker (`docs/runpod-protocol.md` §16): fetches jobs with the job-take
/// long-poll, runs them, posts each result to job-done (retrying 5xx, 429 and transport errors
/// with backoff so a result is not lost), and keeps a heartbeat going on its own task for as long
/// as the process lives.
///
/// A result with `stopPod` (the handler's `refresh_worker`), SIGTERM or SIGINT make the worker stop
/// fetching, finish and report the jobs it holds, and return. Returning after `stopPod` deviates
/// from the SDK (which keeps polling until the platform stops it): a worker that reported its own
/// state unsound should not take another job.
public final class RunPodWorker: Sendable {
    /// Runs one job: receives the whole job object (`id`, `input`, ...) and returns the handler
    /// output, mapped to the job-done body by ``RunPodResult``.
    public typealias Handler = @Sendable (JSONValue) async throws -> JSONValue

    public let configuration: RunPodConfiguration
    private let handler: Handler
    private let client: HTTPClient
    private let logger: Logger
    private let inFlight = InFlightJobs()
    private let stopping = Mutex(false)
    private let fetchTask = Mutex<Task<([JSONValue], Duration), Never>?>(nil)

    public init(configuration: RunPodConfiguration, logger: Logger = Logger(label: "rvc.worker.runpod"), handler: @escaping Handler) {
        self.configuration = configuration
        self.handler = handler
        self.client = HTTPClient()
        self.logger = logger
    }

    /// Asks the worker to stop: no new fetch (an open job-take is abandoned), jobs in hand finish
    /// and are reported. Safe to call from any thread, more than once.
    public func stop() {
        stopping.withLock { $0 = true }
        fetchTask.withLock { $0?.cancel() }
    }

    private var isStopping: Bool { stopping.withLock { $0 } }

    /// Runs until ``stop()`` or a `stopPod` result, then returns once every job in hand has been
    /// reported.
    public func run() async {
        logger.info("worker started", metadata: ["worker_id": "\(configuration.workerID)", "concurrency": "\(configuration.concurrency)"])
        let heartbeat = Task { await heartbeatLoop() }
        await withTaskGroup(of: Void.self) { group in
            var backoff = Duration.zero
            while !isStopping {
                if inFlight.count >= configuration.concurrency {
                    // Wait for a slot (the SDK sleeps 1 s here; a shorter wait takes the next job sooner).
                    try? await Task.sleep(for: .milliseconds(100))
                    continue
                }
                if backoff > .zero {
                    try? await Task.sleep(for: backoff)
                    if isStopping { break }
                }
                let current = backoff
                let task = Task { await self.takeJobs(backoff: current) }
                let cancelled = fetchTask.withLock { slot -> Bool in
                    slot = task
                    return stopping.withLock { $0 }
                }
                if cancelled { task.cancel() }
                let (jobs, next) = await task.value
                backoff = next
                fetchTask.withLock { $0 = nil }
                for job in jobs {
                    guard let id = Self.jobID(of: job) else { continue }
                    inFlight.insert(id)
                    group.addTask { await self.process(job, id: id) }
                }
            }
            await group.waitForAll()
        }
        heartbeat.cancel()
        logger.info("worker stopped", metadata: ["worker_id": "\(configuration.workerID)"])
    }

    // MARK: Job take (§4)

    /// One job-take request; returns the jobs handed out (none on 204/400/errors) and the delay to
    /// wait before the next request.
    private func takeJobs(backoff previous: Duration) async -> ([JSONValue], Duration) {
        var backoff = previous
        let jobs = await takeJobs(backoff: &backoff)
        return (jobs, backoff)
    }

    private func takeJobs(backoff: inout Duration) async -> [JSONValue] {
        let url = configuration.jobTakeURL(jobInProgress: inFlight.count > 0)
        do {
            let response = try await client.send(
                "GET", url, headers: [("Authorization", configuration.apiKey), ("Content-Type", "application/json")],
                timeout: configuration.jobTakeTimeout.seconds)
            switch response.status {
            case 200:
                backoff = .zero
                return Self.parseJobs(response)
            case 204, 400:
                // "No job" (400 is expected with FlashBoot): poll again at once.
                backoff = .zero
                return []
            case 429:
                backoff = .seconds(5)
                return []
            default:
                logger.warning("job-take failed", metadata: ["status": "\(response.status)"])
                backoff = Self.nextBackoff(backoff)
                return []
            }
        } catch is CancellationError {
            return []
        } catch {
            if !isStopping {
                logger.warning("job-take failed", metadata: ["error": "\(error)"])
            }
            backoff = Self.nextBackoff(backoff)
            return []
        }
    }

    /// 1 s after the first error, growing to 5 s (the SDK re-polls at once and spins).
    static func nextBackoff(_ current: Duration) -> Duration {
        current == .zero ? .seconds(1) : min(current * 2, .seconds(5))
    }

    static func parseJobs(_ response: HTTPClientResponse) -> [JSONValue] {
        guard !response.body.isEmpty, let value = try? JSONValue.parse(response.body) else { return [] }
        switch value {
        case .object(let members):
            return members["id"] != nil && members["input"] != nil ? [value] : []
        case .array(let items):
            return items.filter { $0["id"] != nil }
        default:
            return []
        }
    }

    static func jobID(of job: JSONValue) -> String? {
        switch job["id"] {
        case .string(let id)?: id
        case .int(let id)?: String(id)
        default: nil
        }
    }

    // MARK: Running a job and posting its result (§6)

    private func process(_ job: JSONValue, id: String) async {
        logger.info("job started", metadata: ["job_id": "\(id)"])
        let body: JSONValue
        do {
            body = RunPodResult.body(for: try await handler(job))
        } catch {
            body = RunPodResult.body(forThrown: error, workerID: configuration.workerID, hostname: configuration.hostname)
        }
        await postResult(body, jobID: id)
        inFlight.remove(id)
        if body["stopPod"] == .bool(true) {
            logger.warning("job asked for a fresh worker; stopping after the jobs in hand", metadata: ["job_id": "\(id)"])
            stop()
        }
    }

    /// Posts the body, retrying 5xx, 429 and transport errors with exponential backoff.
    private func postResult(_ body: JSONValue, jobID: String) async {
        let url = configuration.jobDoneURL(jobID: jobID)
        let data = body.encoded()
        var delay = configuration.retryDelay
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
                    body: data, timeout: 600)
                if (200..<300).contains(response.status) {
                    logger.info("result posted", metadata: ["job_id": "\(jobID)", "attempt": "\(attempt)"])
                    return
                }
                guard response.status >= 500 || response.status == 429 else {
                    logger.error("job-done refused the result", metadata: ["job_id": "\(jobID)", "status": "\(response.status)"])
                    return
                }
                outcome = "HTTP \(response.status)"
            } catch {
                outcome = String(describing: error)
            }
            guard attempt < configuration.resultAttempts else {
                logger.error("result lost after \(attempt) attempts", metadata: ["job_id": "\(jobID)", "last": "\(outcome)"])
                return
            }
            logger.warning("job-done failed, retrying", metadata: ["job_id": "\(jobID)", "attempt": "\(attempt)", "error": "\(outcome)"])
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
            guard let url = configuration.pingURL(jobIDs: inFlight.snapshot) else { return }
            do {
                let response = try await client.send(
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
