import Synchronization

/// The jobs fetched and not yet finished (§5): the basis of `job_in_progress` and of the free
/// slots, and (less those stopped) what the heartbeat reports. A job enters when fetched and leaves
/// when its result post finished, or when its handler returned after the platform stopped it (§9).
final class InFlightJobs: Sendable {
    private struct Entry {
        let id: String
        var task: Task<JSONValue, any Error>?
        var stopped = false
    }

    private let entries = Mutex<[Entry]>([])

    func insert(_ id: String) { entries.withLock { $0.append(Entry(id: id)) } }

    /// Records the task running the job's handler, so ``stop(_:)`` can cancel it; cancels it at
    /// once when the job was stopped before it started.
    func attach(_ id: String, task: Task<JSONValue, any Error>) {
        let stopped = entries.withLock { list -> Bool in
            guard let index = list.firstIndex(where: { $0.id == id }) else { return false }
            list[index].task = task
            return list[index].stopped
        }
        if stopped { task.cancel() }
    }

    /// Stops a job: cancels its handler and hides it from the heartbeat. False when the id is not
    /// in flight or was stopped already.
    @discardableResult
    func stop(_ id: String) -> Bool {
        let task = entries.withLock { list -> Task<JSONValue, any Error>?? in
            guard let index = list.firstIndex(where: { $0.id == id && !$0.stopped }) else { return nil }
            list[index].stopped = true
            return .some(list[index].task)
        }
        guard let task else { return false }
        task?.cancel()
        return true
    }

    func isStopped(_ id: String) -> Bool { entries.withLock { $0.first { $0.id == id }?.stopped ?? false } }

    func remove(_ id: String) {
        entries.withLock { list in
            if let index = list.firstIndex(where: { $0.id == id }) { list.remove(at: index) }
        }
    }

    /// The ids the heartbeat reports: in flight and not stopped.
    var reportedIDs: [String] { entries.withLock { $0.filter { !$0.stopped }.map(\.id) } }

    /// Jobs holding a slot, stopped ones included until their handler returned.
    var count: Int { entries.withLock { $0.count } }
}
