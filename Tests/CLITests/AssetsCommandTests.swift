import Crypto
import Foundation
import RVCTestSupport
import Testing

/// `rvc assets download` against a loopback file server.
@Suite struct AssetsCommandTests {
    private func temporaryDirectory() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("rvc-cli-assets-\(UUID().uuidString)")
    }

    @Test func refusesFilesWhoseHashDoesNotMatchAndKeepsNothing() async throws {
        let server = try await TestHTTPServer.start([
            "hubert_base.pt": Data("not the real hubert".utf8), "rmvpe.pt": Data("not the real rmvpe".utf8),
        ])
        defer { server.stop() }
        let directory = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let result = try await RVCBinary.run(
            ["assets", "download", "--dir", directory.path, "--base-url", server.baseURL + "/"],
            environment: ["RVC_ALLOW_PRIVATE_URLS": "1"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("hubert_base.pt"))
        #expect(result.stderr.contains("f54b40fd2802423a5643779c4861af1e9ee9c1564dc9d32f54f20b5ffba7db96"))
        #expect(((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []).isEmpty)
        #expect(try server.requestCount("hubert_base.pt") == 1)
    }

    @Test func loopbackBaseURLIsRefusedWithoutTheOptIn() async throws {
        let server = try await TestHTTPServer.start([:])
        defer { server.stop() }
        let directory = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let result = try await RVCBinary.run(
            ["assets", "download", "--dir", directory.path, "--base-url", server.baseURL],
            environment: ["RVC_ALLOW_PRIVATE_URLS": "0"])
        #expect(result.status == 1)
        #expect(try server.requestCount("hubert_base.pt") == 0)
    }
}
