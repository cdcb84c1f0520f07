import Foundation
import RVCAudio

/// Facts about the voice model of a job, for the metadata.
struct ModelFacts: Sendable {
    var url: String
    var sha256: String
    var cached = false
    var info: VoiceModelInfo?
}

/// Facts about the encoded output.
struct OutputFacts: Sendable {
    var format: AudioFormat
    var sampleRate: Int
    var duration: Double
    var byteCount: Int
    var url: String?
}

/// Everything learned while one job runs, turned into the response and the metadata at the end.
struct JobState: Sendable {
    let requestID: RequestID
    let jobID: String?
    var tag: String?
    let receivedAt = Date()
    var startedAt: Date?
    var completedAt: Date?
    var stage: JobStage = .validation
    var timings = JobTimings()
    var processingSeconds = 0.0
    var model: ModelFacts?
    var inputAudio: AudioInfo?
    var output: OutputFacts?
    var downloadCacheHits = 0
    var modelCacheHit = false
    var failure: JobFailure?
    /// Files fetched for this job alone, deleted at its end.
    var temporaryFiles: [URL] = []

    private var tagValue: JSONValue { tag.map(JSONValue.string) ?? .null }

    /// The handler output (see ``JobOutcome/output``).
    var response: JSONValue {
        if let failure {
            return .object([
                "result": "failure", "message": .string(failure.message),
                "error_code": .string(failure.code.rawValue), "stage": .string(failure.stage.rawValue),
                "request_id": .string(requestID.description), "tag": tagValue,
                "refresh_worker": .bool(failure.refreshWorker),
                // Read by the RunPod result mapping, which lifts it out of `output`.
                "error": .string(failure.message),
            ])
        }
        guard let output else {
            // Unreachable in practice: a job without failure always has an output.
            return .object(["result": "failure", "message": "Internal error: no output was produced.",
                            "error_code": "INTERNAL_ERROR", "stage": "internal", "error": "Internal error: no output was produced.",
                            "request_id": .string(requestID.description), "tag": tagValue, "refresh_worker": true])
        }
        return .object([
            "result": "success", "request_id": .string(requestID.description), "tag": tagValue,
            "audio_url": output.url.map(JSONValue.string) ?? .null,
            "sample_rate": .int(Int64(output.sampleRate)),
            "duration_seconds": .number(output.duration),
            "file_size_bytes": .int(Int64(output.byteCount)),
            "format": .string(output.format.rawValue),
            "processing_time_seconds": .number(processingSeconds),
            "model_version": model?.info.map { .string($0.version) } ?? .null,
            "timing_details": timings.json,
        ])
    }

    /// The metadata document of the request.
    func metadata(modelCacheHits: Int, device: String) -> JSONValue {
        var members: [String: JSONValue] = [
            "request_id": .string(requestID.description), "tag": tagValue,
            "job_id": jobID.map(JSONValue.string) ?? .null,
            "received_at": .string(Self.iso8601(receivedAt)),
            "started_at": startedAt.map { .string(Self.iso8601($0)) } ?? .null,
            "completed_at": completedAt.map { .string(Self.iso8601($0)) } ?? .null,
            "success": .bool(failure == nil),
            "timing": timings.json,
            "processing_time_seconds": .number(processingSeconds),
        ]
        if let inputAudio {
            members["input_audio"] = .object([
                "duration": .number(inputAudio.duration), "sample_rate": .int(Int64(inputAudio.sampleRate)),
                "channels": .int(Int64(inputAudio.channels)), "format": .string(inputAudio.format.rawValue),
                "codec": .string(inputAudio.codec.description), "file_size": .int(Int64(inputAudio.fileSize)),
            ])
        } else {
            members["input_audio"] = .null
        }
        if let model {
            members["model_info"] = .object([
                "url": .string(RedactedURL.redact(model.url)), "sha256": .string(model.sha256),
                "version": model.info.map { .string($0.version) } ?? .null,
                "sample_rate": model.info.map { .int(Int64($0.sampleRate)) } ?? .null,
                "f0": model.info.map { .bool($0.usesPitch) } ?? .null,
                "cached": .bool(model.cached),
            ])
        } else {
            members["model_info"] = .null
        }
        members["output"] = output.map { output in
            .object([
                "format": .string(output.format.rawValue), "sample_rate": .int(Int64(output.sampleRate)),
                "duration": .number(output.duration), "file_size": .int(Int64(output.byteCount)),
            ])
        } ?? .null
        members["resources"] = .object([
            "peak_memory_bytes": ProcessResources.peakMemoryBytes().map { .int($0) } ?? .null,
            "device": .string(device),
            "download_cache_hits": .int(Int64(downloadCacheHits)),
            "model_cache_hit": .bool(modelCacheHit),
            "model_cache_hits_total": .int(Int64(modelCacheHits)),
        ])
        members["error"] = failure.map { failure in
            .object([
                "type": .string(failure.code.rawValue), "message": .string(failure.message),
                "stage": .string(failure.stage.rawValue),
            ])
        } ?? .null
        return .object(members)
    }

    static func iso8601(_ date: Date) -> String {
        date.formatted(.iso8601.year().month().day().dateSeparator(.dash).time(includingFractionalSeconds: true).timeSeparator(.colon).timeZone(separator: .omitted))
    }
}
