import Foundation
import Testing

@testable import RVCAudio

@Suite struct ContainerSnifferTests {
    private func classify(_ bytes: [UInt8]) -> DetectedContainer {
        ContainerSniffer.detect { offset, count in
            guard offset < bytes.count else { return [] }
            return Array(bytes[offset..<min(bytes.count, offset + count)])
        }
    }

    private func oggFirstPage(_ payload: String) -> [UInt8] {
        Array("OggS".utf8) + [0, 2] + [UInt8](repeating: 0, count: 20) + [1, UInt8(payload.utf8.count)]
            + Array(payload.utf8) + [UInt8](repeating: 0, count: 16)
    }

    @Test func detectsContainersFromMagicBytesNotNames() {
        #expect(classify(Array("RIFF\0\0\0\0WAVEfmt ".utf8)) == .wav)
        #expect(classify(Array("RF64\0\0\0\0WAVEds64".utf8)) == .wav)
        #expect(classify(Array("fLaC\0\0\0\u{22}".utf8)) == .flac)
        #expect(classify(oggFirstPage("OpusHead\u{01}\u{01}")) == .oggOpus)
        #expect(classify(oggFirstPage("\u{01}vorbis\0\0\0\0")) == .oggVorbis)
        #expect(classify([0xFF, 0xFB, 0x90, 0x64, 0, 0]) == .mp3)
    }

    @Test func looksPastAnID3TagForTheMPEGFrame() {
        let tag: [UInt8] = Array("ID3".utf8) + [4, 0, 0, 0, 0, 0, 5] + [1, 2, 3, 4, 5]
        #expect(classify(tag + [0xFF, 0xF3, 0x64, 0xC4]) == .mp3)
        #expect(classify(tag + Array("plain text".utf8)) != .mp3)
    }

    @Test func namesUnsupportedCodecs() {
        #expect(classify([0xFF, 0xF1, 0x50, 0x80, 0, 0]) == .unsupported("AAC (ADTS)"))
        #expect(classify(Array("\0\0\0\u{20}ftypM4A ".utf8)) == .unsupported("MP4/M4A (AAC or ALAC)"))
        #expect(classify(oggFirstPage("Speex   1.2")) == .unsupported("Ogg Speex"))
        #expect(classify(Array("FORM\0\0\0\0AIFFCOMM".utf8)) == .unsupported("AIFF"))
    }

    @Test func rejectsNonAudio() {
        #expect(classify(Array("%PDF-1.7\n".utf8)) == .notAudio)
        #expect(classify(Array("hello world, this is text".utf8)) == .notAudio)
        #expect(classify([]) == .notAudio)
        // Frame sync with a reserved version and a bad bitrate index is not MPEG audio.
        #expect(classify([0xFF, 0xEB, 0xF0, 0x00]) == .notAudio)
    }
}
