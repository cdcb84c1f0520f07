/// The directory of a zip archive held in a memory mapping: entry names with the position and size
/// of their stored bytes. Sizes and offsets come from the central directory (torch writes zero sizes
/// in the local headers); ZIP64 records are honoured. Only STORED entries can be read.
struct ZipArchive {
    /// One archive member.
    struct Entry {
        let name: String
        /// Compression method (0 = stored).
        let method: UInt16
        /// Offset of the member's data in the file (after its local header).
        let dataOffset: Int
        /// Uncompressed size in bytes.
        let size: Int
        let compressedSize: Int
    }

    /// Entries by name, and their order in the central directory.
    let entries: [String: Entry]
    let names: [String]

    private static let endOfCentralDirectory: UInt32 = 0x0605_4b50
    private static let zip64Locator: UInt32 = 0x0706_4b50
    private static let zip64End: UInt32 = 0x0606_4b50
    private static let centralHeader: UInt32 = 0x0201_4b50
    private static let localHeader: UInt32 = 0x0403_4b50
    /// Smallest central directory record (fixed part), from the zip specification (APPNOTE 4.3.12).
    private static let centralHeaderSize = 46
    /// Highest uncompressed-to-compressed size ratio a member may declare. Deflate tops out near
    /// 1032:1, and members here are stored (1:1); a higher claim is a decompression bomb.
    static let maxCompressionRatio: UInt64 = 1000

    /// Why `name` is unsafe as an archive path (absolute, a `..` component, a backslash, a NUL, a
    /// drive letter, empty), or nil. Nothing is extracted, but such names only come from crafted files.
    static func unsafeName(_ name: String) -> String? {
        if name.isEmpty { return "empty" }
        if name.hasPrefix("/") { return "absolute path" }
        if name.contains("\\") { return "backslash" }
        if name.utf8.contains(0) { return "NUL byte" }
        let parts = name.split(separator: "/", omittingEmptySubsequences: false)
        if parts.contains("..") { return "'..' component" }
        if let first = parts.first, first.count == 2, first.last == ":", first.first?.isLetter == true {
            return "drive letter"
        }
        return nil
    }

