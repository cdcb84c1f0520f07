import Foundation
import RVCTestSupport
import Testing
@testable import RVCWorker

/// Mutated job JSON through the parser and the schema: every input must become a ``JobInput`` or be
/// refused with a `DecodingError` (not JSON) or a ``JobInputError`` (against the schema), quickly.
/// Seeds include valid jobs, every field, wrong types, and deep or wide nesting; half the inputs
/// swap a value for another (kept valid JSON, so the schema is what gets exercised).
@Suite struct JobInputFuzzTests {
    static func seeds() -> [FuzzMutator.Seed] {
        let deep = String(repeating: "[", count: 60) + String(repeating: "]", count: 60)
        let deeper = String(repeating: "[", count: 400) + String(repeating: "]", count: 400)
        let wide = "{" + (0..<500).map { "\"f\($0)\": \($0)" }.joined(separator: ",") + "}"
        let texts = [
            #"{"vocal_url": "https://example.com/v.wav", "model_url": "https://example.com/m.pth"}"#,
            #"{"vocal_url": "data:audio/wav;base64,UklGRg==", "model_url": "http://h/m.pth", "index_url": "http://h/i.index", "f0_up_key": -12, "index_rate": 0.5, "protect": 0.33, "rms_mix_rate": 1.0, "speaker_id": 0, "format": "mp3", "bitrate": "192k", "sample_rate": 44100, "tag": "t-1"}"#,
            #"{"vocal_url": "https://e.com/a", "model_url": "https://e.com/b", "format": "wav", "sample_rate": 22050.0, "f0_up_key": 3.0, "tag": null}"#,
            #"{"vocal_url": 5, "model_url": true, "f0_up_key": "3", "index_rate": 1e400, "speaker_id": -1, "extra": [1, {"a": null}]}"#,
            #"{"vocal_url": "https://é.com/\u00e9\ud83d\ude00", "model_url": "https://[::1]:8000/m.pth?x=1#y", "bitrate": "6k", "format": "ogg"}"#,
            #"{"vocal_url": "http://a/v", "model_url": "http://a/m", "format": "flac", "sample_rate": 96000, "speaker_id": 3}"#,
            #"{"vocal_url": "http://a/v", "model_url": "http://a/m", "format": "ogg", "bitrate": "510k", "f0_up_key": 24}"#,
            #"{"vocal_url": "http://a/v", "model_url": "http://a/m", "index_url": null, "protect": 0.5, "rms_mix_rate": 0}"#,
            #"{"vocal_url": "data:audio/mpeg;base64,SUQz", "model_url": "https://a.b/c.pth", "format": "mp3", "sample_rate": 32000}"#,
            "{\"vocal_url\": \(deep), \"model_url\": \(wide)}",
            "[" + deeper + "]",
        ]
        return texts.map { FuzzMutator.Seed(String($0.prefix(24)), Array($0.utf8)) }
    }

    /// Values a field may be given instead of its own: every JSON type, extremes of numbers,
    /// boundary values of the schema, odd strings and URLs.
    static let values: [String] = [
        "null", "true", "false", "0", "-0", "1", "-1", "3.0", "3.5", "0.5", "1e308", "-1e308", "1e-320", "24", "25", "-25",
        "9223372036854775807", "9223372036854775808", "-9223372036854775809", "2147483648", "48000", "192001", "7999",
        #""""#, #""128k""#, #""510k""#, #""511k""#, #""5k""#, #""0k""#, #""-1k""#, #""99999k""#, #""128K""#, #""128""#,
        #""ogg""#, #""wav""#, #""flac""#, #""mp3""#, #""OGG""#, #""opus""#, "[]", "{}", "[1, 2]", #"{"a": 1}"#,
        #""http://a/b""#, #""https://[::1]:1/x""#, #""ftp://a/b""#, #""http://""#, #""http:/a""#, #""file:///etc/passwd""#,
        #""data:audio/wav;base64,""#, #""data:audio/wav,abc""#, #""data:text/plain;base64,AA==""#, #""\u0000""#,
        #""\ud800""#, "\"" + String(repeating: "t", count: 257) + "\"",
    ]

    /// Replaces the value after a random `:` with one of ``values``, or adds a field, keeping JSON.
    static func swapValue(_ bytes: [UInt8], _ random: inout FuzzMutator) -> [UInt8] {
        var text = String(decoding: bytes, as: UTF8.self)
        let value = values[random.below(values.count)]
        var colons: [String.Index] = []  // the ones between a key and its value, not inside strings
        var quoted = false
        var escaped = false
        for index in text.indices {
            let c = text[index]
            if escaped {
                escaped = false
            } else if quoted, c == "\\" {
                escaped = true
            } else if c == "\"" {
                quoted.toggle()
            } else if !quoted, c == ":" {
                colons.append(index)
            }
        }
        guard !colons.isEmpty, random.below(6) != 0 else {
            guard let brace = text.firstIndex(of: "{") else { return bytes }
            let names = Array(JobInput.fieldNames).sorted() + ["extra"]
            text.insert(contentsOf: "\"\(names[random.below(names.count)])\": \(value), ", at: text.index(after: brace))
            return Array(text.utf8)
        }
        let colon = colons[random.below(colons.count)]
        // The value ends at the next `,` or `}` outside a string (good enough for these flat seeds).
        var end = text.index(after: colon)
        var inString = false
        escaped = false
        while end < text.endIndex {
            let c = text[end]
            if escaped {
                escaped = false
            } else if inString, c == "\\" {
                escaped = true
            } else if c == "\"" {
                inString.toggle()
            } else if !inString, c == "," || c == "}" {
                break
            }
            end = text.index(after: end)
        }
        text.replaceSubrange(text.index(after: colon)..<end, with: " " + value)
        return Array(text.utf8)
    }

    @Test func mutatedJobJSONIsAcceptedOrRefusedTyped() {
        let report = Fuzzer.run(
            reader: "job-json", seeds: Self.seeds(), structural: Self.swapValue,
            isTyped: { $0 is DecodingError || $0 is JobInputError }
        ) { _, bytes in
            let value = try JSONValue.parse(Data(bytes))
            _ = try JobInput(json: value)
        }
        #expect(report.problems.isEmpty, "\(report)")
        #expect(report.mixedOutcomes, "\(report)")
    }
}
