import Foundation
import RVCTestSupport
@testable import RVCCore

/// Voice models and indexes of the parity fixtures, loaded with the project's own readers.
enum FixtureModels {
    static func voice(_ name: String) throws -> VoiceModelFile {
        try VoiceModelFile.load(Fixtures.parity("\(name).pth"))
    }

    static func synthesizer(_ name: String, dtype: DType = .float32, device: Device = .cpu) throws -> Synthesizer {
        try Synthesizer(file: voice(name), dtype: dtype, device: device)
    }

    static func indexFile(_ name: String) throws -> FaissIndexFile {
        try FaissIndexFile.load(Fixtures.parity("\(name).index"))
    }

    static func index(_ name: String, device: Device = .cpu) throws -> FeatureIndex {
        try FeatureIndex(file: indexFile(name), device: device)
    }
}
