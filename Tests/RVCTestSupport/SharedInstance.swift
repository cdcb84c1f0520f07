/// A value started once per test process, on first use, and handed to every later caller (the
/// process-wide servers). A failed start is remembered too, so tests do not retry it one by one.
actor SharedInstance<Value: Sendable> {
    private let start: @Sendable () async throws -> Value
    private var starting: Task<Value, any Error>?

    init(_ start: @escaping @Sendable () async throws -> Value) { self.start = start }

    /// The value, starting it if no caller has yet.
    func value() async throws -> Value {
        if let starting { return try await starting.value }
        let task = Task { try await start() }
        starting = task
        return try await task.value
    }
}
