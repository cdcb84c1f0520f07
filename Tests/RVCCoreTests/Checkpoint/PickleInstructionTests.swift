import Testing
@testable import RVCCore

/// The opcode table and the decoding of operands, byte by byte.
@Suite("PickleInstruction")
struct PickleInstructionTests {
    /// The opcodes `torch.save` emits (protocols 2–5): the whole of what the reader accepts.
    static let accepted: Set<UInt8> = [
        0x80, 0x95, 0x2E, 0x28, 0x30, 0x31, 0x32,  // PROTO FRAME STOP MARK POP POP_MARK DUP
        0x29, 0x5D, 0x7D, 0x8F, 0x74, 0x85, 0x86, 0x87, 0x6C, 0x64, 0x91,  // containers
        0x61, 0x65, 0x90, 0x73, 0x75,  // APPEND APPENDS ADDITEMS SETITEM SETITEMS
        0x58, 0x8C, 0x8D, 0x55, 0x54, 0x43, 0x42, 0x8E,  // strings and bytes
        0x4B, 0x4D, 0x4A, 0x8A, 0x8B, 0x47, 0x88, 0x89, 0x4E,  // numbers, bools, None
        0x71, 0x72, 0x94, 0x68, 0x6A,  // memo
        0x63, 0x93, 0x52, 0x81, 0x92, 0x62, 0x51,  // GLOBAL STACK_GLOBAL REDUCE NEWOBJ NEWOBJ_EX BUILD BINPERSID
    ]

    private func read(_ bytes: [UInt8], limits: PickleLimits = .default) throws -> PickleInstruction {
        try bytes.withUnsafeBytes { raw in
            var reader = ByteReader(raw)
            return try PickleInstruction.read(from: &reader, limits: limits)
        }
    }

    @Test("the table holds exactly the opcodes torch.save emits")
    func tableIsTheAcceptedSet() {
        let table = Set((0...255).map { UInt8($0) }.filter { PickleOpcode(rawValue: $0) != nil })
        #expect(table == Self.accepted)
    }

    @Test("every other byte (INST, OBJ, EXT1, the text forms…) is refused as a forbidden opcode")
    func otherBytesAreRefused() {
        for byte in (0...255).map({ UInt8($0) }) where !Self.accepted.contains(byte) {
            #expect(throws: PickleFault.forbiddenOpcode(byte), "0x\(String(byte, radix: 16))") {
                _ = try read([byte, 0x0A, 0x0A])
            }
        }
    }

    @Test("refused opcodes are described by their pickletools name, other bytes as not opcodes")
    func refusedOpcodeNames() {
        #expect(PickleOpcode.describe(0x69) == "INST (0x69)")
        #expect(PickleOpcode.describe(0x6F) == "OBJ (0x6f)")
        #expect(PickleOpcode.describe(0x82) == "EXT1 (0x82)")
        #expect(PickleOpcode.describe(0x49) == "INT (0x49)")
        #expect(PickleOpcode.describe(0xFF) == "0xff (not a pickle opcode)")
        // Every named opcode is one the table refuses.
        #expect(PickleOpcode.refusedNames.keys.allSatisfy { !Self.accepted.contains($0) })
    }

    @Test("operands decode to the values they push")
    func operandsDecode() throws {
        guard case .literal(.string("abc")) = try read([0x8C, 3, 0x61, 0x62, 0x63]) else {
            Issue.record("SHORT_BINUNICODE")
            return
        }
        guard case .literal(.string("\u{E9}")) = try read([0x55, 1, 0xE9]) else {
            Issue.record("SHORT_BINSTRING is latin-1")
            return
        }
        guard case .literal(.int(-1)) = try read([0x8A, 1, 0xFF]) else {
            Issue.record("LONG1 sign-extends")
            return
        }
        guard case .literal(.float(1.5)) = try read([0x47, 0x3F, 0xF8, 0, 0, 0, 0, 0, 0]) else {
            Issue.record("BINFLOAT is big-endian")
            return
        }
        guard case .global(module: "torch._utils", name: "_rebuild_tensor_v2") = try read(
            Array("ctorch._utils\n_rebuild_tensor_v2\n".utf8))
        else {
            Issue.record("GLOBAL")
            return
        }
        guard case .smallTuple(count: 3) = try read([0x87]) else {
            Issue.record("TUPLE3")
            return
        }
    }

    @Test("lengths beyond the limits, negative lengths and newer protocols are refused")
    func operandChecks() {
        var limits = PickleLimits()
        limits.maxStringBytes = 4
        #expect(throws: PickleFault.self) { try read([0x8C, 5, 0x61, 0x61, 0x61, 0x61, 0x61], limits: limits) }
        #expect(throws: PickleFault.self) { try read([0x54, 0xFF, 0xFF, 0xFF, 0xFF]) }
        #expect(throws: PickleFault.self) { try read([0x80, 6]) }
        #expect(throws: ByteReader.OutOfBounds.self) { try read([0x58, 9, 0, 0, 0, 0x61]) }
    }
}
