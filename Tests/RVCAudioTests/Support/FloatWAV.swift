import Foundation

/// Writes 32-bit IEEE float WAV files (format tag 3), so test signals reach sox and ffmpeg
/// without quantisation.
enum FloatWAV {
    static func write(_ interleaved: [Float], rate: Int, channels: Int, to url: URL) throws {
        var data = Data()
        func u32(_ v: Int) { withUnsafeBytes(of: UInt32(v).littleEndian) { data.append(contentsOf: $0) } }
        func u16(_ v: Int) { withUnsafeBytes(of: UInt16(v).littleEndian) { data.append(contentsOf: $0) } }
        let payload = interleaved.count * 4
        data.append(contentsOf: Array("RIFF".utf8))
        u32(4 + 26 + 8 + payload)
        data.append(contentsOf: Array("WAVEfmt ".utf8))
        u32(18)
        u16(3)
        u16(channels)
        u32(rate)
        u32(rate * channels * 4)
        u16(channels * 4)
        u16(32)
        u16(0)
        data.append(contentsOf: Array("data".utf8))
        u32(payload)
        for x in interleaved { u32(Int(x.bitPattern)) }
        try data.write(to: url)
    }
}
