import ArgumentParser
import Foundation
import RVCStorage
import RVCWorker

/// `rvc assets`: the shared networks (HuBERT, RMVPE).
struct AssetsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "assets", abstract: "Manage the shared networks (HuBERT, RMVPE).",
        subcommands: [AssetsDownloadCommand.self])
}

/// `rvc assets download [--dir DIR] [--base-url URL]`.
struct AssetsDownloadCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "download",
        abstract: "Download hubert_base.pt and rmvpe.pt and verify their SHA-256.")

    @Option(help: "Destination folder (default: $RVC_ASSETS or ${XDG_CACHE_HOME:-~/.cache}/rvc-nano/assets).")
    var dir: String?

    @Option(help: "Base URL the file names are appended to.")
    var baseURL: String = AssetDownloader.defaultBaseURL

    func run() async throws {
        let directory = dir.map { URL(fileURLWithPath: $0) } ?? AssetDownloader.defaultDirectory()
        let downloader = AssetDownloader(baseURL: baseURL, downloader: Downloader(options: .fromEnvironment()))
        do {
            for outcome in try await downloader.download(to: directory) {
                print("\(outcome.downloaded ? "downloaded" : "present   ") \(outcome.path.path) (sha256 \(outcome.asset.sha256))")
            }
        } catch {
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            throw ExitCode.failure
        }
    }
}
