import Foundation
import Logging
import RVCAudio
import RVCCore

/// Runs conversion jobs: validate → download (cached) → load model (LRU) → decode → convert →
/// encode → upload or inline → response and metadata, timing each stage.
///
/// One runner serves a whole process; it may run several jobs at once.
public struct JobRunner: Sendable {
    /// Limits and behaviour of the runner.
    public struct Configuration: Sendable {
        /// Longest vocal accepted, in seconds. Default 1200.
        public var maxAudioSeconds: Double = 1_200
        /// Largest vocal file accepted, in bytes (the download stops past it). Default 1 GiB: 20
        /// minutes of 96 kHz stereo float WAV.
        public var maxVocalBytes: Int64 = 1 << 30
        /// Largest model checkpoint accepted, in bytes. Default 1 GiB (RVC models are 50–200 MB).
        public var maxModelBytes: Int64 = 1 << 30
        /// Largest index accepted, in bytes. Default 2 GiB, the index reader's own bound
        /// (`FaissIndexFile.defaultMaxBytes`).
        public var maxIndexBytes: Int64 = 2 << 30
        /// Bitrate of the archived input (`input.opus.ogg`) in bits per second. Default 96 000.
        public var archiveBitrate: Int = 96_000
        public init() {}
    }

    public let engine: any ConversionEngine
    public let fetcher: any FileFetching
    /// Nil: outputs are returned inline as `data:` URLs and nothing is uploaded.
    public let store: (any ResultStore)?
    public let models: ModelCache
    public let configuration: Configuration
    private let logger: Logger

    public init(
        engine: any ConversionEngine, fetcher: any FileFetching, store: (any ResultStore)?,
        models: ModelCache = ModelCache(), configuration: Configuration = Configuration(),
        logger: Logger = Logger(label: "rvc.worker.job")
    ) {
        self.engine = engine
        self.fetcher = fetcher
        self.store = store
        self.models = models
        self.configuration = configuration
        self.logger = logger
    }

    /// Runs one job. Never throws: every failure becomes a failure response.
    ///
    /// Cancelling the calling task stops the job at its next step (a transfer at once, a conversion
    /// before its next segment) with a `CANCELLED` failure; nothing more is uploaded for it.
    /// - Parameters:
    ///   - input: the job's `input` value (nil when absent).
    ///   - jobID: the platform's job id, recorded in the metadata.
    public func run(input: JSONValue?, jobID: String?) async -> JobOutcome {
        var state = JobState(requestID: RequestID.make(), jobID: jobID)
        state.tag = input?["tag"]?.stringValue.flatMap { $0.count <= JobInput.maxTagLength ? $0 : nil }
        let clock = ContinuousClock.now
        do {
            let parsed: JobInput
            do {
                parsed = try JobInput(json: input)
            } catch {
                throw JobFailure.invalidInput(error)
            }
            state.tag = parsed.tag
            state.startedAt = Date()
            try await execute(parsed, state: &state)
        } catch {
            state.failure = Task.isCancelled
                ? JobFailure(
                    code: .cancelled, stage: state.stage,
                    message: "The job was cancelled during \(state.stage.rawValue).", refreshWorker: false)
                : Self.classify(error, stage: state.stage)
        }
        for file in state.temporaryFiles { try? FileManager.default.removeItem(at: file) }
        state.processingSeconds = (ContinuousClock.now - clock).seconds
        state.completedAt = Date()
        return await finish(state)
    }

    // MARK: Stages

