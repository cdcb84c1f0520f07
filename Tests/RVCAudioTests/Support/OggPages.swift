import Foundation

/// A minimal Ogg page reader (RFC 3533) for checking the streams the encoder writes.
struct OggPage {
    let headerType: UInt8
    let granulePosition: Int64
    let serial: UInt32
    let sequence: UInt32
    /// Packets or packet pieces, by lacing.
    let segments: [Int]
    let body: Data

    var isBeginning: Bool { headerType & 0x02 != 0 }
    var isEnd: Bool { headerType & 0x04 != 0 }

    struct Malformed: Error { let offset: Int }

    static func parse(_ data: Data) throws -> [OggPage] {
        let bytes = [UInt8](data)
        var pages: [OggPage] = []
        var offset = 0
        func le<T: FixedWidthInteger>(_ at: Int, _: T.Type) -> T {
            var value: T = 0
            for i in 0..<MemoryLayout<T>.size { value |= T(bytes[at + i]) << (8 * i) }
            return value
        }
        while offset < bytes.count {
            guard offset + 27 <= bytes.count, bytes[offset..<offset + 4].elementsEqual("OggS".utf8)
            else { throw Malformed(offset: offset) }
            let count = Int(bytes[offset + 26])
            guard offset + 27 + count <= bytes.count else { throw Malformed(offset: offset) }
            let lacing = bytes[(offset + 27)..<(offset + 27 + count)].map(Int.init)
            let bodyStart = offset + 27 + count
            let bodyLength = lacing.reduce(0, +)
            guard bodyStart + bodyLength <= bytes.count else { throw Malformed(offset: offset) }
            pages.append(
                OggPage(
                    headerType: bytes[offset + 5], granulePosition: le(offset + 6, Int64.self),
                    serial: le(offset + 14, UInt32.self), sequence: le(offset + 18, UInt32.self),
                    segments: lacing, body: Data(bytes[bodyStart..<(bodyStart + bodyLength)])))
            offset = bodyStart + bodyLength
        }
        return pages
    }
}

extension OggPage {
    /// `bytes` with every page's stream serial number set to `serial` and its checksum recomputed.
    /// Encoders draw the serial at random; fixing it makes encoded seeds identical from run to run.
    static func withSerial(_ serial: UInt32, in bytes: [UInt8]) -> [UInt8] {
        var out = bytes
        var offset = 0
        while offset + 27 <= out.count, out[offset..<offset + 4].elementsEqual("OggS".utf8) {
            let count = Int(out[offset + 26])
            guard offset + 27 + count <= out.count else { break }
            let end = offset + 27 + count + out[(offset + 27)..<(offset + 27 + count)].reduce(0) { $0 + Int($1) }
            guard end <= out.count else { break }
            for i in 0..<4 { out[offset + 14 + i] = UInt8(truncatingIfNeeded: serial >> (8 * UInt32(i))) }
            for i in 22..<26 { out[offset + i] = 0 }
            let crc = checksum(out[offset..<end])
            for i in 0..<4 { out[offset + 22 + i] = UInt8(truncatingIfNeeded: crc >> (8 * UInt32(i))) }
            offset = end
        }
        return out
    }

    /// The Ogg page checksum: CRC-32 with polynomial 0x04C11DB7, not reflected, initial value 0.
    static func checksum(_ bytes: ArraySlice<UInt8>) -> UInt32 {
        var crc: UInt32 = 0
        for byte in bytes {
            crc ^= UInt32(byte) << 24
            for _ in 0..<8 { crc = crc & 0x8000_0000 != 0 ? (crc << 1) ^ 0x04C1_1DB7 : crc << 1 }
        }
        return crc
    }
}

/// The fields of an OpusHead packet (RFC 7845 §5.1).
struct OpusHead {
    let version: UInt8
    let channels: Int
    let preSkip: Int
    let inputSampleRate: Int
    let outputGain: Int16
    let mappingFamily: UInt8

    init?(_ packet: Data) {
        let b = [UInt8](packet)
        guard b.count >= 19, b[0..<8].elementsEqual("OpusHead".utf8) else { return nil }
        version = b[8]
        channels = Int(b[9])
        preSkip = Int(b[10]) | Int(b[11]) << 8
        inputSampleRate = Int(b[12]) | Int(b[13]) << 8 | Int(b[14]) << 16 | Int(b[15]) << 24
        outputGain = Int16(bitPattern: UInt16(b[16]) | UInt16(b[17]) << 8)
        mappingFamily = b[18]
    }
}

/// The vendor string and comments of an OpusTags packet (RFC 7845 §5.2).
struct OpusTags {
    let vendor: String
    let comments: [String]

    init?(_ packet: Data) {
        let b = [UInt8](packet)
        guard b.count >= 16, b[0..<8].elementsEqual("OpusTags".utf8) else { return nil }
        func u32(_ at: Int) -> Int? {
            guard at + 4 <= b.count else { return nil }
            return Int(b[at]) | Int(b[at + 1]) << 8 | Int(b[at + 2]) << 16 | Int(b[at + 3]) << 24
        }
        guard let vendorLength = u32(8), 12 + vendorLength <= b.count else { return nil }
        vendor = String(decoding: b[12..<(12 + vendorLength)], as: UTF8.self)
        var at = 12 + vendorLength
        guard let count = u32(at) else { return nil }
        at += 4
        var comments: [String] = []
        for _ in 0..<count {
            guard let length = u32(at), at + 4 + length <= b.count else { return nil }
            comments.append(String(decoding: b[(at + 4)..<(at + 4 + length)], as: UTF8.self))
            at += 4 + length
        }
        self.comments = comments
    }
}
