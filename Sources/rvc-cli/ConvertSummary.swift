import Foundation

/// What `rvc convert` reports: on stdout as text, or as one JSON line with `--json`.
struct ConvertSummary: Encodable {
    /// Wall times in seconds.
    struct Timings: Encodable {
        let decode: Double
        let load: Double
        /// Process start → models loaded (what a user waits before any work starts).
        let ready: Double
        let pitch: Double
        let features: Double
        let index: Double
        let synthesis: Double
        let postprocess: Double
        let encode: Double
        let total: Double
    }

    let input: String
    let output: String
    let format: String
    let inputSeconds: Double
    let inputSampleRate: Int
    let outputSeconds: Double
    let modelSampleRate: Int
    let outputSampleRate: Int
    let segments: Int
    let device: String
    let precision: String
    let timings: Timings
    /// Peak resident memory of the process.
    let peakResidentBytes: Int64?

    func jsonLine() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }

    var text: String {
        let t = timings
        func f(_ x: Double) -> String { String(format: "%.2f", x) }
        return "\(input) → \(output) (\(f(outputSeconds)) s at \(outputSampleRate) Hz, \(segments) segment(s)); "
            + "pitch \(f(t.pitch)) s, features \(f(t.features)) s, index \(f(t.index)) s, "
            + "synthesis \(f(t.synthesis)) s, total \(f(t.total)) s"
    }
}
