import Foundation
import RVCTestSupport
import Testing
import RVCBench
@testable import RVCCore

/// Files crafted to attack a loader: each must give a clear typed error naming what is wrong and
/// where, and must never run anything.
@Suite("Hostile checkpoints")
struct HostileCheckpointTests {
    private func expectError(_ url: URL, _ body: (URL) throws -> Void, matching: (CheckpointError) -> Bool) {
        do {
            try body(url)
            Issue.record("\(url.lastPathComponent) loaded without error")
        } catch let error as CheckpointError {
            #expect(matching(error), "unexpected error: \(error)")
            #expect(error.description.contains(url.path), "message does not name the file: \(error)")
        } catch {
            Issue.record("untyped error \(error)")
        }
    }

    /// Every reader of model files, as `rvc inspect`, `rvc convert` and the worker use them.
    static let entryPoints: [(String, @Sendable (URL) throws -> Void)] = [
        ("TorchCheckpoint", { _ = try TorchCheckpoint.load($0) }),
        ("VoiceModelFile", { _ = try VoiceModelFile.load($0) }),
        ("HuBERTCheckpoint", { _ = try HuBERTCheckpoint.load($0) }),
        ("RMVPECheckpoint", { _ = try RMVPECheckpoint.load($0) }),
        ("ModelFileReport", { _ = try ModelFileReport.inspect($0, hash: false) }),
    ]

    @Test("every file of the hostile corpus is refused by every reader, naming what and where; nothing runs")
    func corpusIsRefusedEverywhere() throws {
        let dir = try TemporaryDirectory()
        let marker = dir.file("pwned")
        for (item, url) in try HostileCheckpoints.write(into: dir.url, marker: marker) {
            for (reader, load) in Self.entryPoints {
                do {
                    try load(url)
                    Issue.record("\(item.name): \(reader) accepted it")
                } catch let error as CheckpointError {
                    #expect(item.refusal.matches(error), "\(item.name) via \(reader): \(error)")
                    for fragment in item.refusal.fragments + [url.path] {
                        #expect(error.description.contains(fragment), "\(item.name) via \(reader): '\(fragment)' not in \(error)")
                    }
                } catch {
                    Issue.record("\(item.name) via \(reader): untyped error \(error)")
                }
            }
        }
        #expect(!FileManager.default.fileExists(atPath: marker.path), "a command from the corpus was executed")
    }

