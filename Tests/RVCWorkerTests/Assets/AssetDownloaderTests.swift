import Crypto
import Foundation
import RVCStorage
import RVCTestSupport
import Testing
@testable import RVCWorker

@Suite struct AssetDownloaderTests {
    private func sha256(_ data: Data) -> String { SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined() }

    private func loopbackDownloader() -> Downloader {
        var options = DownloadOptions()
        options.allowPrivateAddresses = true
        options.maxRetries = 0
        return Downloader(options: options)
    }

    private func temporaryDirectory() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("rvc-assets-\(UUID().uuidString)")
    }

    @Test func downloadsVerifiesAndSkipsFilesAlreadyPresent() async throws {
        let hubert = Data("hubert bytes".utf8), rmvpe = Data("rmvpe bytes".utf8)
        let server = try await TestHTTPServer.start(["base/hubert_base.pt": hubert, "base/rmvpe.pt": rmvpe])
        defer { server.stop() }
        let directory = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let downloader = AssetDownloader(
            assets: [.init(name: "hubert_base.pt", sha256: sha256(hubert)), .init(name: "rmvpe.pt", sha256: sha256(rmvpe))],
            baseURL: server.url("base"), downloader: loopbackDownloader())
        let first = try await downloader.download(to: directory)
        #expect(first.map(\.downloaded) == [true, true])
        #expect(try Data(contentsOf: directory.appendingPathComponent("rmvpe.pt")) == rmvpe)
        let second = try await downloader.download(to: directory)
        #expect(second.map(\.downloaded) == [false, false])
        #expect(try server.requestCount("base/hubert_base.pt") == 1)
    }

    @Test func mismatchingHashIsRefusedAndLeavesNoFile() async throws {
        let server = try await TestHTTPServer.start(["hubert_base.pt": Data("tampered".utf8)])
        defer { server.stop() }
        let directory = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let downloader = AssetDownloader(
            assets: [AssetDownloader.standardAssets[0]], baseURL: server.baseURL, downloader: loopbackDownloader())
        await #expect(throws: AssetError.self) { try await downloader.download(to: directory) }
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).isEmpty)
    }

    @Test func defaultDirectoryFollowsTheEnvironment() {
        #expect(AssetDownloader.defaultDirectory(["RVC_ASSETS": "/a"]).path == "/a")
        #expect(AssetDownloader.defaultDirectory(["XDG_CACHE_HOME": "/x"]).path == "/x/rvc-nano/assets")
        #expect(AssetDownloader.defaultDirectory(["HOME": "/h"]).path == "/h/.cache/rvc-nano/assets")
    }

    @Test func standardAssetsArePinned() {
        #expect(AssetDownloader.standardAssets.map(\.name) == ["hubert_base.pt", "rmvpe.pt"])
        #expect(AssetDownloader.standardAssets[0].sha256 == "f54b40fd2802423a5643779c4861af1e9ee9c1564dc9d32f54f20b5ffba7db96")
        #expect(AssetDownloader.standardAssets[1].sha256 == "a5ed4719f59085d1affc5d81354c70828c740584f2d24e782523345a6a278962")
    }
}
