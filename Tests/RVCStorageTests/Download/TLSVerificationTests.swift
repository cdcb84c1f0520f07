import Foundation
import RVCTestSupport
import Testing
@testable import RVCStorage

/// TLS is verified: a server whose certificate no trusted authority signed is refused.
@Suite struct TLSVerificationTests {
    @Test func selfSignedCertificateIsRefused() async throws {
        let directory = try TemporaryDirectory()
        let certificate = directory.file("cert.pem").path, key = directory.file("key.pem").path
        let openssl = Process()
        openssl.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        openssl.arguments = [
            "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
            "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", key, "-out", certificate,
        ]
        openssl.standardOutput = FileHandle.nullDevice
        openssl.standardError = FileHandle.nullDevice
        try openssl.run()
        openssl.waitUntilExit()
        try #require(openssl.terminationStatus == 0, "openssl (from the ca-certificates dependency) could not make a certificate")

        let server = try await TestHTTPServer.start(tls: (certificate, key))
        let url = "https://127.0.0.1:\(server.port)/bytes/10"
        await #expect {
            _ = try await Downloader(options: testDownloadOptions(maxRetries: 2)).download(url, to: directory.file("out"))
        } throws: { error in
            guard case StorageError.tls(let shown, let message) = error else { return false }
            return shown == url && message.lowercased().contains("certificate")
        }
        #expect(!FileManager.default.fileExists(atPath: directory.file("out").path))
    }
}
