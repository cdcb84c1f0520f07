import Crypto
import Foundation
import RVCStorage

/// Fetches the shared networks every conversion needs (HuBERT and RMVPE) from the public Hugging
/// Face repository `lj1995/VoiceConversionWebUI`, verifying pinned SHA-256 digests. A file whose
/// digest does not match is refused and leaves nothing behind; files already present with the
/// right digest are kept without a download.
public struct AssetDownloader: Sendable {
    /// One pinned file.
    public struct Asset: Sendable, Equatable {
        public var name: String
        /// Lowercase hexadecimal SHA-256.
        public var sha256: String

        public init(name: String, sha256: String) {
            self.name = name
            self.sha256 = sha256
        }
    }

    /// What happened to one asset.
    public struct Outcome: Sendable, Equatable {
        public var asset: Asset
        public var path: URL
        /// False when a verified copy was already there.
        public var downloaded: Bool
    }

    /// hubert_base.pt and rmvpe.pt as published in lj1995/VoiceConversionWebUI (digests of the files
    /// the reference implementation downloads).
    public static let standardAssets = [
        Asset(name: "hubert_base.pt", sha256: "f54b40fd2802423a5643779c4861af1e9ee9c1564dc9d32f54f20b5ffba7db96"),
        Asset(name: "rmvpe.pt", sha256: "a5ed4719f59085d1affc5d81354c70828c740584f2d24e782523345a6a278962"),
    ]
    public static let defaultBaseURL = "https://huggingface.co/lj1995/VoiceConversionWebUI/resolve/main/"

    /// `$RVC_ASSETS`, else `${XDG_CACHE_HOME:-~/.cache}/rvc-nano/assets`.
    public static func defaultDirectory(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> URL {
        if let assets = environment["RVC_ASSETS"], !assets.isEmpty { return URL(fileURLWithPath: assets) }
        let cache = environment["XDG_CACHE_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? (environment["HOME"] ?? NSHomeDirectory()) + "/.cache"
        return URL(fileURLWithPath: cache).appendingPathComponent("rvc-nano/assets")
    }

    public var assets: [Asset]
    public var baseURL: String
    public var downloader: Downloader

    public init(assets: [Asset] = Self.standardAssets, baseURL: String = Self.defaultBaseURL, downloader: Downloader) {
        self.assets = assets
        self.baseURL = baseURL.hasSuffix("/") ? baseURL : baseURL + "/"
        self.downloader = downloader
    }

    /// Makes sure every asset is in `directory` with its pinned digest.
    /// - Throws: ``AssetError``; assets handled before the failure stay in place.
    public func download(to directory: URL) async throws(AssetError) -> [Outcome] {
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw .fileSystem(path: directory.path, message: "cannot create the folder (\(error.localizedDescription))")
        }
        var outcomes: [Outcome] = []
        for asset in assets {
            outcomes.append(try await fetch(asset, into: directory))
        }
        return outcomes
    }

    private func fetch(_ asset: Asset, into directory: URL) async throws(AssetError) -> Outcome {
        let destination = directory.appendingPathComponent(asset.name)
        if FileManager.default.fileExists(atPath: destination.path),
           (try? Self.sha256(of: destination)) == asset.sha256 {
            return Outcome(asset: asset, path: destination, downloaded: false)
        }
        let url = baseURL + asset.name
        let partial = directory.appendingPathComponent(".\(asset.name).\(UUID().uuidString).partial")
        let result: DownloadResult
        do {
            result = try await downloader.download(url, to: partial)
        } catch {
            try? FileManager.default.removeItem(at: partial)
            throw .downloadFailed(name: asset.name, url: url, message: String(describing: error))
        }
        guard result.sha256 == asset.sha256 else {
            try? FileManager.default.removeItem(at: partial)
            throw .checksumMismatch(name: asset.name, url: url, expected: asset.sha256, actual: result.sha256)
        }
        guard rename(partial.path, destination.path) == 0 else {
            let message = String(cString: strerror(errno))
            try? FileManager.default.removeItem(at: partial)
            throw .fileSystem(path: destination.path, message: message)
        }
        return Outcome(asset: asset, path: destination, downloaded: true)
    }

    /// Streams a file through SHA-256.
    static func sha256(of file: URL) throws -> String {
        let handle = try FileHandle(forReadingFrom: file)
        defer { try? handle.close() }
        var hasher = SHA256()
        while let chunk = try handle.read(upToCount: 4 << 20), !chunk.isEmpty {
            hasher.update(data: chunk)
        }
        return hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }
}