    private func execute(_ input: JobInput, state: inout JobState) async throws {
        // Downloads run concurrently, each timed on its own.
        state.stage = .downloadVocal
        async let vocalTask = timedFetch(input.vocalURL, stage: .downloadVocal)
        async let modelTask = timedFetch(input.modelURL, stage: .downloadModel)
        async let indexTask = timedFetchOptional(input.indexURL, stage: .downloadIndex)
        let (vocalResult, modelResult, indexResult) = await (vocalTask, modelTask, indexTask)
        if case .success(let (_, seconds)) = vocalResult { state.timings.downloadVocal = seconds }
        if case .success(let (_, seconds)) = modelResult { state.timings.downloadModel = seconds }
        if case .success(let (_, seconds))? = indexResult { state.timings.downloadIndex = seconds }
        for result in [vocalResult, modelResult] + (indexResult.map { [$0] } ?? []) {
            if case .success(let (file, _)) = result, file.temporary { state.temporaryFiles.append(file.path) }
        }
        let vocal = try vocalResult.get().0
        let modelFile = try modelResult.get().0
        let indexFile = try indexResult?.get().0
        state.downloadCacheHits = [vocal.cached, modelFile.cached, indexFile?.cached ?? false].filter { $0 }.count
        if vocal.cached { state.timings.downloadVocal = 0 }
        if modelFile.cached { state.timings.downloadModel = 0 }
        if indexFile?.cached == true { state.timings.downloadIndex = 0 }
        state.model = ModelFacts(url: input.modelURL, sha256: modelFile.sha256)

        state.stage = .loadModel
        let key = ModelCache.key(modelSHA256: modelFile.sha256, indexSHA256: indexFile?.sha256)
        let model: any LoadedVoiceModel
        if let loaded = await models.model(for: key) {
            model = loaded
            state.model?.cached = true
        } else {
            let engine = self.engine
            let checkpoint = modelFile.path
            let index = indexFile?.path
            model = try await measure(&state.timings.loadModel) {
                try await BlockingRunner.run(name: "rvc-load") { try engine.loadModel(checkpoint: checkpoint, index: index) }
            }
            await models.insert(model, for: key)
        }
        state.model?.info = model.info
        state.modelCacheHit = state.model?.cached ?? false

        state.stage = .decode
        let limits = AudioDecoder.Limits(maxDuration: configuration.maxAudioSeconds)
        let vocalPath = vocal.path
        let decoded = try await measure(&state.timings.decode) {
            try await BlockingRunner.run(name: "rvc-decode") { () throws -> DecodedVocal in
                let info = try AudioProbe.probe(contentsOf: vocalPath, limits: limits)
                let buffer = try AudioDecoder(limits: limits).decode(contentsOf: vocalPath)
                let mono16k = try buffer.mono().resampled(to: 16_000)
                return DecodedVocal(info: info, original: buffer, samples16k: mono16k.samples)
            }
        }
        state.inputAudio = decoded.info

        // The archived copy of the input is only needed when it is uploaded. It depends on the
        // input alone, so it is encoded on a thread of its own while the conversion runs (for a
        // 180 s stereo song that is seconds of Opus encoding off the job's critical path).
        let archiveBitrate = configuration.archiveBitrate
        let original = decoded.original
        let archiveTask: Task<Data, any Error>? = self.store == nil ? nil : Task {
            try await BlockingRunner.run(name: "rvc-archive") {
                try AudioEncoder(format: .ogg, opus: OpusEncoderSettings(bitrate: archiveBitrate))
                    .encode(original, name: "input")
            }
        }

        state.stage = .inference
        let settings = ConversionSettings(input)
        let samples16k = decoded.samples16k
        let converted = try await BlockingRunner.run(name: "rvc-convert") { cancellation in
            try model.convert(samples16k: samples16k, settings: settings, cancellation: cancellation)
        }
        state.timings.pitchExtraction = converted.pitchSeconds
        state.timings.inference = converted.inferenceSeconds

        state.stage = .encoding
        let store = self.store
        let encoded = try await measure(&state.timings.encoding) {
            let output = try await BlockingRunner.run(name: "rvc-encode") { () throws -> Data in
                let encoder = AudioEncoder(
                    format: input.format, sampleRate: input.sampleRate,
                    opus: OpusEncoderSettings(bitrate: input.format == .ogg ? input.bitrate : 128_000),
                    mp3Bitrate: input.format == .mp3 ? input.bitrate : 192_000)
                return try encoder.encode(
                    int16: converted.samples, sampleRate: converted.sampleRate, name: "output")
            }
            return EncodedOutput(data: output, archive: try await archiveTask?.value)
        }
        state.output = OutputFacts(
            format: input.format, sampleRate: input.sampleRate,
            duration: Double(converted.samples.count) / Double(max(1, converted.sampleRate)),
            byteCount: encoded.data.count)

        state.stage = .upload
        try Task.checkCancellation()
        if let store {
            let requestID = state.requestID.description
            let url = try await measure(&state.timings.upload) { () async throws -> String in
                if let archive = encoded.archive {
                    _ = try await store.put(archive, requestID: requestID, name: "input.opus.ogg", contentType: "audio/ogg")
                }
                return try await store.put(
                    encoded.data, requestID: requestID, name: Self.outputName(input.format), contentType: input.format.mimeType)
            }
            state.output?.url = url
        } else {
            state.output?.url = "data:\(input.format.mimeType);base64,\(encoded.data.base64EncodedString())"
        }
    }

    private func timedFetchOptional(_ url: String?, stage: JobStage) async -> Result<(FetchedFile, Double), JobFailure>? {
        guard let url else { return nil }
        return await timedFetch(url, stage: stage)
    }

