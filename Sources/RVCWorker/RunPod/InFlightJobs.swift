import Synchronization

/// The ids of jobs fetched and not yet reported (§5): reported by the heartbeat, and the basis of
/// `job_in_progress`. A job enters when fetched and leaves when its result post finished.
final class InFlightJobs: Sendable {
    private let ids = Mutex<[String]>([])

    func insert(_ id: String) { ids.withLock { $0.append(id) } }
    func remove(_ id: String) {
        ids.withLock { list in
            if let index = list.firstIndex(of: id) { list.remove(at: index) }
        }
    }
    var snapshot: [String] { ids.withLock { $0 } }
    var count: Int { ids.withLock { $0.count } }
}
