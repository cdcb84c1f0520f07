/// The pickle opcodes this reader accepts: those `torch.save` emits (protocols 2–5), named after
/// CPython's `pickletools`. A byte outside this table is refused as an unsupported opcode, so the
/// text-protocol forms and the opcodes that would import or call (`INST`, `OBJ`, `EXT1`…) are
/// never decoded.
enum PickleOpcode: UInt8 {
    // Framing and the stack
    case proto = 0x80
    /// Framing is a hint for buffered readers; the data is contiguous here.
    case frame = 0x95
    case stop = 0x2E
    case mark = 0x28
    case pop = 0x30
    case popMark = 0x31
    case dup = 0x32

    // Containers
    case emptyTuple = 0x29
    case emptyList = 0x5D
    case emptyDict = 0x7D
    case emptySet = 0x8F
    case tuple = 0x74
    case tuple1 = 0x85
    case tuple2 = 0x86
    case tuple3 = 0x87
    case list = 0x6C
    case dict = 0x64
    case frozenset = 0x91
    case append = 0x61
    case appends = 0x65
    case addItems = 0x90
    case setItem = 0x73
    case setItems = 0x75

    // Literals
    case binUnicode = 0x58
    case shortBinUnicode = 0x8C
    case binUnicode8 = 0x8D
    /// A Python 2 `str`: bytes decoded as latin-1.
    case shortBinString = 0x55
    case binString = 0x54
    case shortBinBytes = 0x43
    case binBytes = 0x42
    case binBytes8 = 0x8E
    case binInt1 = 0x4B
    case binInt2 = 0x4D
    case binInt = 0x4A
    case long1 = 0x8A
    case long4 = 0x8B
    /// An 8-byte big-endian IEEE double.
    case binFloat = 0x47
    case newTrue = 0x88
    case newFalse = 0x89
    case none = 0x4E

    // The memo
    case binPut = 0x71
    case longBinPut = 0x72
    case memoize = 0x94
    case binGet = 0x68
    case longBinGet = 0x6A

    // Globals, objects and storages
    case global = 0x63
    case stackGlobal = 0x93
    case reduce = 0x52
    case newObj = 0x81
    case newObjEx = 0x92
    case build = 0x62
    case binPersID = 0x51

    /// The pickletools names of the opcodes this reader refuses: the text-protocol forms (their
    /// operands are parsed Python literals), the ones that import or call (`INST`, `OBJ`, the
    /// extension registry `EXT1`…) and the out-of-band buffers of protocol 5.
    static let refusedNames: [UInt8: String] = [
        0x46: "FLOAT", 0x49: "INT", 0x4C: "LONG", 0x50: "PERSID", 0x53: "STRING", 0x56: "UNICODE",
        0x67: "GET", 0x69: "INST", 0x6F: "OBJ", 0x70: "PUT", 0x82: "EXT1", 0x83: "EXT2", 0x84: "EXT4",
        0x96: "BYTEARRAY8", 0x97: "NEXT_BUFFER", 0x98: "READONLY_BUFFER",
    ]

    /// A refused byte as a user reads it: `INST (0x69)`, or `0xff (not a pickle opcode)`.
    static func describe(_ byte: UInt8) -> String {
        let hex = "0x" + String(byte, radix: 16)
        if let name = refusedNames[byte] { return "\(name) (\(hex))" }
        return "\(hex) (not a pickle opcode)"
    }
}
