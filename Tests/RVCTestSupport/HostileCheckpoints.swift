import Foundation
import RVCBench
import RVCCore

/// A corpus of hostile model files, written by the tests (never downloaded), each with the refusal
/// every entry point (`TorchCheckpoint`, `rvc inspect`, `rvc convert`, the worker) must give: calls
/// of globals from os, posix, subprocess, builtins and importlib (directly, nested, hidden in an
/// otherwise valid model, through NEWOBJ and protocol 4), forbidden opcodes, legacy pickles (the
/// pre-1.6 stream, the tar format, a bare pickle), zip members with `..` or absolute names, repeated
/// names, a zip bomb, shapes whose element count overflows 64 bits, storages shorter than their
/// tensors, deep nesting and allocation bombs.
///
/// Every call in the corpus would create the file `marker` (a path the test chooses) if it were
/// ever run, so a test can check that nothing ran.
public enum HostileCheckpoints {
    /// The refusal a file must get.
    public enum Refusal: Sendable, Equatable {
        /// ``CheckpointError/forbiddenGlobal(file:member:offset:global:)`` naming `global` in `member`.
        case forbiddenGlobal(String, member: String)
        /// ``CheckpointError/forbiddenOpcode(file:member:offset:opcode:)`` naming `opcode` in `member`.
        case forbiddenOpcode(String, member: String)
        /// ``CheckpointError/corruptArchive(file:message:)`` whose message contains the text.
        case unsafeArchive(String)
        /// ``CheckpointError/storage(file:key:message:)`` whose message contains the text.
        case storage(String)
        /// ``CheckpointError/limitExceeded(file:what:limit:)`` whose `what` contains the text.
        case limit(String)
        /// ``CheckpointError/legacyFormat(file:)``.
        case legacy
        /// ``CheckpointError/notACheckpoint(file:message:)`` whose message contains the text.
        case notACheckpoint(String)

        /// Whether `error` is this refusal.
        public func matches(_ error: CheckpointError) -> Bool {
            switch (self, error) {
            case (.forbiddenGlobal(let global, let member), .forbiddenGlobal(_, let m, _, let g)):
                return g == global && m == member
            case (.forbiddenOpcode(let opcode, let member), .forbiddenOpcode(_, let m, _, let o)):
                return o.hasPrefix(opcode + " ") && m == member
            case (.unsafeArchive(let text), .corruptArchive(_, let message)): return message.contains(text)
            case (.storage(let text), .storage(_, _, let message)): return message.contains(text)
            case (.limit(let text), .limitExceeded(_, let what, _)): return what.contains(text)
            case (.legacy, .legacyFormat): return true
            case (.notACheckpoint(let text), .notACheckpoint(_, let message)): return message.contains(text)
            default: return false
            }
        }

        /// Words the error message must contain: what was refused and where.
        public var fragments: [String] {
            switch self {
            case .forbiddenGlobal(let global, let member): ["refused", "'\(global)'", member]
            case .forbiddenOpcode(let opcode, let member): ["refused", opcode, member]
            case .unsafeArchive(let text), .storage(let text), .limit(let text), .notACheckpoint(let text): [text]
            case .legacy: ["legacy"]
            }
        }
    }

    /// One hostile file.
    public struct Case: Sendable, CustomStringConvertible {
        /// A short name, also the file's stem.
        public let name: String
        public let refusal: Refusal
        let write: @Sendable (_ url: URL, _ marker: String) throws -> Void
        public var description: String { name }
    }

    /// The default archive member of the pickle (`CheckpointWriter`'s archive name).
    public static let dataPickle = "archive/data.pkl"

    /// Writes every case into `directory` as `<name>.pth`; a call that ran would create `marker`.
    public static func write(into directory: URL, marker: URL) throws -> [(Case, URL)] {
        try cases.map { item in
            let url = directory.appendingPathComponent("\(item.name).pth")
            try item.write(url, marker.path)
            return (item, url)
        }
    }

    /// Every case.
    public static let cases: [Case] = globalCases + opcodeCases + archiveCases + legacyCases + structureCases

    // MARK: - Globals

    /// Calls a general unpickler would make to run a command, load code or open a file.
    static let calls: [(module: String, name: String)] = [
        ("os", "system"), ("posix", "system"), ("nt", "system"), ("subprocess", "Popen"),
        ("subprocess", "check_output"), ("builtins", "exec"), ("builtins", "eval"), ("builtins", "__import__"),
        ("importlib", "import_module"), ("__builtin__", "open"), ("pickle", "loads"), ("shutil", "rmtree"),
    ]