    /// Parses the archive directory of `file`.
    /// - Throws: ``CheckpointError/corruptArchive(file:message:)`` for any inconsistency, and for
    ///   hostile directories: unsafe member names (``unsafeName(_:)``), a name given twice, or a
    ///   declared compression ratio above ``maxCompressionRatio``.
    init(_ file: MappedFile) throws {
        let bytes = file.bytes
        let reader = ByteReader(bytes)
        func corrupt(_ message: String) -> CheckpointError {
            .corruptArchive(file: file.path, message: message)
        }
        do {
            // The end record is 22 bytes plus a comment of at most 65535 bytes.
            guard bytes.count >= 22 else { throw corrupt("file too short for a zip directory") }
            var eocd = -1
            var position = bytes.count - 22
            let lowest = max(0, bytes.count - 22 - 65535)
            while position >= lowest {
                if try reader.peek(UInt32.self, at: position) == Self.endOfCentralDirectory {
                    eocd = position
                    break
                }
                position -= 1
            }
            guard eocd >= 0 else { throw corrupt("no end-of-central-directory record") }
            var entryCount = Int(try reader.peek(UInt16.self, at: eocd + 10))
            var directorySize = Int(try reader.peek(UInt32.self, at: eocd + 12))
            var directoryOffset = Int(try reader.peek(UInt32.self, at: eocd + 16))
            if eocd >= 20, try reader.peek(UInt32.self, at: eocd - 20) == Self.zip64Locator {
                let recordOffset = try reader.peek(UInt64.self, at: eocd - 20 + 8)
                guard recordOffset < UInt64(bytes.count),
                      try reader.peek(UInt32.self, at: Int(recordOffset)) == Self.zip64End
                else { throw corrupt("ZIP64 end record missing") }
                let record = Int(recordOffset)
                let count64 = try reader.peek(UInt64.self, at: record + 32)
                let size64 = try reader.peek(UInt64.self, at: record + 40)
                let offset64 = try reader.peek(UInt64.self, at: record + 48)
                let limit = UInt64(bytes.count)
                guard count64 <= limit, size64 <= limit, offset64 <= limit else {
                    throw corrupt("ZIP64 directory sizes exceed the file length")
                }
                entryCount = Int(count64)
                directorySize = Int(size64)
                directoryOffset = Int(offset64)
            }
            guard directoryOffset <= bytes.count, directorySize <= bytes.count - directoryOffset else {
                throw corrupt("central directory lies outside the file")
            }
            guard entryCount <= directorySize / Self.centralHeaderSize else {
                throw corrupt("declared \(entryCount) entries do not fit the central directory")
            }

            var entries: [String: Entry] = [:]
            var names: [String] = []
            var cursor = ByteReader(bytes, offset: directoryOffset)
            for _ in 0..<entryCount {
                guard try cursor.u32() == Self.centralHeader else { throw corrupt("bad central directory record") }
                try cursor.skip(6)
                let method = try cursor.u16()
                try cursor.skip(8)
                var compressed = UInt64(try cursor.u32())
                var uncompressed = UInt64(try cursor.u32())
                let nameLength = Int(try cursor.u16())
                let extraLength = Int(try cursor.u16())
                let commentLength = Int(try cursor.u16())
                try cursor.skip(8)
                var localOffset = UInt64(try cursor.u32())
                let nameBytes = try cursor.slice(nameLength)
                let name = String(decoding: nameBytes, as: UTF8.self)
                var extra = ByteReader(try cursor.slice(extraLength))
                try cursor.skip(commentLength)
                // ZIP64 extended information (header id 1) replaces the saturated 32-bit fields, in order.
                while extra.remaining >= 4 {
                    let id = try extra.u16()
                    let length = Int(try extra.u16())
                    var field = ByteReader(try extra.slice(length))
                    if id == 1 {
                        if uncompressed == 0xFFFF_FFFF { uncompressed = try field.u64() }
                        if compressed == 0xFFFF_FFFF { compressed = try field.u64() }
                        if localOffset == 0xFFFF_FFFF { localOffset = try field.u64() }
                    }
                }
                let shown = CheckpointError.printable(name)
                if let problem = Self.unsafeName(name) {
                    throw corrupt("member '\(shown)' has an unsafe name (\(problem)); refused")
                }
                guard entries[name] == nil else {
                    throw corrupt("member '\(shown)' appears twice; refused, as readers could disagree on its content")
                }
                let (bound, overflow) = max(compressed, 1).multipliedReportingOverflow(by: Self.maxCompressionRatio)
                if !overflow, uncompressed > bound {
                    throw corrupt(
                        "member '\(shown)' declares \(uncompressed) bytes from \(compressed) compressed, a ratio above "
                            + "\(Self.maxCompressionRatio):1; refused as a zip bomb")
                }
                let limit = UInt64(bytes.count)
                guard localOffset < limit, compressed <= limit, uncompressed <= limit else {
                    throw corrupt("entry '\(shown)' has sizes or offsets beyond the file")
                }
                let local = Int(localOffset)
                guard try reader.peek(UInt32.self, at: local) == Self.localHeader else {
                    throw corrupt("entry '\(shown)' has no local header")
                }
                let localName = Int(try reader.peek(UInt16.self, at: local + 26))
                let localExtra = Int(try reader.peek(UInt16.self, at: local + 28))
                let dataOffset = local + 30 + localName + localExtra
                guard dataOffset <= bytes.count, Int(compressed) <= bytes.count - dataOffset else {
                    throw corrupt("entry '\(shown)' data runs past the end of the file")
                }
                names.append(name)
                entries[name] = Entry(
                    name: name, method: method, dataOffset: dataOffset, size: Int(uncompressed),
                    compressedSize: Int(compressed))
            }
            self.entries = entries
            self.names = names
        } catch let error as ByteReader.OutOfBounds {
            throw corrupt("truncated at byte \(error.offset)")
        }
    }

    /// The bytes of a stored entry.
    /// - Throws: ``CheckpointError/corruptArchive(file:message:)`` when the entry is compressed.
    func data(of entry: Entry, in file: MappedFile) throws -> UnsafeRawBufferPointer {
        guard entry.method == 0, entry.size == entry.compressedSize else {
            throw CheckpointError.corruptArchive(
                file: file.path,
                message: "entry '\(CheckpointError.printable(entry.name))' is compressed (method \(entry.method)); PyTorch writes stored entries only")
        }
        return UnsafeRawBufferPointer(rebasing: file.bytes[entry.dataOffset..<(entry.dataOffset + entry.size)])
    }
}
