/// The stages of a job, in order. The raw values appear in responses (`stage`), metadata and
/// `timing_details`.
public enum JobStage: String, Sendable, Codable, CaseIterable {
    case validation
    case downloadVocal = "download_vocal"
    case downloadModel = "download_model"
    case downloadIndex = "download_index"
    case loadModel = "load_model"
    case decode
    case pitchExtraction = "pitch_extraction"
    case inference
    case encoding
    case upload
    case `internal`
}
