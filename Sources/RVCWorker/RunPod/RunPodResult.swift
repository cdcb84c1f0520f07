import Foundation

/// Maps a handler's outcome to the job-done body (`docs/runpod-protocol.md` §6.2).
public enum RunPodResult {
    /// The body for a handler that returned `output`.
    /// - Parameter forceStopPod: the configuration-level `refresh_worker` (adds `stopPod` always).
    public static func body(for output: JSONValue, forceStopPod: Bool = false) -> JSONValue {
        var body: [String: JSONValue] = [:]
        if case .object(var members) = output {
            if members.isEmpty {
                // `{}` is sent as an empty object with no `output` key.
            } else {
                let error = members.removeValue(forKey: "error")
                let refresh = members.removeValue(forKey: "refresh_worker")
                if let error, error.isTruthy {
                    if !members.isEmpty { body["output"] = .object(members) }
                    body["error"] = error
                } else {
                    body["output"] = .object(members)
                }
                if refresh?.isTruthy == true { body["stopPod"] = .bool(true) }
            }
        } else {
            body["output"] = output
        }
        if forceStopPod { body["stopPod"] = .bool(true) }
        return .object(body)
    }

    /// The body for a handler that threw: `error` is a JSON *string* (§6.2, §17.6).
    public static func body(forThrown error: any Error, workerID: String, hostname: String) -> JSONValue {
        let report: JSONValue = .object([
            "error_type": .string(String(reflecting: type(of: error))),
            "error_message": .string(String(describing: error)),
            "error_traceback": .string(""),
            "hostname": .string(hostname), "worker_id": .string(workerID),
            "runpod_version": .string(RunPodConfiguration.protocolVersion),
        ])
        return .object(["error": .string(report.jsonText)])
    }

    /// True when the body reports a failure.
    public static func isFailure(_ body: JSONValue) -> Bool { body["error"]?.isTruthy ?? false }
}
