/// The members of a POSIX tar archive held in memory (ustar or PAX headers), as the oldest PyTorch
/// checkpoints (`torch.save` before 0.4: members `sys_info`, `pickle`, `storages`, `tensors`) were
/// written. Only located, never extracted: each member is a slice of the buffer. Used to scan such
/// files for forbidden pickle content before refusing them.
struct TarArchive {
    /// Members by name (the last one wins when a name repeats), as slices of the archive.
    let members: [String: UnsafeRawBufferPointer]

    /// The tar block size (POSIX.1-1988).
    private static let block = 512

    /// Parses `bytes` when they start with a ustar header; nil when they do not, or when a header
    /// is damaged (the caller refuses the file either way).
    init?(_ bytes: UnsafeRawBufferPointer) {
        guard Self.isTar(bytes) else { return nil }
        var members: [String: UnsafeRawBufferPointer] = [:]
        var offset = 0
        while offset <= bytes.count - Self.block {
            let header = UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + Self.block)])
            if header.allSatisfy({ $0 == 0 }) { break }  // end-of-archive marker
            guard let size = Self.octal(UnsafeRawBufferPointer(rebasing: header[124..<136])) else { return nil }
            let start = offset + Self.block
            guard size <= bytes.count - start else { return nil }
            let nameField = header[0..<100].prefix { $0 != 0 }
            let name = String(decoding: nameField, as: UTF8.self)
            let type = header[156]
            if type == 0 || type == UInt8(ascii: "0") {  // regular file
                members[name.hasPrefix("./") ? String(name.dropFirst(2)) : name] =
                    UnsafeRawBufferPointer(rebasing: bytes[start..<(start + size)])
            }
            let padded = (size + Self.block - 1) / Self.block * Self.block
            guard padded <= bytes.count - start else { break }
            offset = start + padded
        }
        self.members = members
    }

    /// True when `bytes` hold a ustar (or GNU/PAX) header at the start: `ustar` at byte 257.
    static func isTar(_ bytes: UnsafeRawBufferPointer) -> Bool {
        bytes.count >= block && Array(bytes[257..<262]) == Array("ustar".utf8)
    }

    /// An octal number field (spaces and NULs around it allowed); nil when malformed or absurd.
    private static func octal(_ field: UnsafeRawBufferPointer) -> Int? {
        var value = 0
        var digits = 0
        for byte in field {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "7"):
                guard digits < 20 else { return nil }
                value = value * 8 + Int(byte - UInt8(ascii: "0"))
                digits += 1
            case 0, UInt8(ascii: " "):
                if digits > 0 { return value }
            default:
                return nil
            }
        }
        return value
    }
}
