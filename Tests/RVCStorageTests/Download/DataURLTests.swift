import Foundation
import Testing
@testable import RVCStorage

@Suite struct DataURLTests {
    @Test func base64WithPaddingDecodesAndKeepsTheMediaType() throws {
        let url = try DataURL("data:audio/wav;base64,UklGRg==")
        #expect(url.data == Data("RIFF".utf8))
        #expect(url.mediaType == "audio/wav")
        #expect(url.isBase64)
        #expect(url.parameters.isEmpty)
    }

    @Test func base64WithoutPaddingDecodes() throws {
        #expect(try DataURL("data:application/octet-stream;base64,UklGRg").data == Data("RIFF".utf8))
        #expect(try DataURL("data:;base64,YWI").data == Data("ab".utf8))
    }

    @Test func base64IgnoresWhitespaceAndPercentEscapes() throws {
        #expect(try DataURL("data:;base64,UklG%0ARg%3D%3D").data == Data("RIFF".utf8))
    }

    @Test func percentEncodedDataDecodes() throws {
        let url = try DataURL("data:text/plain,hello%20world%21%00%FF")
        #expect(url.data == Data("hello world!".utf8) + Data([0x00, 0xFF]))
        #expect(!url.isBase64)
    }

    @Test func charsetAndOtherParametersAreKept() throws {
        let url = try DataURL("data:Text/Plain;Charset=UTF-8;format=flowed,caf%C3%A9")
        #expect(url.mediaType == "text/plain")
        #expect(url.parameter("charset") == "UTF-8")
        #expect(url.parameters == [.init(name: "charset", value: "UTF-8"), .init(name: "format", value: "flowed")])
        #expect(String(decoding: url.data, as: UTF8.self) == "café")
    }

    @Test func missingMediaTypeDefaultsToUSASCIIText() throws {
        let url = try DataURL("data:,A%20brief%20note")
        #expect(url.mediaType == "text/plain")
        #expect(url.parameter("charset") == "US-ASCII")
        #expect(url.data == Data("A brief note".utf8))
    }

    @Test func emptyDataIsEmpty() throws {
        #expect(try DataURL("data:,").data.isEmpty)
        #expect(try DataURL("data:audio/ogg;base64,").data.isEmpty)
    }

    @Test func missingCommaIsRefused() {
        #expect(throws: StorageError.invalidDataURL(reason: "there is no ',' between the media type and the data")) {
            try DataURL("data:audio/wav;base64")
        }
    }

    @Test func badBase64IsRefused() {
        #expect { try DataURL("data:;base64,!!!!") } throws: { error in
            guard case StorageError.invalidDataURL(let reason) = error else { return false }
            return reason.contains("base64")
        }
        // A single character left over can never be base64.
        #expect { try DataURL("data:;base64,QUJDR") } throws: { error in
            guard case StorageError.invalidDataURL(let reason) = error else { return false }
            return reason.contains("length")
        }
    }

    @Test func badPercentEscapeIsRefused() {
        #expect { try DataURL("data:,abc%2") } throws: { error in
            guard case StorageError.invalidDataURL(let reason) = error else { return false }
            return reason.contains("percent")
        }
        #expect(throws: StorageError.self) { try DataURL("data:,%zz") }
    }

    @Test func malformedMediaTypeIsRefused() {
        #expect(throws: StorageError.self) { try DataURL("data:audio;base64,AAAA") }
        #expect(throws: StorageError.self) { try DataURL("data:audio/wav;charset,AAAA") }
        #expect(throws: StorageError.self) { try DataURL("http:,abc") }
    }

    @Test func payloadOverTheLimitIsRefused() {
        let big = "data:;base64," + Data(count: 3000).base64EncodedString()
        #expect { try DataURL(big, maxBytes: 1000) } throws: { error in
            guard case StorageError.tooLarge(_, let limit) = error else { return false }
            return limit == 1000
        }
        #expect((try? DataURL(big, maxBytes: 3000))?.data.count == 3000)
    }
}