    @Test("the refusal names the pickle's archive member, whatever the archive is called")
    func refusalNamesTheMember() throws {
        let dir = try TemporaryDirectory()
        let url = dir.file("named.pth")
        try CheckpointWriter(archiveName: "my_voice").write(.reduce(module: "posix", name: "system", args: [.string("id")]), to: url)
        #expect(throws: CheckpointError.forbiddenGlobal(file: url.path, member: "my_voice/data.pkl", offset: 2, global: "posix.system")) {
            _ = try TorchCheckpoint.load(url)
        }
    }

    @Test("names from the file are printed with control characters escaped")
    func namesAreEscaped() throws {
        let dir = try TemporaryDirectory()
        let url = dir.file("escape.pth")
        try CheckpointWriter().write(pickle: HostileCheckpoints.program(HostileCheckpoints.global("os\u{1B}[2J", "system")), to: url)
        do {
            _ = try TorchCheckpoint.load(url)
            Issue.record("loaded")
        } catch let error as CheckpointError {
            #expect(error.description.contains("'os\\u{1b}[2J.system'"), "\(error)")
            #expect(!error.description.contains("\u{1B}"))
        }
    }

    @Test("the allow-listed data classes still load as inert objects")
    func dataClassesLoad() throws {
        let dir = try TemporaryDirectory()
        let url = dir.file("namespace.pt")
        try CheckpointWriter().write(
            .dict([("args", .object(module: "argparse", name: "Namespace", args: [], state: .dict([("x", .int(3))])))]), to: url)
        guard case .object(let object)? = try TorchCheckpoint.load(url).root["args"] else {
            Issue.record("args is not an inert object")
            return
        }
        #expect(object.qualifiedName == "argparse.Namespace")
        #expect(object.attribute("x")?.intValue == 3)
    }

    @Test("pickle allocations are bounded: the default limit refuses a million references, a lower one less")
    func allocationLimit() throws {
        let dir = try TemporaryDirectory()
        // 2 million references to None in one list, from a 2 MB pickle: over the default 64 MiB.
        var body: [UInt8] = [0x5D]
        for _ in 0..<4 { body += [0x28] + [UInt8](repeating: 0x4E, count: 500_000) + [0x65] }
        let bomb = dir.file("bomb.pt")
        try CheckpointWriter().write(pickle: HostileCheckpoints.program(body), to: bomb)
        #expect(throws: CheckpointError.limitExceeded(
            file: bomb.path, what: "pickle allocations in bytes", limit: PickleLimits.default.maxAllocatedBytes)) {
            _ = try TorchCheckpoint.load(bomb)
        }
        // 10 000 references pass the default, and not a 100 kB limit.
        let small = dir.file("small.pt")
        try CheckpointWriter().write(
            pickle: HostileCheckpoints.program([0x5D, 0x28] + [UInt8](repeating: 0x4E, count: 10_000) + [0x65]), to: small)
        #expect(try TorchCheckpoint.load(small).root.elements?.count == 10_000)
        var limits = PickleLimits()
        limits.maxAllocatedBytes = 100_000
        #expect(throws: CheckpointError.limitExceeded(file: small.path, what: "pickle allocations in bytes", limit: 100_000)) {
            _ = try TorchCheckpoint.load(small, limits: limits)
        }
        // The fixtures need a small fraction of the default.
        limits.maxAllocatedBytes = 4 << 20
        for name in ["hubert_tiny_omegaconf.pt", "rmvpe_tiny.pt", "v2_48k_f0.pth"] {
            _ = try TorchCheckpoint.load(Fixtures.parity(name), limits: limits)
        }
    }

    @Test("truncated archives are refused with a typed error")
    func truncatedArchives() throws {
        let dir = try TemporaryDirectory()
        let bytes = [UInt8](try Data(contentsOf: Fixtures.parity("v1_40k_f0.pth")))
        for length in [0, 3, 4, 100, 4096, bytes.count / 2, bytes.count - 23, bytes.count - 1] {
            let url = try dir.write(Array(bytes.prefix(length)), "cut-\(length).pth")
            expectError(url, { _ = try TorchCheckpoint.load($0) }) {
                switch $0 {
                case .corruptArchive, .notACheckpoint: return true
                default: return false
                }
            }
        }
    }

    @Test("an archive without data.pkl is refused, naming the entry")
    func missingDataPickle() throws {
        let dir = try TemporaryDirectory()
        let url = dir.file("nopkl.pth")
        try CheckpointWriter().write(.dict([("a", .int(1))]), to: url)
        var bytes = [UInt8](try Data(contentsOf: url))
        let needle = Array("data.pkl".utf8)
        var i = 0
        while i + needle.count <= bytes.count {
            if Array(bytes[i..<(i + needle.count)]) == needle { bytes[i + 7] = UInt8(ascii: "x") }
            i += 1
        }
        let broken = try dir.write(bytes, "nopkl2.pth")
        expectError(broken, { _ = try TorchCheckpoint.load($0) }) {
            if case .missingEntry(_, let entry) = $0 { return entry.hasSuffix("data.pkl") } else { return false }
        }
    }

    @Test("a compressed entry is refused")
    func compressedEntry() throws {
        let dir = try TemporaryDirectory()
        let url = dir.file("deflate.pth")
        try CheckpointWriter().write(.dict([("a", .int(1))]), to: url)
        var bytes = [UInt8](try Data(contentsOf: url))
        // Set the compression method of every central-directory record to 8 (deflate).
        var i = 0
        while i + 12 <= bytes.count {
            if bytes[i..<(i + 4)] == [0x50, 0x4B, 0x01, 0x02] { bytes[i + 10] = 8 }
            i += 1
        }
        let broken = try dir.write(bytes, "deflate2.pth")
        expectError(broken, { _ = try TorchCheckpoint.load($0) }) {
            if case .corruptArchive(_, let message) = $0 { return message.contains("compressed") } else { return false }
        }
    }

    @Test("storages pointing past their payload are refused")
    func storagesOutOfBounds() throws {
        let dir = try TemporaryDirectory()
        let payload = [UInt8](repeating: 0, count: 48)  // 12 floats
        let views: [(String, CheckpointWriter.Value)] = [
            ("offset", .storageView(key: "0", dtype: .float32, numel: 12, offset: 10, shape: [4], strides: [1])),
            ("stride", .storageView(key: "0", dtype: .float32, numel: 12, offset: 0, shape: [3, 4], strides: [5, 1])),
            ("numel", .storageView(key: "0", dtype: .float32, numel: 1000, offset: 0, shape: [4], strides: [1])),
            ("huge", .storageView(key: "0", dtype: .float32, numel: 12, offset: 0, shape: [1 << 40, 1 << 40], strides: [1 << 40, 1])),
            ("broadcast", .storageView(key: "0", dtype: .float32, numel: 12, offset: 0, shape: [1 << 40], strides: [0])),
            ("negative", .storageView(key: "0", dtype: .float32, numel: 12, offset: -1, shape: [2], strides: [1])),
            ("dtype", .storageView(key: "0", dtype: .float64, numel: 12, offset: 0, shape: [12], strides: [1])),
        ]
        for (name, view) in views {
            let url = dir.file("\(name).pt")
            try CheckpointWriter().write(.dict([("t", view)]), storages: [("0", payload)], to: url)
            expectError(url, { _ = try TorchCheckpoint.load($0) }) {
                if case .storage(_, "0", _) = $0 { return true } else { return false }
            }
        }
        let missing = dir.file("missing.pt")
        try CheckpointWriter().write(
            .dict([("t", .storageView(key: "7", dtype: .float32, numel: 1, offset: 0, shape: [1], strides: [1]))]),
            to: missing)
        expectError(missing, { _ = try TorchCheckpoint.load($0) }) {
            if case .missingEntry(_, let entry) = $0 { return entry.hasSuffix("data/7") } else { return false }
        }
    }

    /// Writes a raw pickle program into an otherwise valid archive and loads it.
    private func loadPickle(_ program: [UInt8], _ dir: TemporaryDirectory, _ name: String) throws -> URL {
        let url = dir.file(name)
        try CheckpointWriter().write(pickle: program, to: url)
        return url
    }

    @Test("absurd declared sizes, deep nesting and bad programs hit typed limits")
    func absurdPickles() throws {
        let dir = try TemporaryDirectory()
        let cases: [(String, [UInt8], (CheckpointError) -> Bool)] = [
            ("long-string", [0x80, 2, 0x58, 0xF0, 0xFF, 0xFF, 0x7F, 0x2E], { if case .limitExceeded = $0 { return true }; return false }),
            ("short-string", [0x80, 2, 0x58, 0x10, 0, 0, 0, 0x41, 0x2E], { if case .pickle = $0 { return true }; return false }),
            ("long4", [0x80, 2, 0x8B, 0xFF, 0xFF, 0xFF, 0x7F, 0x2E], { if case .limitExceeded = $0 { return true }; return false }),
            ("deep-lists", [0x80, 2] + [UInt8](repeating: 0x5D, count: 5000) + [UInt8](repeating: 0x61, count: 4999) + [0x2E],
             { if case .limitExceeded(_, let what, _) = $0 { return what.contains("depth") }; return false }),
            ("many-marks", [0x80, 2] + [UInt8](repeating: 0x28, count: 100_000) + [0x2E],
             { if case .limitExceeded = $0 { return true }; return false }),
            ("rank", [0x80, 2, 0x28] + [UInt8](repeating: 0x4E, count: 2) + [0x74, 0x2E], { _ in false }),
            ("unknown-opcode", [0x80, 2, 0xFF, 0x2E], { if case .forbiddenOpcode(_, "archive/data.pkl", 2, let o) = $0 { return o.contains("0xff") }; return false }),
            ("undefined-memo", [0x80, 2, 0x68, 9, 0x2E], { if case .pickle = $0 { return true }; return false }),
            ("build-on-int", [0x80, 2, 0x4B, 1, 0x4E, 0x62, 0x2E], { if case .pickle = $0 { return true }; return false }),
            ("no-stop", [0x80, 2, 0x4E], { if case .pickle = $0 { return true }; return false }),
            ("underflow", [0x80, 2, 0x73, 0x2E], { if case .pickle = $0 { return true }; return false }),
            ("setitem-on-int", [0x80, 2, 0x4B, 1, 0x4B, 1, 0x4B, 1, 0x73, 0x2E], { if case .pickle = $0 { return true }; return false }),
            ("text-protocol", [0x80, 2, 0x49, 0x31, 0x0A, 0x2E], { if case .forbiddenOpcode(_, _, 2, "INT (0x49)") = $0 { return true }; return false }),
            ("bad-persid", [0x80, 2, 0x4B, 1, 0x51, 0x2E], { if case .pickle = $0 { return true }; return false }),
        ]
        for (name, program, matches) in cases where name != "rank" {
            let url = try loadPickle(program, dir, "\(name).pt")
            expectError(url, { _ = try TorchCheckpoint.load($0) }, matching: matches)
        }
        // A tensor of rank 100.
        let rank = dir.file("rank.pt")
        try CheckpointWriter().write(
            .dict([("t", .storageView(key: "0", dtype: .uint8, numel: 1, offset: 0, shape: Array(repeating: 1, count: 100), strides: Array(repeating: 1, count: 100)))]),
            storages: [("0", [0])], to: rank)
        expectError(rank, { _ = try TorchCheckpoint.load($0) }) {
            if case .limitExceeded(_, let what, _) = $0 { return what.contains("rank") } else { return false }
        }
    }

    @Test("exponentially shared references decode in linear time")
    func sharedReferencesAreLinear() throws {
        let dir = try TemporaryDirectory()
        // x = None; 200 times: x = (x, x). A naive tree expansion would need 2^200 nodes.
        var program: [UInt8] = [0x80, 2, 0x4E]
        for _ in 0..<100 { program += [0x71, 0, 0x68, 0, 0x86] }
        program += [0x2E]
        let url = try loadPickle(program, dir, "shared.pt")
        let start = ContinuousClock.now
        let root = try TorchCheckpoint.load(url).root
        #expect(ContinuousClock.now - start < .seconds(10))  // exponential expansion would never finish
        #expect(root.elements?.count == 2)
    }

    @Test("garbage, empty files, directories and legacy checkpoints give clear errors")
    func garbageAndLegacy() throws {
        let dir = try TemporaryDirectory()
        var rng = SplitMix64(seed: 7)
        let garbage = try dir.write((0..<4096).map { _ in UInt8(truncatingIfNeeded: rng.next()) }, "garbage.pth")
        expectError(garbage, { _ = try TorchCheckpoint.load($0) }) {
            if case .notACheckpoint = $0 { return true } else { return false }
        }
        let zipGarbage = try dir.write([0x50, 0x4B, 0x03, 0x04] + (0..<4096).map { _ in UInt8(truncatingIfNeeded: rng.next()) }, "zipgarbage.pth")
        expectError(zipGarbage, { _ = try TorchCheckpoint.load($0) }) {
            if case .corruptArchive = $0 { return true } else { return false }
        }
        let empty = try dir.write([], "empty.pth")
        expectError(empty, { _ = try TorchCheckpoint.load($0) }) {
            if case .notACheckpoint = $0 { return true } else { return false }
        }
        expectError(dir.url, { _ = try TorchCheckpoint.load($0) }) {
            if case .io = $0 { return true } else { return false }
        }
        expectError(dir.file("absent.pth"), { _ = try TorchCheckpoint.load($0) }) {
            if case .io = $0 { return true } else { return false }
        }
        let legacy = try dir.write(TorchCheckpoint.legacyMagic + [0x2E], "legacy.pth")
        expectError(legacy, { _ = try TorchCheckpoint.load($0) }) {
            guard case .legacyFormat = $0 else { return false }
            return $0.description.contains("torch.save(torch.load(f, weights_only=True), f)")
        }
    }

    @Test("malformed voice-model structure names the field")
    func voiceModelStructure() throws {
        let dir = try TemporaryDirectory()
        let t = CheckpointWriter.Value.tensor(try Tensor([Float](repeating: 0, count: 4), shape: [2, 2]))
        let good18: [CheckpointWriter.Value] = [1025, 32, 192, 192, 768, 2, 6, 3, 0].map { .int($0) }
            + [.string("1"), .list([.int(3)]), .list([.list([.int(1)])]), .list([.int(10), .int(10), .int(2), .int(2)]),
               .int(512), .list([.int(16)]), .int(109), .int(256), .string("40k")]
        let cases: [(String, CheckpointWriter.Value, String)] = [
            ("noweight", .dict([("config", .list(good18))]), "weight"),
            ("noconfig", .dict([("weight", .dict([("emb_g.weight", t)]))]), "config"),
            ("short", .dict([("weight", .dict([("emb_g.weight", t)])), ("config", .list(Array(good18.prefix(17))))]), "config"),
            ("badrate", .dict([("weight", .dict([("emb_g.weight", t)])), ("config", .list(Array(good18.prefix(17)) + [.string("44k")]))]), "config[17]"),
            ("badversion", .dict([("weight", .dict([("emb_g.weight", t)])), ("config", .list(good18)), ("version", .string("v9"))]), "version"),
            ("notdict", .list([]), "<top level>"),
        ]
        for (name, root, field) in cases {
            let url = dir.file("\(name).pth")
            try CheckpointWriter().write(root, to: url)
            expectError(url, { _ = try VoiceModelFile.load($0) }) {
                if case .structure(_, let f, _) = $0 { return f == field } else { return false }
            }
        }
        // "40k" and an integer dropout are accepted; a missing emb_g is a WeightError naming the key.
        let ok = dir.file("ok.pth")
        try CheckpointWriter().write(.dict([("weight", .dict([("emb_g.weight", t)])), ("config", .list(good18))]), to: ok)
        let model = try VoiceModelFile.load(ok)
        #expect(model.sampleRate == 40000)
        #expect(model.version == .v1 && model.hasPitch)
        #expect(model.speakerCount == 2)
        let noEmbedding = dir.file("noemb.pth")
        try CheckpointWriter().write(.dict([("weight", .dict([("x", t)])), ("config", .list(good18))]), to: noEmbedding)
        #expect(throws: WeightError.missing(key: "emb_g.weight", source: noEmbedding.path)) {
            _ = try VoiceModelFile.load(noEmbedding)
        }
    }
}
