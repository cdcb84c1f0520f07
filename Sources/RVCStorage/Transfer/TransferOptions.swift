/// Limits and policies of one transfer.
struct TransferOptions: Sendable {
    var connectTimeout: Duration
    /// Below `lowSpeedLimit` bytes per second for `lowSpeedTime`, the transfer counts as stalled.
    var lowSpeedLimit: Int
    var lowSpeedTime: Duration
    /// 0 means redirects are not followed.
    var maxRedirects: Int
    /// Largest body accepted; nil for no limit.
    var maxBytes: Int64?
    var allowPrivateAddresses: Bool
    var userAgent: String
}

extension Duration {
    /// Whole milliseconds, rounded down, at least 0.
    var milliseconds: Int {
        let (seconds, attoseconds) = components
        return max(0, Int(seconds) * 1000 + Int(attoseconds / 1_000_000_000_000_000))
    }

    var secondsValue: Double { Double(milliseconds) / 1000 }
}