    static let globalCases: [Case] = {
        var cases = calls.map { module, name in
            Case(name: "reduce-\(module).\(name)", refusal: .forbiddenGlobal("\(module).\(name)", member: dataPickle)) { url, marker in
                try CheckpointWriter().write(.reduce(module: module, name: name, args: [.string("touch \(marker)")]), to: url)
            }
        }
        cases += [
            // getattr(__import__('os'), 'system')('touch …'): reduces nested three deep.
            Case(name: "nested-getattr-import", refusal: .forbiddenGlobal("builtins.getattr", member: dataPickle)) { url, marker in
                let os = CheckpointWriter.Value.reduce(module: "builtins", name: "__import__", args: [.string("os")])
                let system = CheckpointWriter.Value.reduce(module: "builtins", name: "getattr", args: [os, .string("system")])
                try CheckpointWriter().write(.list([system, .string("touch \(marker)")]), to: url)
            },
            // OrderedDict(posix.system(…)): a forbidden call inside an allowed one.
            Case(name: "nested-inside-ordereddict", refusal: .forbiddenGlobal("posix.system", member: dataPickle)) { url, marker in
                try CheckpointWriter().write(
                    .reduce(module: "collections", name: "OrderedDict", args: [
                        .reduce(module: "posix", name: "system", args: [.string("touch \(marker)")]),
                    ]), to: url)
            },
            // A voice model that is valid but for one extra key.
            Case(name: "extra-key-in-valid-model", refusal: .forbiddenGlobal("subprocess.Popen", member: dataPickle)) { url, marker in
                try CheckpointWriter().write(
                    .dict(validModel + [
                        ("evil", .reduce(module: "subprocess", name: "Popen", args: [.list([.string("touch"), .string(marker)])])),
                    ]), storages: [("0", [UInt8](repeating: 0, count: 16))], to: url)
            },
            Case(name: "inside-the-weights", refusal: .forbiddenGlobal("os.system", member: dataPickle)) { url, marker in
                try CheckpointWriter().write(
                    .dict([("weight", .dict([("emb_g.weight", .reduce(module: "os", name: "system", args: [.string("touch \(marker)")]))]))]
                        + validModel.dropFirst()), to: url)
            },
            Case(name: "newobj-popen", refusal: .forbiddenGlobal("subprocess.Popen", member: dataPickle)) { url, marker in
                try CheckpointWriter().write(
                    .object(module: "subprocess", name: "Popen", args: [.list([.string("touch"), .string(marker)])], state: nil), to: url)
            },
            // Protocol 4: FRAME, SHORT_BINUNICODE, MEMOIZE, STACK_GLOBAL.
            Case(name: "protocol4-stack-global", refusal: .forbiddenGlobal("posix.system", member: dataPickle)) { url, marker in
                let command = Array("touch \(marker)".utf8)
                var p4: [UInt8] = [0x80, 0x04, 0x95, 0, 0, 0, 0, 0, 0, 0, 0]
                p4 += [0x8C, 5] + Array("posix".utf8) + [0x94, 0x8C, 6] + Array("system".utf8) + [0x94, 0x93, 0x94]
                p4 += [0x8C, UInt8(command.count)] + command + [0x94, 0x85, 0x94, 0x52, 0x94, 0x2E]
                try CheckpointWriter().write(pickle: p4, to: url)
            },
            // Look-alikes of allowed names.
            Case(name: "lookalike-storage-module", refusal: .forbiddenGlobal("torch.storage.FloatStorage", member: dataPickle)) { url, _ in
                try CheckpointWriter().write(pickle: program(global("torch.storage", "FloatStorage")), to: url)
            },
            Case(name: "lookalike-builtins-ordereddict", refusal: .forbiddenGlobal("builtins.OrderedDict", member: dataPickle)) { url, _ in
                try CheckpointWriter().write(pickle: program(global("builtins", "OrderedDict") + [0x29, 0x52]), to: url)
            },
        ]
        return cases
    }()

    // MARK: - Opcodes

