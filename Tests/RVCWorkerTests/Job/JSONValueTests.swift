import Foundation
import Testing
@testable import RVCWorker

/// Parsing job JSON: types kept apart, and hostile documents refused quickly.
@Suite struct JSONValueTests {
    @Test func integersFloatsAndBooleansStayApart() throws {
        let value = try JSONValue.parse(#"{"i": 3, "d": 3.5, "b": true, "n": null, "s": "[{", "a": [1, {"x": []}]}"#)
        #expect(value["i"] == .int(3))
        #expect(value["d"] == .double(3.5))
        #expect(value["b"] == .bool(true))
        #expect(value["n"] == .null)
        #expect(value["s"] == "[{")
        #expect(value["a"] == .array([.int(1), .object(["x": .array([])])]))
    }

    @Test func nestingDeeperThanTheLimitIsRefusedBeforeDecoding() throws {
        let limit = JSONValue.maxDepth
        let atLimit = String(repeating: "[", count: limit) + String(repeating: "]", count: limit)
        #expect(try JSONValue.parse(atLimit) != .null)
        // Brackets inside strings, escaped quotes included, do not count.
        let quoted = "[\"" + String(repeating: "[\\\"{", count: 200) + "\"]"
        #expect(try JSONValue.parse(quoted) == .array([.string(String(repeating: "[\"{", count: 200))]))
        let start = ContinuousClock.now
        for depth in [limit + 1, 10_000, 1_000_000] {
            let deep = String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
            #expect(throws: DecodingError.self, "\(depth)") { try JSONValue.parse(deep) }
        }
        #expect(ContinuousClock.now - start < .seconds(5))
    }
}
