import Foundation

/// Where the shared network files (HuBERT and RMVPE) are looked for by default.
///
/// The folder is `$RVC_ASSETS` when set, else `${XDG_CACHE_HOME:-~/.cache}/rvc-nano/assets`.
public struct AssetLocations: Sendable, Equatable {
    /// The HuBERT base checkpoint's file name (`hubert_base.pt`, as distributed with RVC).
    public static let hubertFileName = "hubert_base.pt"
    /// The RMVPE checkpoint's file name (`rmvpe.pt`, as distributed with RVC).
    public static let rmvpeFileName = "rmvpe.pt"

    /// The assets folder.
    public let directory: URL

    /// Resolves the folder from `environment` (`RVC_ASSETS`, `XDG_CACHE_HOME`, `HOME`).
    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        if let explicit = environment["RVC_ASSETS"], !explicit.isEmpty {
            directory = URL(fileURLWithPath: explicit, isDirectory: true)
            return
        }
        let cache: URL
        if let xdg = environment["XDG_CACHE_HOME"], !xdg.isEmpty {
            cache = URL(fileURLWithPath: xdg, isDirectory: true)
        } else {
            let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
            cache = URL(fileURLWithPath: home, isDirectory: true).appendingPathComponent(".cache", isDirectory: true)
        }
        directory = cache.appendingPathComponent("rvc-nano/assets", isDirectory: true)
    }

    /// `<directory>/hubert_base.pt`.
    public var hubert: URL { directory.appendingPathComponent(Self.hubertFileName) }
    /// `<directory>/rmvpe.pt`.
    public var rmvpe: URL { directory.appendingPathComponent(Self.rmvpeFileName) }
}