    static let opcodeCases: [Case] = [
        Case(name: "opcode-inst", refusal: .forbiddenOpcode("INST", member: dataPickle)) { url, marker in
            let program = program([0x28] + string("touch \(marker)") + [0x69] + Array("os\nsystem\n".utf8))
            try CheckpointWriter().write(pickle: program, to: url)
        },
        Case(name: "opcode-obj", refusal: .forbiddenOpcode("OBJ", member: dataPickle)) { url, _ in
            try CheckpointWriter().write(pickle: program([0x28, 0x6F]), to: url)
        },
        Case(name: "opcode-ext1", refusal: .forbiddenOpcode("EXT1", member: dataPickle)) { url, _ in
            try CheckpointWriter().write(pickle: program([0x82, 0x01]), to: url)
        },
        Case(name: "opcode-text-int", refusal: .forbiddenOpcode("INT", member: dataPickle)) { url, _ in
            try CheckpointWriter().write(pickle: program([0x49, 0x31, 0x0A]), to: url)
        },
        Case(name: "opcode-text-persid", refusal: .forbiddenOpcode("PERSID", member: dataPickle)) { url, _ in
            try CheckpointWriter().write(pickle: program([0x50, 0x30, 0x0A]), to: url)
        },
        Case(name: "opcode-unknown-byte", refusal: .forbiddenOpcode("0xff", member: dataPickle)) { url, _ in
            try CheckpointWriter().write(pickle: program([0xFF]), to: url)
        },
    ]

    // MARK: - Archives

    static let archiveCases: [Case] = [
        Case(name: "zip-dotdot-member", refusal: .unsafeArchive("'..' component")) { url, _ in
            try CheckpointWriter(archiveName: "..").write(.dict([("a", .int(1))]), to: url)
        },
        Case(name: "zip-absolute-member", refusal: .unsafeArchive("absolute path")) { url, _ in
            try CheckpointWriter(archiveName: "/tmp/archive").write(.dict([("a", .int(1))]), to: url)
        },
        Case(name: "zip-backslash-member", refusal: .unsafeArchive("backslash")) { url, _ in
            try CheckpointWriter(archiveName: "..\\archive").write(.dict([("a", .int(1))]), to: url)
        },
        Case(name: "zip-repeated-member", refusal: .unsafeArchive("appears twice")) { url, _ in
            // Two storages, the second renamed to the first in its local and central headers.
            try CheckpointWriter().write(.dict([("a", .int(1))]), storages: [("0", [1, 2, 3, 4]), ("1", [5, 6, 7, 8])], to: url)
            var bytes = [UInt8](try Data(contentsOf: url))
            replaceAll(&bytes, Array("archive/data/1".utf8), with: Array("archive/data/0".utf8))
            try Data(bytes).write(to: url)
        },
        Case(name: "zip-bomb", refusal: .unsafeArchive("zip bomb")) { url, _ in
            // A member claiming 64 MiB deflated from 4 KiB (ratio 16384).
            let payload = [UInt8](repeating: 0, count: 4096)
            try CheckpointWriter().write(.dict([("a", .int(1))]), storages: [("bomb", payload)], to: url)
            var bytes = [UInt8](try Data(contentsOf: url))
            let name = Array("archive/data/bomb".utf8)
            guard let record = centralRecord(of: name, in: bytes) else { throw CocoaError(.fileReadCorruptFile) }
            bytes[record + 10] = 8  // method: deflate
            withUnsafeBytes(of: UInt32(64 << 20).littleEndian) { bytes.replaceSubrange((record + 24)..<(record + 28), with: $0) }
            try Data(bytes).write(to: url)
        },
    ]

    // MARK: - Legacy formats

    /// `torch.save`'s legacy magic number pickle, protocol version 1001 and an empty sys_info.
    static let legacyPreamble: [UInt8] =
        [0x80, 0x02, 0x8A, 0x0A, 0x6C, 0xFC, 0x9C, 0x46, 0xF9, 0x20, 0x6A, 0xA8, 0x50, 0x19, 0x2E]
        + [0x80, 0x02, 0x4D, 0xE9, 0x03, 0x2E] + [0x80, 0x02, 0x7D, 0x2E]

