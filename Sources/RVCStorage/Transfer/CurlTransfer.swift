import CCurl
import Crypto
import Foundation
import RVCBasics

#if canImport(Glibc)
import Glibc
#endif

/// Performs one HTTP(S) request with libcurl, blocking the calling thread: redirects with a limit,
/// verified TLS, connect and stall timeouts, a size limit enforced up front and while streaming,
/// the private-address policy applied to every address connected to, progress and cancellation.
///
/// It does not retry and does not judge the HTTP status: callers do both.
final class CurlTransfer {
    private let request: HTTPRequest
    private let options: TransferOptions
    private let sink: ResponseSink
    private let progress: ProgressHandler?
    private let cancellation: CancellationFlag?
    private let displayURL: String

    // State touched by libcurl's callbacks, all on this thread.
    private var status = 0
    private var headers: [(name: String, value: String)] = []
    private var body = Data()
    private var errorBody = Data()
    private var received: Int64 = 0
    private var hasher = SHA256()
    private var failure: StorageError?
    private var lastProgress: (Int64, Int64) = (-1, -1)
    private var upload: UploadSource?
    /// Where the last redirect pointed, to name it when its address is refused.
    private var redirectTarget: String?

    /// Error bodies are only read for their message; more is never needed.
    private static let errorBodyLimit = 64 * 1024

    init(
        request: HTTPRequest, options: TransferOptions, sink: ResponseSink,
        progress: ProgressHandler?, cancellation: CancellationFlag?
    ) {
        self.request = request
        self.options = options
        self.sink = sink
        self.progress = progress
        self.cancellation = cancellation
        displayURL = RedactedURL(request.url).description
    }

    /// Runs `request` on a dedicated thread; cancelling the calling task aborts the transfer.
    /// - Throws: ``StorageError`` for transport failures (any HTTP status is returned, not thrown).
    static func run(
        _ request: HTTPRequest, options: TransferOptions, sink: ResponseSink, progress: ProgressHandler?
    ) async throws -> HTTPResponse {
        let flag = CancellationFlag()
        return try await withTaskCancellationHandler {
            try await BlockingThread.run(name: "rvc-curl") {
                let transfer = CurlTransfer(
                    request: request, options: options, sink: sink, progress: progress, cancellation: flag)
                return try transfer.perform()
            }
        } onCancel: {
            flag.cancel()
        }
    }

    /// Performs the transfer on the calling thread.
    func perform() throws(StorageError) -> HTTPResponse {
        if cancellation?.isCancelled == true { throw .cancelled(url: displayURL) }
        let easy = try CurlEasy(displayURL: displayURL)
        try configure(easy)
        let unmanaged = Unmanaged.passUnretained(self).toOpaque()
        try easy.set(CURLOPT_WRITEDATA, pointer: unmanaged)
        try easy.set(CURLOPT_HEADERDATA, pointer: unmanaged)
        try easy.set(CURLOPT_XFERINFODATA, pointer: unmanaged)
        try easy.set(CURLOPT_OPENSOCKETDATA, pointer: unmanaged)
        if upload != nil { try easy.set(CURLOPT_READDATA, pointer: unmanaged) }

        // Driven through a multi handle so that cancelling wakes the waiting transfer at once
        // (curl_easy_perform would only notice at its next progress call, up to a second later).
        let multi = try CurlMulti(displayURL: displayURL)
        try multi.add(easy)
        easy.clearErrorBuffer()
        cancellation?.onCancel { multi.wakeUp() }
        let outcome: Result<CURLcode?, StorageError> = withExtendedLifetime(self) {
            Result { () throws(StorageError) -> CURLcode? in try multi.run { cancellation?.isCancelled == true } }
        }
        multi.detach()
        cancellation?.clearWakeUp()
        upload?.close()
        let finalStatus = easy.info(long: CURLINFO_RESPONSE_CODE)

        guard case .success(let result) = outcome, let code = result else {
            if cancellation?.isCancelled == true { throw .cancelled(url: displayURL) }
            if case .failure(let error) = outcome { throw error }
            throw .cancelled(url: displayURL)
        }
        if code != CURLE_OK {
            if cancellation?.isCancelled == true { throw .cancelled(url: displayURL) }
            throw failure ?? mapError(code, easy: easy)
        }
        if (200..<300).contains(finalStatus) && request.method != "HEAD" {
            let declared = easy.info(offset: CURLINFO_CONTENT_LENGTH_DOWNLOAD_T)
            if declared >= 0 && declared != received {
                throw .truncated(url: displayURL, expected: declared, received: received)
            }
        }
        let success = (200..<300).contains(finalStatus)
        return HTTPResponse(
            status: finalStatus,
            headers: headers,
            body: success ? body : errorBody,
            bytesReceived: success ? received : 0,
            sha256: hasher.finalize().lowercaseHex,
            effectiveURL: easy.info(string: CURLINFO_EFFECTIVE_URL) ?? request.url)
    }

