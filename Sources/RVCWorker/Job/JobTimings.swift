/// Seconds spent in each stage of one job; 0 for a skipped stage or a cache hit.
public struct JobTimings: Sendable, Equatable {
    public var downloadVocal = 0.0
    public var downloadModel = 0.0
    public var downloadIndex = 0.0
    public var loadModel = 0.0
    public var decode = 0.0
    public var pitchExtraction = 0.0
    public var inference = 0.0
    public var encoding = 0.0
    public var upload = 0.0

    public init() {}

    /// The `timing_details` object of the response.
    public var json: JSONValue {
        .object([
            "download_vocal": .number(downloadVocal), "download_model": .number(downloadModel),
            "download_index": .number(downloadIndex), "load_model": .number(loadModel),
            "decode": .number(decode), "pitch_extraction": .number(pitchExtraction),
            "inference": .number(inference), "encoding": .number(encoding), "upload": .number(upload),
        ])
    }
}

extension Duration {
    /// The duration in seconds as a Double.
    var seconds: Double {
        let (whole, atto) = components
        return Double(whole) + Double(atto) * 1e-18
    }
}

/// Measures a stage with the monotonic clock.
func measure<T>(_ seconds: inout Double, _ body: () async throws -> T) async rethrows -> T {
    let start = ContinuousClock.now
    defer { seconds = (ContinuousClock.now - start).seconds }
    return try await body()
}
