import Foundation
import RVCTestSupport
import Testing
@testable import RVCStorage

/// Mutated `data:` URLs (base64 and percent-encoded, with parameters, whitespace and escapes):
/// each must parse within its size limit or fail with a ``StorageError``, quickly.
@Suite struct DataURLFuzzTests {
    static let limit: Int64 = 4_096

    static func seeds() -> [FuzzMutator.Seed] {
        let payload = (0..<600).map { UInt8(truncatingIfNeeded: $0 &* 37) }
        let texts = [
            "data:audio/wav;base64," + Data(payload).base64EncodedString(),
            "data:audio/ogg;codecs=opus;base64," + Data(payload.prefix(100)).base64EncodedString(options: .lineLength64Characters),
            "data:audio/mpeg;base64,SUQzBAAAAAAAI1RTU0UAAAAPAAADTGF2ZjU4Ljc2LjEwMAAAAAAAAAAAAAAA",
            "data:;base64,UklG%0ARg%3D%3D",
            "data:text/plain;charset=utf-8," + payload.prefix(200).map { String(format: "%%%02X", $0) }.joined(),
            "data:Text/Plain;Charset=UTF-8;format=flowed,caf%C3%A9",
            "data:,hello%20world",
        ]
        return texts.map { FuzzMutator.Seed(String($0.prefix(24)), Array($0.utf8)) }
    }

    @Test func mutatedDataURLsParseWithinTheLimitOrFailTyped() {
        let report = Fuzzer.run(reader: "data-url", seeds: Self.seeds(), isTyped: { $0 is StorageError }) { _, bytes in
            let url = try DataURL(String(decoding: bytes, as: UTF8.self), maxBytes: Self.limit)
            #expect(Int64(url.data.count) <= Self.limit)
            #expect(!url.mediaType.isEmpty)
        }
        #expect(report.problems.isEmpty, "\(report)")
        #expect(report.mixedOutcomes, "\(report)")
    }
}
