/// What one job produced: the handler's output object (success response, or failure response with
/// the RunPod `error` and `refresh_worker` keys), and the metadata document.
public struct JobOutcome: Sendable {
    public var requestID: RequestID
    /// The handler output: for success the response of the public API, for failure the failure
    /// response plus `error` (the message) and `refresh_worker`, which the RunPod result mapping
    /// lifts out of `output`.
    public var output: JSONValue
    /// Nil on success.
    public var failure: JobFailure?
    /// The metadata document (also logged and uploaded).
    public var metadata: JSONValue

    public var succeeded: Bool { failure == nil }
}
