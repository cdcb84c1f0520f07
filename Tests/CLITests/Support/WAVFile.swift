import Foundation

/// Minimal WAV writing and reading for the end-to-end tests, independent of the code under test.
enum WAVFile {
    struct FormatError: Error, CustomStringConvertible { let description: String }

    /// Writes mono IEEE-float (format 3) samples.
    static func writeFloat(_ samples: [Float], sampleRate: Int, to url: URL) throws {
        var data = Data()
        func u32(_ v: Int) { withUnsafeBytes(of: UInt32(v).littleEndian) { data.append(contentsOf: $0) } }
        func u16(_ v: Int) { withUnsafeBytes(of: UInt16(v).littleEndian) { data.append(contentsOf: $0) } }
        let payload = samples.count * 4
        data.append(contentsOf: Array("RIFF".utf8)); u32(36 + payload)
        data.append(contentsOf: Array("WAVE".utf8))
        data.append(contentsOf: Array("fmt ".utf8)); u32(16); u16(3); u16(1); u32(sampleRate); u32(sampleRate * 4); u16(4); u16(32)
        data.append(contentsOf: Array("data".utf8)); u32(payload)
        samples.withUnsafeBytes { data.append(contentsOf: $0) }
        try data.write(to: url)
    }

    /// Reads a 16-bit PCM WAV: its format fields and samples.
    static func readPCM16(_ url: URL) throws -> (format: Int, channels: Int, sampleRate: Int, bits: Int, samples: [Int16]) {
        let data = try Data(contentsOf: url)
        let bytes = [UInt8](data)
        guard bytes.count >= 12, Array(bytes[0..<4]) == Array("RIFF".utf8), Array(bytes[8..<12]) == Array("WAVE".utf8) else {
            throw FormatError(description: "\(url.path): not a RIFF/WAVE file")
        }
        func u16(_ i: Int) -> Int { Int(bytes[i]) | Int(bytes[i + 1]) << 8 }
        func u32(_ i: Int) -> Int { u16(i) | u16(i + 2) << 16 }
        var offset = 12
        var format = 0, channels = 0, rate = 0, bits = 0
        while offset + 8 <= bytes.count {
            let id = String(decoding: bytes[offset..<(offset + 4)], as: UTF8.self)
            let size = u32(offset + 4)
            let body = offset + 8
            if id == "fmt " {
                format = u16(body); channels = u16(body + 2); rate = u32(body + 4); bits = u16(body + 14)
            } else if id == "data" {
                let end = min(body + size, bytes.count)
                let samples = bytes[body..<end].withUnsafeBytes { Array($0.bindMemory(to: Int16.self)) }
                return (format, channels, rate, bits, samples)
            }
            offset = body + size + (size & 1)
        }
        throw FormatError(description: "\(url.path): no data chunk")
    }
}
