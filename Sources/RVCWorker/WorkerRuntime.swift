import Foundation
import Logging
import RVCStorage

/// Builds a ``JobRunner`` from the environment, in one place:
///
/// | variable | default | meaning |
/// |---|---|---|
/// | `RVC_CACHE_DIR` | `${XDG_CACHE_HOME:-~/.cache}/rvc-nano` | cache root; downloads go to `downloads/` in it |
/// | `RVC_CACHE_MAX_BYTES` | 20 GB | download cache bound |
/// | `RVC_MODEL_CACHE_SIZE` | 3 | voice models kept loaded |
/// | `RVC_MAX_AUDIO_SECONDS` | 1200 | longest vocal accepted |
/// | `RVC_MAX_VOCAL_BYTES` | 1 GiB | largest vocal download |
/// | `RVC_MAX_MODEL_BYTES` | 1 GiB | largest model download |
/// | `RVC_MAX_INDEX_BYTES` | 2 GiB | largest index download |
/// | `RVC_MAX_DATA_URL_BYTES` | 32 MiB | largest decoded `data:` vocal |
/// | `RVC_ALLOW_PRIVATE_URLS` | off | allow loopback/private hosts (tests, local use) |
/// | `S3_ENDPOINT_URL`, `S3_ACCESS_KEY`, `S3_SECRET_KEY`, `S3_BUCKET_NAME`, `S3_REGION`, `S3_PUBLIC_URL`, `S3_KEY_PREFIX` | unset | upload outputs to S3 |
public enum WorkerRuntime {
    /// Errors in the environment.
    public struct ConfigurationError: Error, CustomStringConvertible {
        public let description: String
    }

    public static func makeRunner(
        engine: any ConversionEngine, environment: [String: String] = ProcessInfo.processInfo.environment,
        logger: Logger = Logger(label: "rvc.worker")
    ) throws -> JobRunner {
        var configuration = JobRunner.Configuration()
        configuration.maxAudioSeconds = Double(try integer("RVC_MAX_AUDIO_SECONDS", environment, default: 1_200))
        configuration.maxVocalBytes = try integer("RVC_MAX_VOCAL_BYTES", environment, default: configuration.maxVocalBytes)
        configuration.maxModelBytes = try integer("RVC_MAX_MODEL_BYTES", environment, default: configuration.maxModelBytes)
        configuration.maxIndexBytes = try integer("RVC_MAX_INDEX_BYTES", environment, default: configuration.maxIndexBytes)
        var options = DownloadOptions.fromEnvironment(environment)
        options.maxDataURLBytes = try integer("RVC_MAX_DATA_URL_BYTES", environment, default: options.maxDataURLBytes)
        // The per-kind limits above govern; the downloader's own bound must not be tighter.
        options.maxBytes = max(configuration.maxVocalBytes, configuration.maxModelBytes, configuration.maxIndexBytes)
        let downloader = Downloader(options: options)
        let cacheRoot = environment["RVC_CACHE_DIR"].flatMap { $0.isEmpty ? nil : URL(fileURLWithPath: $0) }
            ?? URL(fileURLWithPath: (environment["XDG_CACHE_HOME"].flatMap { $0.isEmpty ? nil : $0 }
                ?? (environment["HOME"] ?? NSHomeDirectory()) + "/.cache")).appendingPathComponent("rvc-nano")
        let cacheDirectory = cacheRoot.appendingPathComponent("downloads")
        let maxBytes = try integer("RVC_CACHE_MAX_BYTES", environment, default: 20_000_000_000)
        let cache = try DownloadCache(directory: cacheDirectory, maxBytes: maxBytes, downloader: downloader)
        let fetcher = StorageFileFetcher(cache: cache, downloader: downloader)
        let store: (any ResultStore)?
        do {
            store = try S3Configuration.fromEnvironment(environment).map { S3ResultStore(client: S3Client(configuration: $0)) }
        } catch {
            throw ConfigurationError(description: String(describing: error))
        }
        let models = ModelCache(capacity: Int(try integer("RVC_MODEL_CACHE_SIZE", environment, default: 3)))
        logger.info("job runner ready", metadata: [
            "cache": "\(cacheDirectory.path)", "s3": "\(store == nil ? "off" : "on")",
            "private_urls": "\(options.allowPrivateAddresses)",
        ])
        return JobRunner(engine: engine, fetcher: fetcher, store: store, models: models, configuration: configuration, logger: logger)
    }

    private static func integer(_ name: String, _ environment: [String: String], default value: Int64) throws -> Int64 {
        guard let text = environment[name], !text.isEmpty else { return value }
        guard let number = Int64(text), number > 0 else {
            throw ConfigurationError(description: "\(name) must be a positive integer, not '\(text)'")
        }
        return number
    }
}
