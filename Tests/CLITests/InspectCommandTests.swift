import Foundation
import RVCBench
import RVCCore
import RVCTestSupport
import Testing

/// Runs the real `rvc` binary built next to the test bundle.
@Suite("rvc inspect")
struct InspectCommandTests {
    static let packageRoot = Fixtures.packageRoot

    static func fixture(_ name: String) -> String { Fixtures.parity(name).path }

    /// The `rvc` executable: beside the test bundle, else in the package's default build folder.
    static func binary() throws -> URL {
        var candidates: [URL] = [Bundle.main.bundleURL.deletingLastPathComponent()]
        if let executable = Bundle.main.executableURL { candidates.append(executable.deletingLastPathComponent()) }
        candidates.append(URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent())
        candidates.append(packageRoot.appendingPathComponent(".build/debug"))
        for dir in candidates {
            let url = dir.appendingPathComponent("rvc")
            if FileManager.default.isExecutableFile(atPath: url.path) { return url }
        }
        throw CocoaError(.fileNoSuchFile, userInfo: [NSFilePathErrorKey: "rvc (looked in \(candidates.map(\.path)))"])
    }

    struct Result {
        let status: Int32
        let stdout: String
        let stderr: String
    }

    static func run(_ arguments: [String]) throws -> Result {
        let process = Process()
        process.executableURL = try binary()
        process.arguments = arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(
            status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
            stderr: String(decoding: stderr, as: UTF8.self))
    }

    static func json(_ arguments: [String]) throws -> [String: Any] {
        let result = try run(arguments + ["--json"])
        #expect(result.status == 0, "\(result.stderr)")
        return try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
    }

    @Test("a voice model: kind, version, rate, f0, config, parameters, dtype and SHA-256")
    func inspectsVoiceModel() throws {
        let path = Self.fixture("v2_48k_f0.pth")
        let text = try Self.run(["inspect", path])
        #expect(text.status == 0)
        #expect(text.stdout.contains("kind: voice model"))
        #expect(text.stdout.contains("version: v2"))
        #expect(text.stdout.contains("sample rate: 48000 Hz"))
        #expect(text.stdout.contains("f0 (pitch): yes"))
        #expect(text.stdout.contains("float16 ×385"))
        // manifest.json files["v2_48k_f0.pth"].sha256_16
        #expect(text.stdout.contains("sha256: f004788cee74a45b"))
        let json = try Self.json(["inspect", path])
        #expect(json["kind"] as? String == "voice model")
        #expect(json["sampleRate"] as? Int == 48000)
        #expect(json["f0"] as? Bool == true)
        #expect(json["tensorCount"] as? Int == 385)
        #expect((json["sha256"] as? String)?.hasPrefix("f004788cee74a45b") == true)
        #expect(json["bytes"] as? Int == 353611)
        let config = try #require(json["voiceConfig"] as? [String: Any])
        #expect(config["upsampleRates"] as? [Int] == [12, 10, 2, 2])
    }

    @Test("HuBERT and RMVPE checkpoints are recognised by content")
    func inspectsHuBERTAndRMVPE() throws {
        let hubert = try Self.json(["inspect", Self.fixture("hubert_tiny_omegaconf.pt")])
        #expect(hubert["kind"] as? String == "HuBERT")
        #expect((hubert["hubertConfig"] as? [String: Any])?["embedDim"] as? Int == 64)
        #expect(hubert["tensorCount"] as? Int == 214)
        let text = try Self.run(["inspect", Self.fixture("rmvpe_tiny.pt")])
        #expect(text.status == 0)
        #expect(text.stdout.contains("kind: RMVPE"))
        #expect(text.stdout.contains("n_blocks 1"))
        #expect(text.stdout.contains("int64 ×28"))
    }