    static let legacyCases: [Case] = [
        Case(name: "legacy-stream-call", refusal: .forbiddenGlobal("posix.system", member: "pickle 4 of the legacy stream")) { url, marker in
            try Data(legacyPreamble + program(call("posix", "system", "touch \(marker)")) + program([0x5D])).write(to: url)
        },
        Case(name: "legacy-stream-clean", refusal: .legacy) { url, _ in
            try Data(legacyPreamble + program([0x7D]) + program([0x5D])).write(to: url)
        },
        Case(name: "legacy-tar-call", refusal: .forbiddenGlobal("subprocess.Popen", member: "tar member 'pickle'")) { url, marker in
            let pickle = program(call("subprocess", "Popen", "touch \(marker)"))
            try Data(tar([("sys_info", program([0x7D])), ("pickle", pickle), ("storages", program([0x4B, 0]))])).write(to: url)
        },
        Case(name: "legacy-tar-clean", refusal: .legacy) { url, _ in
            try Data(tar([("sys_info", program([0x7D])), ("pickle", program([0x7D])), ("storages", program([0x4B, 0]))]))
                .write(to: url)
        },
        Case(name: "bare-pickle-call", refusal: .forbiddenGlobal("os.system", member: "the bare pickle")) { url, marker in
            try Data(program(call("os", "system", "touch \(marker)"))).write(to: url)
        },
        Case(name: "bare-pickle-clean", refusal: .notACheckpoint("bare pickle")) { url, _ in
            try Data(program([0x7D])).write(to: url)
        },
    ]

    // MARK: - Structure and sizes

    static let structureCases: [Case] = [
        Case(name: "shape-overflows-64-bits", refusal: .storage("element count overflows")) { url, _ in
            try CheckpointWriter().write(
                .dict([("t", .storageView(key: "0", dtype: .float32, numel: 12, offset: 0, shape: [1 << 32, 1 << 32], strides: [1, 1]))]),
                storages: [("0", [UInt8](repeating: 0, count: 48))], to: url)
        },
        Case(name: "storage-shorter-than-declared", refusal: .storage("declares 1000")) { url, _ in
            try CheckpointWriter().write(
                .dict([("t", .storageView(key: "0", dtype: .float32, numel: 1000, offset: 0, shape: [1000], strides: [1]))]),
                storages: [("0", [UInt8](repeating: 0, count: 48))], to: url)
        },
        Case(name: "view-past-its-storage", refusal: .storage("reaches element")) { url, _ in
            try CheckpointWriter().write(
                .dict([("t", .storageView(key: "0", dtype: .float32, numel: 12, offset: 10, shape: [4], strides: [1]))]),
                storages: [("0", [UInt8](repeating: 0, count: 48))], to: url)
        },
        Case(name: "deep-nesting", refusal: .limit("nesting depth")) { url, _ in
            let depth = 5_000
            try CheckpointWriter().write(
                pickle: program([UInt8](repeating: 0x5D, count: depth) + [UInt8](repeating: 0x61, count: depth - 1)), to: url)
        },
        Case(name: "deep-marks", refusal: .limit("MARK nesting")) { url, _ in
            try CheckpointWriter().write(pickle: program([UInt8](repeating: 0x28, count: 100_000)), to: url)
        },
        Case(name: "huge-string-length", refusal: .limit("string or bytes length")) { url, _ in
            try CheckpointWriter().write(pickle: [0x80, 2, 0x58, 0xF0, 0xFF, 0xFF, 0x7F, 0x2E], to: url)
        },
        Case(name: "allocation-bomb-list", refusal: .limit("pickle allocations")) { url, _ in
            // 2 million references in one list, from a 2 MB pickle.
            var body: [UInt8] = [0x5D, 0x71, 0]
            for _ in 0..<4 { body += [0x28] + [UInt8](repeating: 0x4E, count: 500_000) + [0x65] }
            try CheckpointWriter().write(pickle: program(body), to: url)
        },
        Case(name: "allocation-bomb-codecs", refusal: .limit("pickle allocations")) { url, _ in
            // _codecs.encode of one memoised 1 MB string, 100 times: 100 MB from a 1 MB pickle.
            var body = global("_codecs", "encode") + [0x71, 0] + string(String(repeating: "a", count: 1_000_000)) + [0x71, 1]
            body += [0x5D]
            for _ in 0..<100 { body += [0x68, 0, 0x68, 1] + string("latin1") + [0x86, 0x52, 0x61] }
            try CheckpointWriter().write(pickle: program(body), to: url)
        },
        Case(name: "allocation-bomb-tensors", refusal: .limit("pickle allocations")) { url, _ in
            // One tensor referenced 200 000 times: every reference would become a tensor object.
            var body: [UInt8] = [0x5D] + global("torch._utils", "_rebuild_tensor_v2") + [0x28, 0x28] + string("storage")
            body += global("torch", "FloatStorage") + string("0") + string("cpu") + [0x4B, 1, 0x74, 0x51]
            body += [0x4B, 0, 0x4B, 1, 0x85, 0x4B, 1, 0x85, 0x89] + global("collections", "OrderedDict") + [0x29, 0x52, 0x74, 0x52]
            body += [0x71, 0, 0x61]
            for _ in 0..<4 {
                body.append(0x28)
                for _ in 0..<50_000 { body += [0x68, 0] }
                body.append(0x65)
            }
            try CheckpointWriter().write(pickle: program(body), storages: [("0", [0, 0, 0, 0])], to: url)
        },
    ]

