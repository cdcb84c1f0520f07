/// One instruction of a pickle program: an opcode of ``PickleOpcode`` with its operands read and
/// checked (the protocol version, string and integer lengths against ``PickleLimits``, GLOBAL
/// names). Literals arrive as the ``PickleValue`` they push.
enum PickleInstruction {
    /// PROTO (version 5 at most) and FRAME: nothing to do.
    case proto, frame
    case stop, mark, pop, popMark, dup
    /// EMPTY_TUPLE, EMPTY_LIST, EMPTY_DICT, EMPTY_SET.
    case empty(PickleArena.Kind)
    /// TUPLE: the values above the top MARK.
    case tuple
    /// TUPLE1, TUPLE2, TUPLE3: the top `count` values.
    case smallTuple(count: Int)
    case list, dict, frozenset
    case append, appends, addItems, setItem, setItems
    /// A string, bytes, integer, float, bool or None.
    case literal(PickleValue)
    /// BINPUT, LONG_BINPUT: the top value into the memo at `index`.
    case put(index: Int)
    /// MEMOIZE: the top value into the memo at the next index.
    case memoize
    /// BINGET, LONG_BINGET.
    case get(index: Int)
    case global(module: String, name: String)
    case stackGlobal, reduce, newObj, newObjEx, build, binPersID

    /// Reads the instruction at `reader`'s position.
    /// - Throws: ``PickleFault/forbiddenOpcode(_:)`` for a byte outside ``PickleOpcode``;
    ///   ``PickleFault`` for an unsupported protocol, a negative length or one beyond the limits;
    ///   ``ByteReader/OutOfBounds`` when the program ends inside the instruction.
    static func read(from r: inout ByteReader, limits: PickleLimits) throws -> PickleInstruction {
        let byte = try r.u8()
        guard let opcode = PickleOpcode(rawValue: byte) else {
            throw PickleFault.forbiddenOpcode(byte)
        }
        switch opcode {
        case .proto:
            let version = try r.u8()
            guard version <= 5 else { throw PickleFault.malformed("unsupported pickle protocol \(version)") }
            return .proto
        case .frame:
            _ = try r.u64()
            return .frame
        case .stop: return .stop
        case .mark: return .mark
        case .pop: return .pop
        case .popMark: return .popMark
        case .dup: return .dup
        case .emptyTuple: return .empty(.tuple)
        case .emptyList: return .empty(.list)
        case .emptyDict: return .empty(.dict)
        case .emptySet: return .empty(.set)
        case .tuple: return .tuple
        case .tuple1: return .smallTuple(count: 1)
        case .tuple2: return .smallTuple(count: 2)
        case .tuple3: return .smallTuple(count: 3)
        case .list: return .list
        case .dict: return .dict
        case .frozenset: return .frozenset
        case .append: return .append
        case .appends: return .appends
        case .addItems: return .addItems
        case .setItem: return .setItem
        case .setItems: return .setItems
        case .binUnicode:
            return .literal(.string(try text(&r, Int(try r.u32()), limits)))
        case .shortBinUnicode:
            return .literal(.string(try text(&r, Int(try r.u8()), limits)))
        case .binUnicode8:
            return .literal(.string(try text(&r, try length(try r.u64(), limits), limits)))
        case .shortBinString:
            return .literal(.string(try latin1(&r, Int(try r.u8()), limits)))
        case .binString:
            let n = Int(try r.i32())
            guard n >= 0 else { throw PickleFault.malformed("negative string length") }
            return .literal(.string(try latin1(&r, try length(UInt64(n), limits), limits)))
        case .shortBinBytes:
            return .literal(.bytes(try raw(&r, Int(try r.u8()), limits)))
        case .binBytes:
            return .literal(.bytes(try raw(&r, Int(try r.u32()), limits)))
        case .binBytes8:
            return .literal(.bytes(try raw(&r, try length(try r.u64(), limits), limits)))
        case .binInt1:
            return .literal(.int(Int(try r.u8())))
        case .binInt2:
            return .literal(.int(Int(try r.u16())))
        case .binInt:
            return .literal(.int(Int(try r.i32())))
        case .long1:
            return .literal(long(try raw(&r, Int(try r.u8()), limits)))
        case .long4:
            let n = Int(try r.i32())
            guard n >= 0 else { throw PickleFault.malformed("negative LONG4 length") }
            return .literal(long(try raw(&r, try length(UInt64(n), limits), limits)))
        case .binFloat:
            let bits = try r.load(UInt64.self).byteSwapped
            return .literal(.float(Double(bitPattern: bits)))
        case .newTrue: return .literal(.bool(true))
        case .newFalse: return .literal(.bool(false))
        case .none: return .literal(.none)
        case .binPut: return .put(index: Int(try r.u8()))
        case .longBinPut: return .put(index: Int(try r.u32()))
        case .memoize: return .memoize
        case .binGet: return .get(index: Int(try r.u8()))
        case .longBinGet: return .get(index: Int(try r.u32()))
        case .global:
            let module = try line(&r)
            let name = try line(&r)
            return .global(module: module, name: name)
        case .stackGlobal: return .stackGlobal
        case .reduce: return .reduce
        case .newObj: return .newObj
        case .newObjEx: return .newObjEx
        case .build: return .build
        case .binPersID: return .binPersID
        }
    }

    // MARK: - Operands

    private static func length(_ n: UInt64, _ limits: PickleLimits) throws -> Int {
        guard n <= UInt64(limits.maxStringBytes) else {
            throw PickleFault.limitExceeded(what: "string or bytes length", limit: limits.maxStringBytes)
        }
        return Int(n)
    }

    private static func text(_ r: inout ByteReader, _ n: Int, _ limits: PickleLimits) throws -> String {
        let n = try length(UInt64(n), limits)
        return String(decoding: try r.slice(n), as: UTF8.self)
    }

    private static func latin1(_ r: inout ByteReader, _ n: Int, _ limits: PickleLimits) throws -> String {
        let n = try length(UInt64(n), limits)
        return String(String.UnicodeScalarView(try r.slice(n).map { Unicode.Scalar($0) }))
    }

    private static func raw(_ r: inout ByteReader, _ n: Int, _ limits: PickleLimits) throws -> [UInt8] {
        let n = try length(UInt64(n), limits)
        return Array(try r.slice(n))
    }

    /// A newline-terminated operand of GLOBAL (at most 256 bytes, as Python identifiers are short).
    private static func line(_ r: inout ByteReader) throws -> String {
        var bytes: [UInt8] = []
        while true {
            let b = try r.u8()
            if b == 0x0A { break }
            bytes.append(b)
            guard bytes.count <= 256 else { throw PickleFault.limitExceeded(what: "GLOBAL name length", limit: 256) }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// A little-endian two's-complement integer of LONG1/LONG4.
    private static func long(_ bytes: [UInt8]) -> PickleValue {
        if bytes.isEmpty { return .int(0) }
        if bytes.count <= 8 {
            var value: UInt64 = 0
            for (i, b) in bytes.enumerated() { value |= UInt64(b) << (8 * UInt64(i)) }
            if bytes.count < 8, bytes[bytes.count - 1] & 0x80 != 0 {
                value |= ~0 << (8 * UInt64(bytes.count))  // sign-extend
            }
            return .int(Int(Int64(bitPattern: value)))
        }
        return .bigInt(bytes)
    }
}