    @Test("a faiss index: type, dimension, ntotal, nlist, nprobe")
    func inspectsIndex() throws {
        let path = Self.fixture("v1_40k_f0.index")
        let text = try Self.run(["inspect", path])
        #expect(text.status == 0)
        #expect(text.stdout.contains("kind: faiss index"))
        #expect(text.stdout.contains("index type: IwFl"))
        #expect(text.stdout.contains("nlist: 51"))
        #expect(text.stdout.contains("nprobe: 1"))
        let json = try Self.json(["inspect", path])
        let index = try #require(json["index"] as? [String: Any])
        #expect(index["dimension"] as? Int == 16)
        #expect(index["ntotal"] as? Int == 2000)
        #expect(index["nlist"] as? Int == 51)
    }

    @Test("garbage and missing files exit non-zero with a message naming the file")
    func refusesBadFiles() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("rvc-inspect-\(UUID())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let garbage = dir.appendingPathComponent("garbage.pth")
        try Data((0..<2000).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }).write(to: garbage)
        let truncated = dir.appendingPathComponent("cut.pth")
        try Data(try Data(contentsOf: URL(fileURLWithPath: Self.fixture("v1_40k_f0.pth"))).prefix(5000)).write(to: truncated)
        for url in [garbage, truncated, dir.appendingPathComponent("absent.pth")] {
            for extra in [[], ["--json"]] {
                let result = try Self.run(["inspect", url.path] + extra)
                #expect(result.status != 0)
                #expect(result.stderr.contains(url.path), "stderr: \(result.stderr)")
            }
        }
    }

    /// One corpus file of each kind of refusal (the whole corpus goes through every reader in
    /// HostileCheckpointTests; each process here pays for loading LibTorch).
    static let hostileSample: Set<String> = [
        "reduce-posix.system", "nested-getattr-import", "extra-key-in-valid-model", "protocol4-stack-global", "opcode-inst",
        "opcode-unknown-byte", "zip-dotdot-member", "zip-bomb", "legacy-stream-call", "legacy-tar-call", "bare-pickle-clean",
        "shape-overflows-64-bits", "allocation-bomb-tensors",
    ]

    @Test("hostile files of every kind: exit non-zero, the refusal naming what and where, no kind printed")
    func refusesHostileFiles() throws {
        let dir = try TemporaryDirectory()
        let marker = dir.file("pwned")
        for (item, url) in try HostileCheckpoints.write(into: dir.url, marker: marker) where Self.hostileSample.contains(item.name) {
            let result = try Self.run(["inspect", url.path, "--no-hash"])
            #expect(result.status != 0, "\(item.name): exit \(result.status), stdout \(result.stdout)")
            #expect(!result.stdout.contains("kind:"), "\(item.name): \(result.stdout)")
            for fragment in item.refusal.fragments + [url.path] {
                #expect(result.stderr.contains(fragment), "\(item.name): '\(fragment)' not in \(result.stderr)")
            }
        }
        // The example of the report: REDUCE of posix.system used to print "unknown PyTorch checkpoint".
        let json = try Self.run(["inspect", dir.file("reduce-posix.system.pth").path, "--json"])
        #expect(json.status != 0 && json.stdout.isEmpty)
        #expect(json.stderr.contains("names the global 'posix.system'") && json.stderr.contains("archive/data.pkl"), "\(json.stderr)")
        #expect(!FileManager.default.fileExists(atPath: marker.path))
    }

    @Test("an unknown but harmless checkpoint is still reported as unknown")
    func harmlessUnknownCheckpoint() throws {
        let dir = try TemporaryDirectory()
        let url = dir.file("plain.pt")
        try CheckpointWriter().write(
            .orderedDict([("step", .int(3)), ("w", .tensor(try Tensor([Float](repeating: 1, count: 4), shape: [2, 2])))]), to: url)
        let result = try Self.run(["inspect", url.path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("kind: unknown PyTorch checkpoint"))
        #expect(result.stdout.contains("top-level keys: step, w"))
    }
}
