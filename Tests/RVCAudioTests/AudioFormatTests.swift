import Foundation
import Testing

@testable import RVCAudio

@Suite struct AudioFormatTests {
    @Test func fileExtensionsMapToFormatsCaseInsensitively() {
        #expect(AudioFormat(fileExtension: "ogg") == .ogg)
        #expect(AudioFormat(fileExtension: "OPUS") == .ogg)
        #expect(AudioFormat(fileExtension: "wav") == .wav)
        #expect(AudioFormat(fileExtension: "Wave") == .wav)
        #expect(AudioFormat(fileExtension: "flac") == .flac)
        #expect(AudioFormat(fileExtension: "mp3") == .mp3)
        #expect(AudioFormat(fileExtension: "m4a") == nil)
        #expect(AudioFormat(url: URL(fileURLWithPath: "/tmp/out.FLAC")) == .flac)
    }

    @Test func mimeTypesMapToFormatsIgnoringParameters() {
        #expect(AudioFormat(mimeType: "audio/ogg") == .ogg)
        #expect(AudioFormat(mimeType: "audio/ogg; codecs=opus") == .ogg)
        #expect(AudioFormat(mimeType: "audio/wav") == .wav)
        #expect(AudioFormat(mimeType: "audio/x-wav") == .wav)
        #expect(AudioFormat(mimeType: "AUDIO/FLAC") == .flac)
        #expect(AudioFormat(mimeType: "audio/mpeg") == .mp3)
        #expect(AudioFormat(mimeType: "video/mp4") == nil)
    }

    @Test func canonicalMimeTypesAndExtensionsRoundTrip() {
        for format in AudioFormat.allCases {
            #expect(AudioFormat(mimeType: format.mimeType) == format)
            #expect(AudioFormat(fileExtension: format.fileExtension) == format)
        }
        #expect(AudioFormat.default == .ogg)
        #expect(AudioFormat.ogg.mimeType == "audio/ogg")
        #expect(AudioFormat.mp3.mimeType == "audio/mpeg")
    }
}
