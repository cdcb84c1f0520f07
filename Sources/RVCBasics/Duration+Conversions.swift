extension Duration {
    /// The duration in seconds as a `Double` (attosecond precision folded in), for timings and
    /// reports.
    public var inSeconds: Double {
        Double(components.seconds) + Double(components.attoseconds) * 1e-18
    }

    /// Whole milliseconds, rounded down, at least 0: for interfaces that take an integer count of
    /// milliseconds (curl's timeouts, log fields).
    public var wholeMilliseconds: Int {
        let (seconds, attoseconds) = components
        return max(0, Int(seconds) * 1000 + Int(attoseconds / 1_000_000_000_000_000))
    }
}
