import Foundation
import RVCTestSupport
import Testing
@testable import RVCCore

/// Mutated pickle programs straight into the machine (no archive around them): the real programs of
/// the fixtures and crafted ones that use every accepted opcode. Each must decode or fail with a
/// ``CheckpointError``, quickly; storages are taken as declared and every tensor is one shared
/// placeholder, so what is exercised is the machine, its stack, memo, arena and value tree.
@Suite("Pickle machine fuzzing")
struct PickleMachineFuzzTests {
    /// `data.pkl` of a fixture checkpoint.
    static func dataPickle(_ name: String) throws -> [UInt8] {
        let file = try MappedFile(Fixtures.parity(name))
        let archive = try ZipArchive(file)
        guard let entry = archive.names.first(where: { $0.hasSuffix("/data.pkl") }).flatMap({ archive.entries[$0] }) else {
            throw CheckpointError.missingEntry(file: name, entry: "data.pkl")
        }
        return Array(try archive.data(of: entry, in: file))
    }

    /// Protocol 4 and 5 forms: FRAME, SHORT_BINUNICODE, MEMOIZE, STACK_GLOBAL, EMPTY_SET, ADDITEMS,
    /// FROZENSET, SHORT_BINBYTES, BINFLOAT, a big LONG1, NEWOBJ_EX with BUILD, DUP and POP.
    static let protocol4: [UInt8] = {
        func text(_ s: String) -> [UInt8] { [0x8C, UInt8(s.utf8.count)] + Array(s.utf8) }
        var p: [UInt8] = [0x80, 4, 0x95, 0, 0, 0, 0, 0, 0, 0, 0]
        p += text("collections") + [0x94] + text("OrderedDict") + [0x94, 0x93, 0x94, 0x29, 0x52, 0x94, 0x28]
        p += text("a") + [0x8F, 0x28, 0x4B, 1, 0x4B, 2, 0x90]
        p += text("b") + [0x28, 0x4B, 3, 0x91]
        p += text("c") + [0x43, 2, 1, 2]
        p += text("d") + [0x47, 0x3F, 0xF8, 0, 0, 0, 0, 0, 0]
        p += text("e") + [0x8A, 9, 1, 2, 3, 4, 5, 6, 7, 8, 9]
        p += text("f") + text("argparse") + text("Namespace") + [0x93, 0x29, 0x7D, 0x92, 0x7D] + text("x") + [0x4B, 5, 0x73, 0x62]
        p += text("g") + [0x4E, 0x32, 0x30, 0x75, 0x2E]
        return p
    }()

    /// Protocol 2 forms: `_codecs.encode`, `_rebuild_parameter` around a tensor, LONG_BINPUT and
    /// LONG_BINGET, POP_MARK, DICT, LIST, BINSTRING.
    static let protocol2: [UInt8] = {
        let h = HostileCheckpoints.self
        var p: [UInt8] = [0x80, 2, 0x28, 0x4E, 0x31, 0x5D, 0x72, 1, 0, 0, 0, 0x28]
        p += h.global("_codecs", "encode") + h.string("abc") + h.string("latin1") + [0x86, 0x52]
        p += h.global("torch._utils", "_rebuild_parameter") + h.global("torch._utils", "_rebuild_tensor_v2")
        p += [0x28, 0x28] + h.string("storage") + h.global("torch", "HalfStorage") + h.string("0") + h.string("cpu") + [0x4B, 6, 0x74, 0x51]
        p += [0x4B, 0, 0x4B, 2, 0x4B, 3, 0x86, 0x4B, 3, 0x4B, 1, 0x86, 0x89] + h.global("collections", "OrderedDict") + [0x29, 0x52, 0x74, 0x52]
        p += [0x89] + h.global("collections", "OrderedDict") + [0x29, 0x52, 0x87, 0x52]
        p += [0x28, 0x54, 2, 0, 0, 0, 0x68, 0x69, 0x4A, 0xFF, 0xFF, 0xFF, 0xFF, 0x64]
        p += [0x28, 0x4D, 0x34, 0x12, 0x6C, 0x6A, 1, 0, 0, 0, 0x65, 0x2E]
        return p
    }()

    static func seeds() throws -> [FuzzMutator.Seed] {
        try ["v1_40k_f0.pth", "v2_32k_nof0.pth", "hubert_tiny_omegaconf.pt", "rmvpe_tiny.pt"].map {
            FuzzMutator.Seed($0, try dataPickle($0))
        } + [FuzzMutator.Seed("protocol4", protocol4), FuzzMutator.Seed("protocol2", protocol2)]
    }

    @Test("the crafted seeds decode, so mutations start from valid programs")
    func seedsDecode() throws {
        let placeholder = try Tensor([Float(0)])
        for seed in try Self.seeds() {
            _ = try Self.decode(seed.bytes, placeholder: placeholder)
        }
    }

    static func decode(_ bytes: [UInt8], placeholder: Tensor) throws -> PickleValue {
        try bytes.withUnsafeBytes { raw in
            var machine = PickleMachine(
                file: "fuzz.pth", member: "archive/data.pkl", limits: .default,
                resolveStorage: { key, dtype, numel in PickleMachine.StorageRef(key: key, dtype: dtype, numel: numel) },
                makeTensor: { _ in placeholder })
            return try machine.tree(try machine.run(raw))
        }
    }

    @Test("mutated programs decode or fail with a CheckpointError, each within the time bound")
    func mutatedPrograms() throws {
        let placeholder = try Tensor([Float(0)])
        let report = Fuzzer.run(reader: "pickle", seeds: try Self.seeds(), isTyped: { $0 is CheckpointError }) { _, bytes in
            _ = try Self.decode(bytes, placeholder: placeholder)
        }
        #expect(report.problems.isEmpty, "\(report)")
        #expect(report.mixedOutcomes, "\(report)")
    }
}
