import Testing
@testable import RVCWorker

@Suite struct JobInputTests {
    private let base: [String: JSONValue] = [
        "vocal_url": "https://example.com/voice.wav", "model_url": "https://example.com/model.pth",
    ]

    private func parse(_ extra: [String: JSONValue], removing: [String] = []) throws(JobInputError) -> JobInput {
        var members = base.merging(extra) { $1 }
        for key in removing { members.removeValue(forKey: key) }
        return try JobInput(json: .object(members))
    }

    private func rejection(_ extra: [String: JSONValue], removing: [String] = []) -> JobInputError? {
        do {
            _ = try parse(extra, removing: removing)
            return nil
        } catch {
            return error
        }
    }

    @Test func minimalInputGetsEveryDefault() throws {
        let input = try parse([:])
        #expect(input.indexURL == nil)
        #expect(input.f0UpKey == 0)
        #expect(input.indexRate == 0.75)
        #expect(input.protect == 0.33)
        #expect(input.rmsMixRate == 0.25)
        #expect(input.speakerID == 0)
        #expect(input.format == .ogg)
        #expect(input.bitrate == 128_000)
        #expect(input.sampleRate == 48_000)
        #expect(input.tag == nil)
    }

    @Test func everyFieldIsRead() throws {
        let input = try parse([
            "index_url": "http://example.com/a.index", "f0_up_key": -12, "index_rate": 0.5, "protect": 0.5,
            "rms_mix_rate": 1, "speaker_id": 3, "format": "mp3", "bitrate": "192k", "sample_rate": 44_100,
            "tag": "take-7",
        ])
        #expect(input.indexURL == "http://example.com/a.index")
        #expect(input.f0UpKey == -12)
        #expect(input.indexRate == 0.5)
        #expect(input.protect == 0.5)
        #expect(input.rmsMixRate == 1)
        #expect(input.speakerID == 3)
        #expect(input.format == .mp3)
        #expect(input.bitrate == 192_000)
        #expect(input.sampleRate == 44_100)
        #expect(input.tag == "take-7")
    }

    @Test func nullOptionalFieldsMeanDefaults() throws {
        let input = try parse(["index_url": nil, "tag": nil, "f0_up_key": nil, "format": nil])
        #expect(input.indexURL == nil && input.tag == nil && input.f0UpKey == 0 && input.format == .ogg)
    }

    @Test func inputMustBeAnObject() {
        #expect(throws: JobInputError.notAnObject(found: "array")) { try JobInput(json: .array([])) }
        #expect(throws: JobInputError.notAnObject(found: "missing")) { try JobInput(json: nil) }
        #expect(throws: JobInputError.notAnObject(found: "string")) { try JobInput(json: "x") }
    }

    @Test func unknownFieldsAreRejectedByName() {
        #expect(rejection(["pitch": 2]) == .unknownField("pitch"))
        #expect(rejection(["f0_method": "rmvpe"]) == .unknownField("f0_method"))
    }

    @Test(arguments: ["vocal_url", "model_url"])
    func requiredURLsMustBePresent(field: String) {
        #expect(rejection([:], removing: [field]) == .missingField(field))
        #expect(rejection([field: nil]) == .missingField(field))
        #expect(rejection([field: ""])?.field == field)
    }

    @Test func urlsMustBeHTTPOrAudioDataURLs() {
        #expect(rejection(["vocal_url": "ftp://example.com/a.wav"])?.field == "vocal_url")
        #expect(rejection(["vocal_url": "file:///etc/passwd"])?.field == "vocal_url")
        #expect(rejection(["vocal_url": "data:text/plain;base64,AAAA"])?.field == "vocal_url")
        #expect(rejection(["vocal_url": "data:audio/wav,AAAA"])?.field == "vocal_url")
        #expect(rejection(["vocal_url": "https:///nohost"])?.field == "vocal_url")
        #expect(rejection(["model_url": "data:audio/wav;base64,AAAA"])?.field == "model_url")
        #expect(rejection(["index_url": "s3://bucket/key"])?.field == "index_url")
        #expect(rejection(["vocal_url": "data:audio/wav;base64,UklGRg=="]) == nil)
        #expect(rejection(["vocal_url": "HTTPS://EXAMPLE.COM/A.WAV"]) == nil)
    }