    private func timedFetch(_ url: String, stage: JobStage) async -> Result<(FetchedFile, Double), JobFailure> {
        let start = ContinuousClock.now
        do {
            let limit = switch stage {
            case .downloadModel: configuration.maxModelBytes
            case .downloadIndex: configuration.maxIndexBytes
            default: configuration.maxVocalBytes
            }
            let file = try await fetcher.fetch(url, cacheable: stage != .downloadVocal, maxBytes: limit)
            return .success((file, (ContinuousClock.now - start).seconds))
        } catch let failure as JobFailure {
            return .failure(failure)
        } catch {
            let field = switch stage {
            case .downloadModel: "model_url"
            case .downloadIndex: "index_url"
            default: "vocal_url"
            }
            return .failure(JobFailure(
                code: .downloadFailed, stage: stage,
                message: "Could not download \(field): \(error)", refreshWorker: false))
        }
    }

    /// The object name of the output: `output.opus.ogg`, `output.wav`, `output.flac`, `output.mp3`.
    static func outputName(_ format: AudioFormat) -> String {
        format == .ogg ? "output.opus.ogg" : "output.\(format.fileExtension)"
    }

    /// Maps any error to a failure at `stage`.
    static func classify(_ error: any Error, stage: JobStage) -> JobFailure {
        if let failure = error as? JobFailure { return failure }
        let text = String(describing: error)
        // A model or index the readers refused (malformed, hostile, over a limit) left nothing
        // loaded: the worker stays sound and keeps its caches. Decided before the text is looked at,
        // since the message quotes the file's own content.
        if stage == .loadModel, Self.isRefusedFile(error) {
            return JobFailure(
                code: .modelLoadFailed, stage: stage, message: "Could not load the model: \(text)", refreshWorker: false)
        }
        let lowered = text.lowercased()
        if lowered.contains("out of memory") || lowered.contains("bad_alloc") {
            return JobFailure(code: .outOfMemory, stage: stage, message: "Out of memory during \(stage.rawValue): \(text)")
        }
        if error is CancellationError {
            return JobFailure(code: .timeout, stage: stage, message: "The job was cancelled during \(stage.rawValue).", refreshWorker: false)
        }
        switch stage {
        case .loadModel:
            return JobFailure(code: .modelLoadFailed, stage: stage, message: "Could not load the model: \(text)")
        case .decode:
            return JobFailure(code: .invalidAudio, stage: stage, message: "Could not decode vocal_url: \(text)", refreshWorker: false)
        case .pitchExtraction, .inference:
            return JobFailure(code: .conversionFailed, stage: stage, message: "Conversion failed: \(text)", refreshWorker: false)
        case .encoding:
            return JobFailure(code: .encodingFailed, stage: stage, message: "Could not encode the output: \(text)", refreshWorker: false)
        case .upload:
            return JobFailure(code: .uploadFailed, stage: stage, message: "Could not upload the output to S3: \(text)", refreshWorker: false)
        case .downloadVocal, .downloadModel, .downloadIndex:
            return JobFailure(code: .downloadFailed, stage: stage, message: "Download failed: \(text)", refreshWorker: false)
        case .validation, .internal:
            return JobFailure(code: .internalError, stage: .internal, message: "Internal error: \(text)")
        }
    }

    /// True for the typed errors of RVCCore's file readers: the checkpoint, index or weights were
    /// refused before anything was built from them.
    static func isRefusedFile(_ error: any Error) -> Bool {
        error is CheckpointError || error is IndexFileError || error is WeightError || error is FeatureIndexError
    }

    // MARK: Response and metadata

    /// Uploads the metadata last, so that a request folder holding `metadata.json` with
    /// `success: true` is complete. A successful job whose metadata cannot be stored fails with
    /// `UPLOAD_FAILED`: its folder is incomplete. A cancelled job uploads nothing more.
    private func finish(_ state: JobState) async -> JobOutcome {
        var state = state
        let hits = await models.hits
        var metadata = state.metadata(modelCacheHits: hits, device: engine.deviceDescription)
        if let store, state.failure?.code != .cancelled {
            do {
                _ = try await store.put(
                    metadata.encoded(), requestID: state.requestID.description, name: "metadata.json",
                    contentType: "application/json")
            } catch {
                logger.error("metadata upload failed", metadata: ["request_id": "\(state.requestID)", "error": "\(error)"])
                if state.failure == nil {
                    state.failure = JobFailure(
                        code: .uploadFailed, stage: .upload,
                        message: "Could not upload metadata.json to S3: \(error)", refreshWorker: false)
                    metadata = state.metadata(modelCacheHits: hits, device: engine.deviceDescription)
                }
                if case .object(var members) = metadata {
                    members["metadata_upload_error"] = .string(String(describing: error))
                    metadata = .object(members)
                }
            }
        }
        logger.info("\(metadata.jsonText)")
        return JobOutcome(requestID: state.requestID, output: state.response, failure: state.failure, metadata: metadata)
    }
}

/// What the decode stage produced.
private struct DecodedVocal: Sendable {
    var info: AudioInfo
    var original: AudioBuffer
    var samples16k: [Float]
}

private struct EncodedOutput: Sendable {
    var data: Data
    var archive: Data?
}
