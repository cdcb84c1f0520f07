import Foundation
import RVCTestSupport
import Testing
@testable import RVCStorage

@Suite struct AddressPolicyTests {
    @Test(arguments: [
        "127.0.0.1", "127.1.2.3", "10.0.0.1", "10.255.255.255", "172.16.0.1", "172.31.255.1", "192.168.1.1",
        "169.254.169.254", "100.64.0.1", "100.127.255.254", "0.0.0.0", "224.0.0.1", "255.255.255.255",
        "::1", "::", "fe80::1", "fc00::1", "fd12:3456::1", "::ffff:127.0.0.1", "::ffff:10.1.2.3",
        "::ffff:169.254.169.254", "64:ff9b::a00:1", "2002:a00:1::1", "ff02::1",
    ])
    func internalAddressesAreForbidden(_ address: String) throws {
        let bytes = try #require(AddressPolicy.parse(address))
        #expect(AddressPolicy.forbiddenRange(bytes) != nil)
    }

    @Test(arguments: [
        "8.8.8.8", "1.1.1.1", "172.32.0.1", "172.15.255.255", "100.128.0.1", "192.169.0.1", "169.255.0.1",
        "2606:4700:4700::1111", "2001:4860:4860::8888", "::ffff:8.8.8.8", "64:ff9b::808:808",
    ])
    func publicAddressesAreAllowed(_ address: String) throws {
        let bytes = try #require(AddressPolicy.parse(address))
        #expect(AddressPolicy.forbiddenRange(bytes) == nil)
    }

    @Test func rangesAreNamed() throws {
        #expect(AddressPolicy.forbiddenRange(try #require(AddressPolicy.parse("169.254.169.254")))?.contains("link-local") == true)
        #expect(AddressPolicy.forbiddenRange(try #require(AddressPolicy.parse("100.64.0.1")))?.contains("carrier-grade NAT") == true)
        #expect(AddressPolicy.forbiddenRange(try #require(AddressPolicy.parse("fd00::1")))?.contains("unique local") == true)
        #expect(AddressPolicy.forbiddenRange(try #require(AddressPolicy.parse("::ffff:127.0.0.1")))?.contains("IPv4-mapped") == true)
    }

    @Test(arguments: [
        ("http://127.0.0.1/x", "127.0.0.1"), ("http://[::1]:8080/x", "::1"), ("https://10.1.2.3/model.pth", "10.1.2.3"),
        ("http://169.254.169.254/latest/meta-data/", "169.254.169.254"), ("http://user:pw@192.168.0.10/", "192.168.0.10"),
        ("http://[::ffff:7f00:1]/", "::ffff:7f00:1"),
    ])
    func literalPrivateHostsAreRefusedBeforeConnecting(_ url: String, _ address: String) async throws {
        let directory = try TemporaryDirectory()
        let downloader = Downloader(options: DownloadOptions())
        await #expect {
            _ = try await downloader.download(url, to: directory.file("out"))
        } throws: { error in
            guard case StorageError.privateAddress(let shown, let refused, _) = error else { return false }
            return refused == address && !shown.contains("pw")
        }
        #expect(directory.contents().isEmpty)
    }

    @Test func hostnameResolvingToLoopbackIsRefusedAtConnect() async throws {
        let server = try await TestHTTPServer.shared()
        let directory = try TemporaryDirectory()
        let path = "/bytes/10/\(UUID().uuidString)"
        var options = DownloadOptions()
        options.maxRetries = 0
        let downloader = Downloader(options: options)
        await #expect {
            _ = try await downloader.download("http://localhost:\(server.port)\(path)", to: directory.file("out"))
        } throws: { error in
            guard case StorageError.privateAddress(_, let address, let range) = error else { return false }
            return (address == "127.0.0.1" || address == "::1") && range.contains("loopback")
        }
        #expect(try server.requestCount(path) == 0)
        #expect(directory.contents().isEmpty)
    }

    @Test func allowingPrivateAddressesLetsLoopbackThrough() async throws {
        let server = try await TestHTTPServer.shared()
        let directory = try TemporaryDirectory()
        let result = try await Downloader(options: testDownloadOptions())
            .download("http://localhost:\(server.port)/bytes/10", to: directory.file("out"))
        #expect(result.byteCount == 10)
    }

    @Test func environmentVariableAllowsPrivateAddresses() {
        #expect(!DownloadOptions.fromEnvironment([:]).allowPrivateAddresses)
        #expect(DownloadOptions.fromEnvironment(["RVC_ALLOW_PRIVATE_URLS": "1"]).allowPrivateAddresses)
        #expect(DownloadOptions.fromEnvironment(["RVC_ALLOW_PRIVATE_URLS": "true"]).allowPrivateAddresses)
        #expect(!DownloadOptions.fromEnvironment(["RVC_ALLOW_PRIVATE_URLS": "0"]).allowPrivateAddresses)
    }

    @Test(arguments: [
        ("file:///etc/passwd", "file"), ("ftp://example.com/x", "ftp"), ("gopher://example.com/", "gopher"),
        ("FILE:///etc/hosts", "file"), ("javascript:alert(1)", "javascript"),
    ])
    func otherSchemesAreRefused(_ url: String, _ scheme: String) async throws {
        let directory = try TemporaryDirectory()
        await #expect {
            _ = try await Downloader(options: testDownloadOptions()).download(url, to: directory.file("out"))
        } throws: { error in
            guard case StorageError.unsupportedScheme(_, let refused) = error else { return false }
            return refused == scheme
        }
        #expect(directory.contents().isEmpty)
    }

    @Test func urlsWithoutSchemeOrHostAreInvalid() async throws {
        let directory = try TemporaryDirectory()
        for url in ["example.com/x", "http:/x", "https://"] {
            await #expect(throws: StorageError.self) {
                _ = try await Downloader(options: testDownloadOptions()).download(url, to: directory.file("out"))
            }
        }
    }
}