    private func configure(_ easy: CurlEasy) throws(StorageError) {
        try easy.set(CURLOPT_URL, request.url)
        try easy.set(CURLOPT_PROTOCOLS_STR, "http,https")
        try easy.set(CURLOPT_REDIR_PROTOCOLS_STR, "http,https")
        try easy.set(CURLOPT_FOLLOWLOCATION, options.maxRedirects > 0 ? 1 : 0)
        try easy.set(CURLOPT_MAXREDIRS, options.maxRedirects)
        try easy.set(CURLOPT_SSL_VERIFYPEER, 1)
        try easy.set(CURLOPT_SSL_VERIFYHOST, 2)
        try easy.set(CURLOPT_NOSIGNAL, 1)
        try easy.set(CURLOPT_CONNECTTIMEOUT_MS, max(1, options.connectTimeout.wholeMilliseconds))
        try easy.set(CURLOPT_LOW_SPEED_LIMIT, max(1, options.lowSpeedLimit))
        try easy.set(CURLOPT_LOW_SPEED_TIME, max(1, Int(options.lowSpeedTime.inSeconds.rounded(.up))))
        if let total = options.totalTimeout {
            try easy.set(CURLOPT_TIMEOUT_MS, max(1, total.wholeMilliseconds))
        }
        try easy.set(CURLOPT_USERAGENT, options.userAgent)
        // Signed S3 paths must reach the server exactly as signed, without dot-segment squashing.
        try easy.set(CURLOPT_PATH_AS_IS, 1)
        if let maxBytes = options.maxBytes {
            try easy.set(CURLOPT_MAXFILESIZE_LARGE, offset: maxBytes)
        }
        try easy.set(CURLOPT_WRITEFUNCTION, callback: writeCallback)
        try easy.set(CURLOPT_HEADERFUNCTION, callback: headerCallback)
        try easy.set(CURLOPT_NOPROGRESS, 0)
        try easy.setProgress(progressCallback)
        try easy.setOpenSocket(openSocketCallback)

        var headerLines = request.headers.map { "\($0.name): \($0.value)" }
        switch request.method {
        case "GET":
            try easy.set(CURLOPT_HTTPGET, 1)
        case "HEAD":
            try easy.set(CURLOPT_NOBODY, 1)
        case "PUT":
            try easy.set(CURLOPT_UPLOAD, 1)
        default:
            try easy.set(CURLOPT_CUSTOMREQUEST, request.method)
        }
        switch request.body {
        case .none:
            if request.method == "PUT" { try easy.set(CURLOPT_INFILESIZE_LARGE, offset: 0) }
        case .data(let data):
            upload = .data(data, offset: 0)
        case .file(let path):
            upload = try UploadSource.open(path)
        }
        if let upload {
            if request.method != "PUT" {
                try easy.set(CURLOPT_POST, 1)
                try easy.set(CURLOPT_POSTFIELDSIZE_LARGE, offset: upload.size)
            } else {
                try easy.set(CURLOPT_INFILESIZE_LARGE, offset: upload.size)
            }
            try easy.set(CURLOPT_READFUNCTION, callback: readCallback)
            // Without this curl waits up to a second for "100 Continue" before sending the body.
            headerLines.append("Expect:")
        }
        try easy.setHeaders(headerLines)
    }

