import Foundation

/// One job of the local API, with the public API's states (`docs/runpod-protocol.md` §15.3).
struct LocalJob: Sendable {
    enum Status: String, Sendable {
        case inQueue = "IN_QUEUE"
        case inProgress = "IN_PROGRESS"
        case completed = "COMPLETED"
        case failed = "FAILED"
        case cancelled = "CANCELLED"

        var isFinal: Bool { self == .completed || self == .failed || self == .cancelled }
    }

    let id: String
    let job: JSONValue
    var status: Status = .inQueue
    let submittedAt = ContinuousClock.now
    var startedAt: ContinuousClock.Instant?
    var finishedAt: ContinuousClock.Instant?
    var completedAt: Date?
    /// The job-done body (§6.2) once finished.
    var result: JSONValue?
    /// Whether `/stream` has returned the output.
    var streamed = false

    /// The `/status` document: `delayTime` (ms in queue) once started, `executionTime` (ms running)
    /// once finished, `output` and `error` from the result.
    var statusDocument: JSONValue {
        var members: [String: JSONValue] = ["id": .string(id), "status": .string(status.rawValue)]
        if let startedAt {
            members["delayTime"] = .int(Int64((startedAt - submittedAt).seconds * 1000))
            if let finishedAt {
                members["executionTime"] = .int(Int64((finishedAt - startedAt).seconds * 1000))
            }
        }
        if let result {
            if let output = result["output"] { members["output"] = output }
            if let error = result["error"] {
                members["error"] = error.stringValue.map(JSONValue.string) ?? .string(error.jsonText)
            }
        }
        return .object(members)
    }
}
