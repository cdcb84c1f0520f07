import Foundation

/// Limits and policies for downloads, with defaults suited to the worker.
public struct DownloadOptions: Sendable, Equatable {
    /// Largest body accepted, in bytes (checked against Content-Length up front and while
    /// streaming). Default 2 GiB: larger than any RVC model or index in practice.
    public var maxBytes: Int64 = 2 << 30
    /// Largest decoded `data:` URL accepted, in bytes (also bounded by ``maxBytes``). Default
    /// 32 MiB: a data URL travels inside the request body, which platforms cap at 10–20 MB.
    public var maxDataURLBytes: Int64 = 32 << 20
    /// Time allowed to establish a connection (DNS, TCP, TLS). Default 15 s.
    public var connectTimeout: Duration = .seconds(15)
    /// A transfer slower than `lowSpeedLimit` bytes/s for `lowSpeedTime` counts as stalled and is
    /// aborted. Defaults 1 KiB/s for 30 s.
    public var lowSpeedLimit: Int = 1024
    public var lowSpeedTime: Duration = .seconds(30)
    /// Redirects followed before giving up (0 = none). Default 5.
    public var maxRedirects: Int = 5
    /// Retries after a transient failure (5xx, 408, 429, timeouts, connection errors, truncated
    /// bodies); never after a 4xx or a refusal. Default 3, so at most 4 attempts.
    public var maxRetries: Int = 3
    /// Delay before the first retry, doubled for each further one up to `maxRetryDelay`.
    /// Defaults 0.5 s and 8 s.
    public var retryDelay: Duration = .milliseconds(500)
    public var maxRetryDelay: Duration = .seconds(8)
    /// Allow hosts that are (or resolve to) loopback, link-local, private or other internal
    /// addresses. Off by default: a worker fetching URLs from strangers must not reach its own
    /// network or the cloud metadata service. Turn on for local use and tests.
    public var allowPrivateAddresses: Bool = false
    /// Sent as the User-Agent header.
    public var userAgent: String = "rvc-nano"

    /// The defaults.
    public init() {}

    /// Name of the environment variable that allows private addresses when set to `1`, `true` or
    /// `yes`.
    public static let allowPrivateURLsVariable = "RVC_ALLOW_PRIVATE_URLS"

    /// The defaults, with ``allowPrivateAddresses`` taken from `RVC_ALLOW_PRIVATE_URLS`.
    public static func fromEnvironment(
        _ environment: [String: String] = ProcessInfo.processInfo.environment
    ) -> DownloadOptions {
        var options = DownloadOptions()
        if let value = environment[allowPrivateURLsVariable]?.lowercased() {
            options.allowPrivateAddresses = ["1", "true", "yes", "on"].contains(value)
        }
        return options
    }

    /// The delay before retry number `retry` (1-based).
    func delay(beforeRetry retry: Int) -> Duration {
        var delay = retryDelay
        for _ in 1..<max(1, retry) {
            delay *= 2
            if delay >= maxRetryDelay { return maxRetryDelay }
        }
        return min(delay, maxRetryDelay)
    }

    var transferOptions: TransferOptions {
        TransferOptions(
            connectTimeout: connectTimeout, lowSpeedLimit: lowSpeedLimit, lowSpeedTime: lowSpeedTime,
            maxRedirects: maxRedirects, maxBytes: maxBytes,
            allowPrivateAddresses: allowPrivateAddresses, userAgent: userAgent)
    }
}