    private func mapError(_ code: CURLcode, easy: CurlEasy) -> StorageError {
        let message = easy.errorMessage(for: code)
        switch code {
        case CURLE_OPERATION_TIMEDOUT:
            // A connection made within one step of libcurl's clock shows a connect time of 0; a
            // request sent shows the connection was made.
            let connected = easy.info(offset: CURLINFO_CONNECT_TIME_T) > 0 || easy.info(long: CURLINFO_REQUEST_SIZE) > 0
            if let total = options.totalTimeout, connected {
                return .timedOut(url: displayURL, phase: .total, seconds: total.inSeconds)
            }
            return connected
                ? .timedOut(url: displayURL, phase: .stalled, seconds: options.lowSpeedTime.inSeconds)
                : .timedOut(url: displayURL, phase: .connect, seconds: options.connectTimeout.inSeconds)
        case CURLE_TOO_MANY_REDIRECTS:
            return .tooManyRedirects(url: displayURL, limit: options.maxRedirects)
        case CURLE_FILESIZE_EXCEEDED:
            return .tooLarge(url: displayURL, limit: options.maxBytes ?? 0)
        case CURLE_PARTIAL_FILE:
            let declared = easy.info(offset: CURLINFO_CONTENT_LENGTH_DOWNLOAD_T)
            return .truncated(url: displayURL, expected: declared, received: received)
        case CURLE_ABORTED_BY_CALLBACK:
            return .cancelled(url: displayURL)
        case CURLE_UNSUPPORTED_PROTOCOL:
            let target = easy.info(string: CURLINFO_EFFECTIVE_URL) ?? request.url
            let scheme = target.split(separator: ":", maxSplits: 1).first.map(String.init) ?? target
            return .unsupportedScheme(url: RedactedURL(target).description, scheme: scheme)
        case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CERTPROBLEM,
             CURLE_SSL_CIPHER, CURLE_SSL_CACERT_BADFILE, CURLE_SSL_ISSUER_ERROR,
             CURLE_SSL_PINNEDPUBKEYNOTMATCH, CURLE_SSL_INVALIDCERTSTATUS, CURLE_SSL_ENGINE_NOTFOUND,
             CURLE_SSL_ENGINE_SETFAILED, CURLE_SSL_CRL_BADFILE, CURLE_SSL_SHUTDOWN_FAILED:
            return .tls(url: displayURL, message: message)
        default:
            return .network(url: displayURL, code: Int(code.rawValue), message: message)
        }
    }

    // MARK: Callbacks (on the transfer thread)

    fileprivate func receive(_ bytes: UnsafeRawBufferPointer) -> Bool {
        if cancellation?.isCancelled == true {
            failure = .cancelled(url: displayURL)
            return false
        }
        guard (200..<300).contains(status) else {
            let room = Self.errorBodyLimit - errorBody.count
            if room > 0 { errorBody.append(contentsOf: bytes.prefix(room)) }
            return true
        }
        if let maxBytes = options.maxBytes, received + Int64(bytes.count) > maxBytes {
            failure = .tooLarge(url: displayURL, limit: maxBytes)
            return false
        }
        switch sink {
        case .memory:
            body.append(contentsOf: bytes)
        case .file(let descriptor):
            var offset = 0
            while offset < bytes.count {
                let written = Glibc.write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    failure = .fileSystem(
                        path: "download of \(displayURL)", operation: "write",
                        message: String(cString: strerror(errno)))
                    return false
                }
                offset += written
            }
        }
        hasher.update(bufferPointer: bytes)
        received += Int64(bytes.count)
        return true
    }

    fileprivate func receiveHeader(_ line: String) -> Bool {
        let trimmed = line.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.hasPrefix("HTTP/") {
            // A new response (after a redirect or a 100 Continue): forget the previous one.
            let parts = trimmed.split(separator: " ", maxSplits: 2)
            status = parts.count > 1 ? Int(parts[1]) ?? 0 : 0
            headers = []
            return true
        }
        guard let colon = trimmed.firstIndex(of: ":") else { return true }
        let name = String(trimmed[..<colon]).trimmingCharacters(in: .whitespaces)
        let value = String(trimmed[trimmed.index(after: colon)...]).trimmingCharacters(in: .whitespaces)
        headers.append((name, value))
        if (300..<400).contains(status), name.lowercased() == "location" {
            let base = redirectTarget ?? request.url
            redirectTarget = URL(string: value, relativeTo: URL(string: base))?.absoluteString ?? value
        }
        if (200..<300).contains(status), name.lowercased() == "content-length",
           let length = Int64(value), let maxBytes = options.maxBytes, length > maxBytes,
           request.method != "HEAD"
        {
            failure = .tooLarge(url: displayURL, limit: maxBytes)
            return false
        }
        return true
    }

    fileprivate func reportProgress(download: (Int64, Int64), upload: (Int64, Int64)) -> Bool {
        if cancellation?.isCancelled == true {
            failure = .cancelled(url: displayURL)
            return false
        }
        guard let progress else { return true }
        let (total, done) = self.upload != nil ? upload : download
        if (done, total) != lastProgress {
            lastProgress = (done, total)
            progress(TransferProgress(bytesDone: done, totalBytes: total > 0 ? total : nil))
        }
        return true
    }

    fileprivate func readUpload(into buffer: UnsafeMutableRawBufferPointer) -> Int? {
        guard var source = upload else { return 0 }
        defer { upload = source }
        return source.read(into: buffer)
    }

    /// Whether the address about to be connected is allowed; records why not.
    fileprivate func allowConnection(to address: [UInt8]) -> Bool {
        guard !options.allowPrivateAddresses else { return true }
        let text = AddressPolicy.format(address)
        guard let range = AddressPolicy.forbiddenRange(address), !options.exemptAddresses.contains(text) else {
            // A host with several addresses: an earlier refused one must not mask how this ends.
            switch failure {
            case .privateAddress?, .redirectedToPrivateAddress?: failure = nil
            default: break
            }
            return true
        }
        if let redirectTarget {
            failure = .redirectedToPrivateAddress(
                url: displayURL, target: RedactedURL(redirectTarget).description, address: text, range: range)
        } else {
            failure = .privateAddress(url: displayURL, address: text, range: range)
        }
        return false
    }
}

