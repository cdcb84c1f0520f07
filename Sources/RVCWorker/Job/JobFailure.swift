/// A job that could not be completed: what failed, at which stage, and whether the worker's own
/// state may be unsound afterwards.
public struct JobFailure: Error, Sendable, Equatable, CustomStringConvertible {
    /// Stable machine-readable codes, part of the public API.
    public enum Code: String, Sendable, Codable, CaseIterable {
        /// The `input` object broke the schema; nothing was downloaded.
        case invalidInput = "INVALID_INPUT"
        /// A URL could not be fetched (unreachable, refused, HTTP error, too large).
        case downloadFailed = "DOWNLOAD_FAILED"
        /// The vocal file is not audio rvc-nano can decode, or is empty or too long.
        case invalidAudio = "INVALID_AUDIO"
        /// The model checkpoint (or index) could not be read or loaded.
        case modelLoadFailed = "MODEL_LOAD_FAILED"
        /// The conversion itself failed (for example a speaker id the model does not have).
        case conversionFailed = "CONVERSION_FAILED"
        /// Memory ran out on the host or the GPU.
        case outOfMemory = "OUT_OF_MEMORY"
        /// The output could not be encoded.
        case encodingFailed = "ENCODING_FAILED"
        /// The output could not be uploaded to S3.
        case uploadFailed = "UPLOAD_FAILED"
        /// The job ran past its time limit.
        case timeout = "TIMEOUT"
        /// The job was cancelled (stopped by the platform, cancelled through the local API) and
        /// stopped at its next step; no result is delivered for it.
        case cancelled = "CANCELLED"
        /// Anything else: a bug or an unexpected state.
        case internalError = "INTERNAL_ERROR"
    }

    public var code: Code
    public var stage: JobStage
    /// A sentence naming what failed.
    public var message: String
    /// True when the worker should be recycled (the platform's `stopPod`): a model that fails to
    /// load, memory exhaustion, internal errors. False for problems with the request itself.
    public var refreshWorker: Bool

    public init(code: Code, stage: JobStage, message: String, refreshWorker: Bool? = nil) {
        self.code = code
        self.stage = stage
        self.message = message
        self.refreshWorker = refreshWorker ?? [.modelLoadFailed, .outOfMemory, .internalError].contains(code)
    }

    /// The failure for input rejected by the schema.
    public static func invalidInput(_ error: JobInputError) -> JobFailure {
        JobFailure(code: .invalidInput, stage: .validation, message: error.description, refreshWorker: false)
    }

    public var description: String { "\(code.rawValue) at \(stage.rawValue): \(message)" }
}
