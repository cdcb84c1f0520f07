import Foundation
import RVCTestSupport

/// One conversion case of the parity fixtures' `manifest.json`.
struct SegmentParityCase {
    let name: String
    let model: String
    let index: String?
    let indexRate: Double
    let protect: Double
    let speaker: Int
    let hasPitch: Bool
    let sampleRate: Int

    struct ManifestError: Error, CustomStringConvertible {
        let description: String
    }

    init(_ name: String) throws {
        let data = try Data(contentsOf: Fixtures.parity("manifest.json"))
        guard let root = try JSONSerialization.jsonObject(with: data) as? [String: Any],
            let cases = root["cases"] as? [String: Any], let entry = cases[name] as? [String: Any],
            let model = entry["model"] as? String, let indexRate = entry["index_rate"] as? Double,
            let protect = entry["protect"] as? Double, let speaker = entry["sid"] as? Int,
            let f0 = entry["f0"] as? Int, let rate = entry["tgt_sr"] as? Int
        else { throw ManifestError(description: "manifest.json: case \(name) is missing or incomplete") }
        self.name = name
        self.model = model
        index = entry["index"] as? String
        self.indexRate = indexRate
        self.protect = protect
        self.speaker = speaker
        hasPitch = f0 == 1
        sampleRate = rate
    }
}