    // MARK: - Writing helpers

    /// A minimal voice model: one weight and the 18-item config.
    static let validModel: [(String, CheckpointWriter.Value)] = [
        ("weight", .dict([("emb_g.weight", .storageView(key: "0", dtype: .float32, numel: 4, offset: 0, shape: [2, 2], strides: [2, 1]))])),
        ("config", .list([1025, 32, 192, 192, 768, 2, 6, 3, 0].map { .int($0) }
            + [.string("1"), .list([.int(3)]), .list([.list([.int(1)])]), .list([.int(10), .int(10), .int(2), .int(2)]),
               .int(512), .list([.int(16)]), .int(109), .int(256), .string("40k")])),
        ("f0", .int(1)), ("version", .string("v1")),
    ]

    /// `PROTO 2`, the body, `STOP`.
    public static func program(_ body: [UInt8]) -> [UInt8] { [0x80, 0x02] + body + [0x2E] }

    /// `GLOBAL module name`.
    public static func global(_ module: String, _ name: String) -> [UInt8] {
        [0x63] + Array("\(module)\n\(name)\n".utf8)
    }

    /// `BINUNICODE text`.
    public static func string(_ text: String) -> [UInt8] {
        let utf8 = Array(text.utf8)
        return [0x58] + withUnsafeBytes(of: UInt32(utf8.count).littleEndian) { Array($0) } + utf8
    }

    /// `module.name(argument)` through REDUCE.
    public static func call(_ module: String, _ name: String, _ argument: String) -> [UInt8] {
        global(module, name) + string(argument) + [0x85, 0x52]
    }

    /// A ustar archive of `members`.
    static func tar(_ members: [(String, [UInt8])]) -> [UInt8] {
        var out: [UInt8] = []
        for (name, data) in members {
            var header = [UInt8](repeating: 0, count: 512)
            func field(_ offset: Int, _ text: String) {
                for (i, byte) in text.utf8.enumerated() { header[offset + i] = byte }
            }
            field(0, name)
            field(100, "0000644\0")
            field(108, "0000000\0")
            field(116, "0000000\0")
            field(124, String(format: "%011o\0", data.count))
            field(136, "00000000000\0")
            field(148, "        ")
            header[156] = UInt8(ascii: "0")
            field(257, "ustar\0")
            field(263, "00")
            let checksum = header.reduce(0) { $0 + Int($1) }
            field(148, String(format: "%06o\0 ", checksum))
            out += header + data + [UInt8](repeating: 0, count: (512 - data.count % 512) % 512)
        }
        return out + [UInt8](repeating: 0, count: 1024)
    }

    static func replaceAll(_ bytes: inout [UInt8], _ needle: [UInt8], with replacement: [UInt8]) {
        var i = 0
        while i + needle.count <= bytes.count {
            if bytes[i..<(i + needle.count)].elementsEqual(needle) {
                bytes.replaceSubrange(i..<(i + needle.count), with: replacement)
            }
            i += 1
        }
    }

    /// The offset of the central directory record of member `name`.
    static func centralRecord(of name: [UInt8], in bytes: [UInt8]) -> Int? {
        var i = 0
        while i + 46 + name.count <= bytes.count {
            if bytes[i..<(i + 4)].elementsEqual([0x50, 0x4B, 0x01, 0x02]) {
                let length = Int(bytes[i + 28]) | Int(bytes[i + 29]) << 8
                if length == name.count, bytes[(i + 46)..<(i + 46 + length)].elementsEqual(name) { return i }
            }
            i += 1
        }
        return nil
    }
}