// MARK: - C callbacks

private func transfer(_ userdata: UnsafeMutableRawPointer?) -> CurlTransfer? {
    guard let userdata else { return nil }
    return Unmanaged<CurlTransfer>.fromOpaque(userdata).takeUnretainedValue()
}

private let writeCallback: rvc_curl_data_callback = { buffer, size, count, userdata in
    let length = size * count
    guard let transfer = transfer(userdata), let buffer else { return 0 }
    return transfer.receive(UnsafeRawBufferPointer(start: buffer, count: length)) ? length : 0
}

private let headerCallback: rvc_curl_data_callback = { buffer, size, count, userdata in
    let length = size * count
    guard let transfer = transfer(userdata), let buffer else { return 0 }
    let line = String(decoding: UnsafeRawBufferPointer(start: buffer, count: length), as: UTF8.self)
    return transfer.receiveHeader(line) ? length : 0
}

private let readCallback: rvc_curl_data_callback = { buffer, size, count, userdata in
    guard let transfer = transfer(userdata), let buffer else { return Int(CURL_READFUNC_ABORT) }
    let target = UnsafeMutableRawBufferPointer(start: buffer, count: size * count)
    return transfer.readUpload(into: target) ?? Int(CURL_READFUNC_ABORT)
}

private let progressCallback: curl_xferinfo_callback = { userdata, downloadTotal, downloaded, uploadTotal, uploaded in
    guard let transfer = transfer(userdata) else { return 1 }
    let keepGoing = transfer.reportProgress(
        download: (Int64(downloadTotal), Int64(downloaded)), upload: (Int64(uploadTotal), Int64(uploaded)))
    return keepGoing ? 0 : 1
}

private let openSocketCallback: curl_opensocket_callback = { userdata, _, address in
    guard let transfer = transfer(userdata), let address else { return CURL_SOCKET_BAD }
    var bytes = [UInt8](repeating: 0, count: 16)
    let count = Int(rvc_curl_sockaddr_ip(address, &bytes))
    guard count == 4 || count == 16 else { return CURL_SOCKET_BAD }
    guard transfer.allowConnection(to: Array(bytes.prefix(count))) else { return CURL_SOCKET_BAD }
    return socket(address.pointee.family, address.pointee.socktype | Int32(SOCK_CLOEXEC.rawValue), address.pointee.protocol)
}
