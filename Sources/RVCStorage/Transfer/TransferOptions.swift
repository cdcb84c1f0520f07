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
