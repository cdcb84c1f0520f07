import Foundation
import RVCBench
import RVCTestSupport

/// The end-to-end cases of `Tests/Fixtures/parity/manifest.json`.
struct ParityCase: Sendable, CustomStringConvertible {
    let name: String
    let model: String
    let index: String?
    let hasPitch: Bool
    let sampleRate: Int
    let key: Int
    let indexRate: Double
    let protect: Double
    let rmsMixRate: Double
    let speaker: Int
    let segments: Int

    var description: String { name }

    /// Cases that carry stage outputs (high-passed audio, f0, segment 0).
    static let staged = ["v2_48k_f0", "v1_40k_f0", "v2_32k_nof0"]

    /// Every case in the manifest, sorted by name.
    static func all() throws -> [ParityCase] {
        let data = try Data(contentsOf: Fixtures.parity("manifest.json"))
        guard let root = try JSONSerialization.jsonObject(with: data) as? [String: Any],
            let cases = root["cases"] as? [String: [String: Any]]
        else { throw ParityError.manifest(file: "manifest.json", reason: "no cases") }
        return cases.keys.sorted().compactMap { name in
            guard let c = cases[name] else { return nil }
            return ParityCase(
                name: name, model: c["model"] as? String ?? "", index: c["index"] as? String,
                hasPitch: (c["f0"] as? Int ?? 0) == 1, sampleRate: c["tgt_sr"] as? Int ?? 0,
                key: c["f0_up_key"] as? Int ?? 0, indexRate: c["index_rate"] as? Double ?? 0,
                protect: c["protect"] as? Double ?? 0.33, rmsMixRate: c["rms_mix_rate"] as? Double ?? 0.25,
                speaker: c["sid"] as? Int ?? 0, segments: c["segments"] as? Int ?? 1)
        }
    }

    /// Loads `<case>_<suffix>.npy`.
    func array(_ suffix: String) throws -> NPYArray {
        try NPYArray(contentsOf: Fixtures.parity("\(name)_\(suffix).npy"))
    }
}

/// Largest absolute element-wise difference.
func maxAbsDifference(_ a: [Double], _ b: [Double]) -> Double {
    zip(a, b).reduce(0) { max($0, abs($1.0 - $1.1)) }
}
