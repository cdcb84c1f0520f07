import Foundation

/// Jobs of the local API: queued in arrival order, run with bounded concurrency, kept for
/// `retention` after they finish. A cancelled running job is `CANCELLED` at once, and its handler
/// is cancelled; its slot frees when the handler has returned (a conversion stops at its next
/// segment), so no more than `concurrency` jobs ever run.
actor LocalJobQueue {
    private let handler: RunPodWorker.Handler
    let concurrency: Int
    private let retention: Duration
    private var jobs: [String: LocalJob] = [:]
    private var pending: [String] = []
    private var running: [String: Task<Void, Never>] = [:]
    private var waiters: [String: [CheckedContinuation<Void, Never>]] = [:]
    private var counts = (completed: 0, failed: 0)

    init(handler: @escaping RunPodWorker.Handler, concurrency: Int, retention: Duration = .seconds(1800)) {
        self.handler = handler
        self.concurrency = max(1, concurrency)
        self.retention = retention
    }

    /// Queues a job (`input` plus any other keys of the request) and returns its id.
    func submit(_ request: [String: JSONValue]) -> String {
        prune()
        let id = UUID().uuidString.lowercased() + "-local"
        var job = request
        job["id"] = .string(id)
        jobs[id] = LocalJob(id: id, job: .object(job))
        pending.append(id)
        startNext()
        return id
    }

    func status(of id: String) -> JSONValue? { jobs[id]?.statusDocument }

    /// Waits until the job is final or `timeout` passes; returns its status document.
    func wait(for id: String, timeout: Duration) async -> JSONValue? {
        guard let job = jobs[id] else { return nil }
        if !job.status.isFinal {
            let timer = Task { [weak self] in
                try? await Task.sleep(for: timeout)
                await self?.wake(id)
            }
            await withCheckedContinuation { continuation in
                waiters[id, default: []].append(continuation)
            }
            timer.cancel()
        }
        return jobs[id]?.statusDocument
    }

    /// Cancels a queued or running job; nil for an unknown id. A running job's handler is
    /// cancelled and keeps its slot until it returns.
    func cancel(_ id: String) -> JSONValue? {
        guard var job = jobs[id] else { return nil }
        if !job.status.isFinal {
            pending.removeAll { $0 == id }
            running[id]?.cancel()
            job.status = .cancelled
            job.finishedAt = .now
            jobs[id] = job
            wake(id)
        }
        return .object(["id": .string(id), "status": .string(job.status.rawValue)])
    }

    /// The `/stream/{id}` document of the public API (§15.2): the job's status and the chunks not
    /// returned yet. The handler does not stream, so its output is the one chunk, returned once
    /// the job completed; a failed job has no chunk and carries `error`. Nil for an unknown id.
    func stream(of id: String) -> JSONValue? {
        guard var job = jobs[id] else { return nil }
        var members: [String: JSONValue] = ["id": .string(id), "status": .string(job.status.rawValue), "stream": .array([])]
        if job.status == .completed, !job.streamed, let output = job.result?["output"] {
            members["stream"] = .array([.object(["output": output])])
            job.streamed = true
            jobs[id] = job
        }
        if job.status == .failed, let error = job.statusDocument["error"] { members["error"] = error }
        return .object(members)
    }

    /// The `/health` document. `jobs.inProgress` counts running jobs that are not cancelled;
    /// `workers.running` counts the slots in use, cancelled jobs still stopping included.
    func health() -> JSONValue {
        let inProgress = running.keys.filter { jobs[$0]?.status == .inProgress }.count
        return .object([
            "jobs": .object([
                "completed": .int(Int64(counts.completed)), "failed": .int(Int64(counts.failed)),
                "inProgress": .int(Int64(inProgress)), "inQueue": .int(Int64(pending.count)), "retried": 0,
            ]),
            "workers": .object([
                "idle": .int(Int64(concurrency - running.count)), "running": .int(Int64(running.count)),
            ]),
        ])
    }

    private func startNext() {
        while running.count < concurrency, !pending.isEmpty {
            let id = pending.removeFirst()
            guard var job = jobs[id] else { continue }
            job.status = .inProgress
            job.startedAt = .now
            jobs[id] = job
            let handler = self.handler
            let payload = job.job
            running[id] = Task {
                let body: JSONValue
                do {
                    body = RunPodResult.body(for: try await handler(payload))
                } catch {
                    body = RunPodResult.body(forThrown: error, workerID: "local", hostname: "localhost")
                }
                self.finish(id, body: body)
            }
        }
    }

    private func finish(_ id: String, body: JSONValue) {
        defer { startNext() }
        guard running.removeValue(forKey: id) != nil, var job = jobs[id], job.status == .inProgress else { return }
        job.result = body
        job.finishedAt = .now
        job.completedAt = Date()
        job.status = RunPodResult.isFailure(body) ? .failed : .completed
        if job.status == .failed { counts.failed += 1 } else { counts.completed += 1 }
        jobs[id] = job
        wake(id)
    }

    private func wake(_ id: String) {
        for waiter in waiters.removeValue(forKey: id) ?? [] { waiter.resume() }
    }

    private func prune() {
        let cutoff = ContinuousClock.now - retention
        for (id, job) in jobs where job.status.isFinal && (job.finishedAt ?? .now) < cutoff {
            jobs.removeValue(forKey: id)
        }
    }
}
