import Foundation
import RVCTestSupport
import Testing
@testable import RVCStorage

/// Download servers that misbehave: each ends in a clear error within its limit (or, for a body
/// longer than declared, in exactly the declared bytes), and no file is left behind on failure.
/// The stall, the redirect loop and the truncated body are in ``DownloaderTests``.
@Suite struct HostileServerTests {
    let bed: DownloadTestBed

    init() async throws { bed = try await DownloadTestBed() }

    @Test func bodyLongerThanItsContentLengthIsCutAtTheDeclaredLength() async throws {
        // HTTP frames the body by Content-Length: bytes after it are not the body (libcurl drops
        // them and closes the connection), so they can neither reach the file nor pass a limit.
        var options = testDownloadOptions()
        options.maxBytes = 1500
        let result = try await Downloader(options: options)
            .download(bed.server.url("/excess/1000/100000"), to: bed.directory.file("out"))
        #expect(result.byteCount == 1000)
        #expect(try Data(contentsOf: bed.directory.file("out")) == TestHTTPServer.body(1000))
        #expect(result.sha256 == SHA256Hex.of(TestHTTPServer.body(1000)))
    }

    @Test(arguments: [
        ("http://169.254.169.254/latest/meta-data/", "169.254.169.254", "link-local"),
        ("http://10.1.2.3/model.pth", "10.1.2.3", "private"),
        ("http://192.168.0.7:8080/x", "192.168.0.7", "private"),
        ("http://127.0.0.2/x", "127.0.0.2", "loopback"),
        ("http://[::1]:9/x", "::1", "loopback"),
    ])
    func redirectToAPrivateAddressIsRefusedNamingTheTarget(_ target: String, _ address: String, _ range: String) async throws {
        // The loopback test server stands in for a public one (its own address is exempted); what it
        // redirects to is judged by the policy before any connection is made there.
        var options = DownloadOptions()
        options.maxRetries = 0
        var downloader = Downloader(options: options)
        downloader.exemptAddresses = ["127.0.0.1"]
        let encoded = target.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? target
        let url = bed.server.url("/redirect-to/\(bed.tag)?to=\(encoded)")
        await #expect {
            _ = try await downloader.download(url, to: bed.directory.file("out"))
        } throws: { error in
            guard case StorageError.redirectedToPrivateAddress(_, let shownTarget, let refused, let shownRange) = error else {
                return false
            }
            let text = "\(error)"
            return shownTarget == target && refused == address && shownRange.contains(range)
                && text.contains("redirects to '\(target)'") && text.contains("RVC_ALLOW_PRIVATE_URLS")
        }
        #expect(try bed.server.requestCount("/redirect-to/\(bed.tag)") == 1)
        #expect(bed.directory.contents().isEmpty)
    }

    /// 2 GB from `/endless` (no Content-Length) stops near the limit; from `/endless-declared`
    /// (the length declared) it is refused before the body. Either way the client hangs up and the
    /// server gets nowhere near 2 GB out.
    @Test(arguments: ["/endless", "/endless-declared"])
    func twoGigabytesStopAtTheLimit(route: String) async throws {
        var options = testDownloadOptions()
        options.maxBytes = 8 << 20
        let path = "\(route)/\(bed.tag)"
        await #expect(throws: StorageError.tooLarge(url: bed.server.url(path), limit: 8 << 20)) {
            _ = try await Downloader(options: options).download(bed.server.url(path), to: bed.directory.file("out"))
        }
        #expect(bed.directory.contents().isEmpty)
        #expect(try await bed.server.eventually { try $0.clientHungUp(bed.tag) })
        #expect(try bed.server.bytesSent(bed.tag) < 64 << 20)
    }
}
