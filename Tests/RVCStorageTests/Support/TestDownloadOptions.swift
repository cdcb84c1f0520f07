import Foundation
import RVCStorage

/// Download options for tests against servers on 127.0.0.1: private addresses allowed, short
/// timeouts and retry delays.
func testDownloadOptions(maxRetries: Int = 0) -> DownloadOptions {
    var options = DownloadOptions()
    options.allowPrivateAddresses = true
    options.connectTimeout = .seconds(5)
    options.lowSpeedTime = .seconds(2)
    options.maxRetries = maxRetries
    options.retryDelay = .milliseconds(20)
    options.maxRetryDelay = .milliseconds(100)
    return options
}
