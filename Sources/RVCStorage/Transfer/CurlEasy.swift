import CCurl

/// Owns one libcurl easy handle, its header list and its error buffer, and frees them in `deinit`.
///
/// Used by one thread at a time (the transfer's own); not `Sendable`.
final class CurlEasy {
    /// `curl_global_init` must run once before any handle exists; Swift runs a static initializer
    /// exactly once, thread-safely.
    private static let globalInit: CURLcode = curl_global_init(Int(CURL_GLOBAL_DEFAULT))

    let handle: UnsafeMutableRawPointer
    private var headerList: UnsafeMutablePointer<curl_slist>?
    private let errorBuffer: UnsafeMutablePointer<CChar>
    /// The URL for error messages, redacted.
    let displayURL: String

    init(displayURL: String) throws(StorageError) {
        self.displayURL = displayURL
        guard Self.globalInit == CURLE_OK, let handle = curl_easy_init() else {
            throw .network(url: displayURL, code: Int(CURLE_FAILED_INIT.rawValue),
                           message: "libcurl could not be initialised")
        }
        self.handle = handle
        errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE))
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE))
        _ = rvc_curl_setopt_pointer(handle, CURLOPT_ERRORBUFFER, errorBuffer)
    }

    deinit {
        curl_easy_cleanup(handle)
        curl_slist_free_all(headerList)
        errorBuffer.deallocate()
    }

    /// libcurl's detailed message for the last failure, or its generic text for `code`.
    func errorMessage(for code: CURLcode) -> String {
        let detail = String(cString: errorBuffer)
        return detail.isEmpty ? String(cString: curl_easy_strerror(code)) : detail
    }

    func set(_ option: CURLoption, _ value: Int) throws(StorageError) {
        try check(rvc_curl_setopt_long(handle, option, value), option)
    }

    func set(_ option: CURLoption, offset value: Int64) throws(StorageError) {
        try check(rvc_curl_setopt_off(handle, option, curl_off_t(value)), option)
    }

    /// libcurl copies string options, so `value` need not outlive the call.
    func set(_ option: CURLoption, _ value: String) throws(StorageError) {
        try check(rvc_curl_setopt_string(handle, option, value), option)
    }

    func set(_ option: CURLoption, pointer: UnsafeMutableRawPointer?) throws(StorageError) {
        try check(rvc_curl_setopt_pointer(handle, option, pointer), option)
    }

    func set(_ option: CURLoption, callback: rvc_curl_data_callback) throws(StorageError) {
        try check(rvc_curl_setopt_data_callback(handle, option, callback), option)
    }

    func setProgress(_ callback: curl_xferinfo_callback) throws(StorageError) {
        try check(rvc_curl_setopt_xferinfo(handle, callback), CURLOPT_XFERINFOFUNCTION)
    }

    func setOpenSocket(_ callback: curl_opensocket_callback) throws(StorageError) {
        try check(rvc_curl_setopt_opensocket(handle, callback), CURLOPT_OPENSOCKETFUNCTION)
    }

    /// Replaces the request headers ("Name: value" lines; "Name:" removes a header curl would add).
    func setHeaders(_ lines: [String]) throws(StorageError) {
        var list: UnsafeMutablePointer<curl_slist>?
        for line in lines {
            guard let appended = curl_slist_append(list, line) else {
                curl_slist_free_all(list)
                throw .network(url: displayURL, code: Int(CURLE_OUT_OF_MEMORY.rawValue),
                               message: "could not build the request headers")
            }
            list = appended
        }
        try check(rvc_curl_setopt_slist(handle, CURLOPT_HTTPHEADER, list), CURLOPT_HTTPHEADER)
        curl_slist_free_all(headerList)
        headerList = list
    }

    /// Empties the detailed error message before a transfer.
    func clearErrorBuffer() { errorBuffer[0] = 0 }

    func info(long key: CURLINFO) -> Int {
        var value = 0
        return rvc_curl_getinfo_long(handle, key, &value) == CURLE_OK ? value : 0
    }

    func info(offset key: CURLINFO) -> Int64 {
        var value: curl_off_t = -1
        return rvc_curl_getinfo_off(handle, key, &value) == CURLE_OK ? Int64(value) : -1
    }

    func info(string key: CURLINFO) -> String? {
        var value: UnsafeMutablePointer<CChar>?
        guard rvc_curl_getinfo_string(handle, key, &value) == CURLE_OK, let value else { return nil }
        return String(cString: value)
    }

    private func check(_ code: CURLcode, _ option: CURLoption) throws(StorageError) {
        guard code == CURLE_OK else {
            throw .network(url: displayURL, code: Int(code.rawValue),
                           message: "libcurl refused option \(option.rawValue): \(String(cString: curl_easy_strerror(code)))")
        }
    }
}
