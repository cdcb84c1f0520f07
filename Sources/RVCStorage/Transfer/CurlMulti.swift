import CCurl

/// Owns one libcurl multi handle driving a single easy handle, so that a transfer can wait on its
/// sockets and still be woken at once from another thread (``wakeUp()``), which a blocking
/// `curl_easy_perform` cannot.
///
/// Driven by the transfer's thread; only ``wakeUp()`` may be called from other threads.
final class CurlMulti: @unchecked Sendable {
    private let handle: UnsafeMutableRawPointer
    private var easy: CurlEasy?
    let displayURL: String

    init(displayURL: String) throws(StorageError) {
        self.displayURL = displayURL
        guard let handle = curl_multi_init() else {
            throw .network(url: displayURL, code: Int(CURLE_FAILED_INIT.rawValue), message: "libcurl could not create a multi handle")
        }
        self.handle = handle
    }

    deinit {
        detach()
        curl_multi_cleanup(handle)
    }

    /// Adds the transfer's easy handle (one per multi handle), until ``detach()``.
    func add(_ easy: CurlEasy) throws(StorageError) {
        try check(curl_multi_add_handle(handle, easy.handle))
        self.easy = easy
    }

    /// Takes the easy handle out. Call it on the transfer's thread as the transfer ends: libcurl
    /// may call the transfer's callbacks while removing it, so it must not happen later, on
    /// whichever thread releases this object last (a cancellation's wake-up may hold it).
    func detach() {
        guard let easy else { return }
        curl_multi_remove_handle(handle, easy.handle)
        self.easy = nil
    }

    /// Runs the transfer until it ends or `shouldStop` says so after a wake-up or a poll interval.
    /// - Returns: the transfer's result code, or nil when stopped.
    func run(shouldStop: () -> Bool) throws(StorageError) -> CURLcode? {
        var running: Int32 = 1
        while true {
            if shouldStop() { return nil }
            try check(curl_multi_perform(handle, &running))
            var remaining: Int32 = 0
            while let message = curl_multi_info_read(handle, &remaining) {
                if message.pointee.msg == CURLMSG_DONE { return message.pointee.data.result }
            }
            if running == 0 { return CURLE_OK }
            // curl's own timers (connect, low speed) need a call at least this often; a wake-up
            // (cancellation) ends the wait at once.
            var timeout = 0
            _ = curl_multi_timeout(handle, &timeout)
            let wait = Int32(timeout < 0 ? 1000 : min(timeout, 1000))
            try check(curl_multi_poll(handle, nil, 0, wait, nil))
        }
    }

    /// Ends a `run` wait at once; safe from any thread.
    func wakeUp() { _ = curl_multi_wakeup(handle) }

    private func check(_ code: CURLMcode) throws(StorageError) {
        guard code == CURLM_OK else {
            throw .network(url: displayURL, code: Int(code.rawValue), message: "libcurl multi error: \(String(cString: curl_multi_strerror(code)))")
        }
    }
}
