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
    /// Addresses (as ``AddressPolicy/format(_:)`` writes them) treated as public although they
    /// are not: lets a test's loopback server stand in for a public one, so that what it redirects
    /// to is judged by the policy.
    var exemptAddresses: Set<String> = []
    /// Limit of the whole exchange; nil for none (downloads are bounded by the stall limit).
    var totalTimeout: Duration?
}