    @Test func wrongTypesNameTheField() {
        #expect(rejection(["vocal_url": 5]) == .wrongType(field: "vocal_url", expected: "a string", found: "number"))
        #expect(rejection(["f0_up_key": "3"]) == .wrongType(field: "f0_up_key", expected: "an integer", found: "string"))
        #expect(rejection(["index_rate": "0.5"]) == .wrongType(field: "index_rate", expected: "a number", found: "string"))
        #expect(rejection(["tag": 7]) == .wrongType(field: "tag", expected: "a string", found: "number"))
        #expect(rejection(["format": ["ogg"]])?.field == "format")
        #expect(rejection(["speaker_id": .object([:])])?.field == "speaker_id")
    }

    @Test func booleansAreNotNumbers() {
        #expect(rejection(["f0_up_key": true]) == .wrongType(field: "f0_up_key", expected: "an integer", found: "boolean"))
        #expect(rejection(["index_rate": false]) == .wrongType(field: "index_rate", expected: "a number", found: "boolean"))
        #expect(rejection(["sample_rate": true])?.field == "sample_rate")
    }

    @Test func integralFloatsAreAcceptedForIntegerFields() throws {
        #expect(try parse(["f0_up_key": 3.0]).f0UpKey == 3)
        #expect(try parse(["speaker_id": 2.0]).speakerID == 2)
        #expect(rejection(["f0_up_key": 3.5]) == .wrongType(field: "f0_up_key", expected: "an integer", found: "3.5"))
    }

    @Test func rangesAreEnforcedAtTheirEdges() throws {
        #expect(try parse(["f0_up_key": -24]).f0UpKey == -24)
        #expect(try parse(["f0_up_key": 24]).f0UpKey == 24)
        #expect(rejection(["f0_up_key": 25])?.field == "f0_up_key")
        #expect(rejection(["f0_up_key": -25])?.field == "f0_up_key")
        #expect(try parse(["index_rate": 0]).indexRate == 0)
        #expect(rejection(["index_rate": 1.0001])?.field == "index_rate")
        #expect(rejection(["index_rate": -0.1])?.field == "index_rate")
        #expect(try parse(["protect": 0.5]).protect == 0.5)
        #expect(rejection(["protect": 0.51])?.field == "protect")
        #expect(rejection(["rms_mix_rate": 2])?.field == "rms_mix_rate")
        #expect(rejection(["speaker_id": -1])?.field == "speaker_id")
        #expect(rejection(["f0_up_key": .int(Int64.max)])?.field == "f0_up_key")
    }

    @Test func formatsAndTheirRatesAndBitrates() throws {
        #expect(rejection(["format": "aac"]) == .outOfRange(field: "format", value: "'aac'", allowed: "ogg, wav, flac, mp3"))
        #expect(rejection(["format": "ogg", "sample_rate": 44_100])?.field == "sample_rate")
        #expect(try parse(["format": "wav", "sample_rate": 22_050]).sampleRate == 22_050)
        #expect(rejection(["format": "wav", "sample_rate": 1_000_000])?.field == "sample_rate")
        #expect(rejection(["format": "mp3", "sample_rate": 96_000])?.field == "sample_rate")
        #expect(try parse(["format": "ogg", "bitrate": "64k"]).bitrate == 64_000)
        #expect(rejection(["format": "ogg", "bitrate": "600k"])?.field == "bitrate")
        #expect(rejection(["format": "mp3", "bitrate": "500k"])?.field == "bitrate")
        #expect(rejection(["bitrate": "128"])?.field == "bitrate")
        #expect(rejection(["bitrate": "fast"])?.field == "bitrate")
        #expect(rejection(["bitrate": 128_000])?.field == "bitrate")
        #expect(rejection(["format": "flac", "bitrate": "128k"])?.field == "bitrate")
    }

    @Test func tagsAreLimitedTo256Characters() throws {
        let longest = String(repeating: "é", count: 256)
        #expect(try parse(["tag": .string(longest)]).tag == longest)
        #expect(rejection(["tag": .string(longest + "x")])?.field == "tag")
    }

    @Test func messagesNameTheField() {
        let error = rejection(["index_rate": 3])
        #expect(error?.description.contains("index_rate") == true)
    }

    @Test func jsonTextKeepsIntegersAndFloatsApart() throws {
        let value = try JSONValue.parse(#"{"a": 3, "b": 3.5, "c": true, "d": null, "e": "x"}"#)
        #expect(value["a"] == .int(3))
        #expect(value["b"] == .double(3.5))
        #expect(value["c"] == .bool(true))
        #expect(value["d"] == .null)
        #expect(value["e"] == .string("x"))
    }
}
