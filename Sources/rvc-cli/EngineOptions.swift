import ArgumentParser
import Foundation
import RVCWorker

/// Options shared by `rvc worker` and `rvc serve`: where the shared networks are and which device
/// runs the conversion.
struct EngineOptions: ParsableArguments {
    @Option(help: "Folder holding hubert_base.pt and rmvpe.pt (default: $RVC_ASSETS or ${XDG_CACHE_HOME:-~/.cache}/rvc-nano/assets).")
    var assets: String?

    /// The job runner for this process, with its engine prepared (networks loaded and warmed up).
    func makeRunner(environment: [String: String]) async throws -> JobRunner {
        // TEMPORARY until the pipeline branch (VoiceConverter) is merged: no engine is linked yet.
        FileHandle.standardError.write(Data("error: this build has no conversion engine yet\n".utf8))
        throw ExitCode.failure
    }
}
