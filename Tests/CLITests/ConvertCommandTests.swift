import Foundation
import RVCBench
import RVCTestSupport
import Testing

/// Runs the real `rvc convert` on the parity fixtures.
@Suite("rvc convert", .serialized)
struct ConvertCommandTests {
    struct Case: Sendable, CustomStringConvertible {
        let name: String
        let index: Bool
        let key: Int
        let indexRate: Double
        let sampleRate: Int
        var description: String { name }
    }

    /// The cases of `Tests/Fixtures/parity/manifest.json`.
    static func cases() throws -> [Case] {
        let data = try Data(contentsOf: URL(fileURLWithPath: InspectCommandTests.fixture("manifest.json")))
        let root = try JSONSerialization.jsonObject(with: data) as? [String: Any]
        let cases = root?["cases"] as? [String: [String: Any]] ?? [:]
        return cases.keys.sorted().compactMap { name in
            guard let c = cases[name] else { return nil }
            return Case(
                name: name, index: c["index"] != nil, key: c["f0_up_key"] as? Int ?? 0,
                indexRate: c["index_rate"] as? Double ?? 0, sampleRate: c["tgt_sr"] as? Int ?? 0)
        }
    }

    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("rvc-convert-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    static func fixtureArguments(_ c: Case, input: URL, output: URL) -> [String] {
        var arguments = ["convert", input.path, "-m", InspectCommandTests.fixture("\(c.name).pth")]
        if c.index { arguments += ["-i", InspectCommandTests.fixture("\(c.name).index")] }
        arguments += [
            "-o", output.path, "--hubert", InspectCommandTests.fixture("hubert_tiny.pt"),
            "--rmvpe", InspectCommandTests.fixture("rmvpe_tiny.pt"), "--pitch", "\(c.key)",
            "--index-rate", "\(c.indexRate)", "--deterministic", "--device", "cpu", "--precision", "fp32",
        ]
        return arguments
    }

    @Test("every fixture case through the binary gives the reference int16 output (≥ 60 dB SNR, exact length)",
          arguments: try! cases())
    func matchesReference(c: Case) throws {
        let dir = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let input = dir.appendingPathComponent("in.wav")
        let output = dir.appendingPathComponent("out.wav")
        let samples = try NPYArray(contentsOf: URL(fileURLWithPath: InspectCommandTests.fixture("\(c.name)_input16k.npy"))).floats()
        try WAVFile.writeFloat(samples, sampleRate: 16000, to: input)
        let run = try InspectCommandTests.run(
            Self.fixtureArguments(c, input: input, output: output) + ["--format", "wav", "--sample-rate", "native", "--json"])
        #expect(run.status == 0, "\(run.stderr)")
        let wav = try WAVFile.readPCM16(output)
        #expect(wav.format == 1 && wav.channels == 1 && wav.bits == 16 && wav.sampleRate == c.sampleRate)
        let expected = try NPYArray(contentsOf: URL(fileURLWithPath: InspectCommandTests.fixture("\(c.name)_output.npy"))).doubles()
        #expect(wav.samples.count == expected.count)
        let snr = ParityMetrics.snr(wav.samples.map(Double.init), reference: expected)
        print("rvc convert \(c.name): SNR \(String(format: "%.2f", snr)) dB")
        #expect(snr >= 60, "SNR \(snr) dB")
        let summary = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        #expect(summary["output"] as? String == output.path)
        #expect(summary["model_sample_rate"] as? Int == c.sampleRate)
        let timings = try #require(summary["timings"] as? [String: Any])
        for key in ["pitch", "features", "index", "synthesis", "total"] { #expect(timings[key] is Double, "\(key)") }
    }

    @Test("the default output is 48 kHz Ogg Opus chosen from the extension")
    func defaultOggOutput() throws {
        let dir = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let c = try #require(try Self.cases().first { $0.name == "v2_32k_nof0" })
        let input = dir.appendingPathComponent("in.wav")
        let output = dir.appendingPathComponent("out.ogg")
        let samples = try NPYArray(contentsOf: URL(fileURLWithPath: InspectCommandTests.fixture("\(c.name)_input16k.npy"))).floats()
        try WAVFile.writeFloat(Array(samples.prefix(16000)), sampleRate: 16000, to: input)
        let run = try InspectCommandTests.run(Self.fixtureArguments(c, input: input, output: output) + ["--json"])
        #expect(run.status == 0, "\(run.stderr)")
        let bytes = try Data(contentsOf: output)
        #expect(bytes.prefix(4) == Data("OggS".utf8))
        #expect(bytes.range(of: Data("OpusHead".utf8)) != nil)
        let summary = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        #expect(summary["output_sample_rate"] as? Int == 48000 && summary["format"] as? String == "ogg")
    }

    @Test("a silent clip converts to silence")
    func silence() throws {
        let dir = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let c = try #require(try Self.cases().first { $0.name == "v2_48k_f0" })
        let input = dir.appendingPathComponent("in.wav")
        let output = dir.appendingPathComponent("out.wav")
        try WAVFile.writeFloat([Float](repeating: 0, count: 24000), sampleRate: 16000, to: input)
        let run = try InspectCommandTests.run(
            Self.fixtureArguments(c, input: input, output: output) + ["--sample-rate", "native", "--quiet"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.isEmpty)
        let wav = try WAVFile.readPCM16(output)
        #expect(wav.samples.count > 0 && wav.samples.allSatisfy { $0 == 0 })
    }

    @Test("audio too short to convert fails with a clear message and writes nothing")
    func tooShort() throws {
        let dir = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let c = try #require(try Self.cases().first { $0.name == "v2_48k_f0" })
        let input = dir.appendingPathComponent("in.wav")
        let output = dir.appendingPathComponent("out.wav")
        try WAVFile.writeFloat([Float](repeating: 0.1, count: 100), sampleRate: 16000, to: input)
        let run = try InspectCommandTests.run(Self.fixtureArguments(c, input: input, output: output))
        #expect(run.status != 0)
        #expect(run.stderr.contains("too short") && run.stderr.contains("400"), "\(run.stderr)")
        #expect(!FileManager.default.fileExists(atPath: output.path))
    }

    @Test("out-of-range options are rejected naming the flag", arguments: [
        (["--pitch", "30"], "--pitch"), (["--index-rate", "1.5"], "--index-rate"), (["--protect", "0.7"], "--protect"),
        (["--rms-mix-rate", "-1"], "--rms-mix-rate"), (["--speaker", "100000"], "--speaker"), (["--device", "gpu"], "--device"),
        (["--precision", "fp8"], "--precision"), (["--format", "aiff"], "--format"), (["--sample-rate", "fast"], "--sample-rate"),
        (["--bitrate", "1M"], "--bitrate"),
    ])
    func invalidOptions(extra: [String], flag: String) throws {
        let dir = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let c = try #require(try Self.cases().first { $0.name == "v2_32k_nof0" })
        let input = dir.appendingPathComponent("in.wav")
        let output = dir.appendingPathComponent("out.wav")
        try WAVFile.writeFloat([Float](repeating: 0.1, count: 4000), sampleRate: 16000, to: input)
        let run = try InspectCommandTests.run(Self.fixtureArguments(c, input: input, output: output) + extra)
        #expect(run.status != 0)
        #expect(run.stderr.contains(flag), "\(run.stderr)")
        #expect(!FileManager.default.fileExists(atPath: output.path))
    }

    @Test("--precision fp16 and bf16 convert on the CPU with --device auto", arguments: ["fp16", "bf16"])
    func halfPrecision(precision: String) throws {
        let dir = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let c = try #require(try Self.cases().first { $0.name == "v2_32k_nof0" })
        let input = dir.appendingPathComponent("in.wav")
        let output = dir.appendingPathComponent("out.wav")
        try WAVFile.writeFloat((0..<16000).map { Float(0.2 * sin(Double($0) * 0.05)) }, sampleRate: 16000, to: input)
        let run = try InspectCommandTests.run(
            Self.fixtureArguments(c, input: input, output: output) + ["--precision", precision, "--device", "auto", "--cudnn-benchmark"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(FileManager.default.fileExists(atPath: output.path))
    }

    @Test("a missing model file is an error naming the file")
    func missingModel() throws {
        let dir = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let input = dir.appendingPathComponent("in.wav")
        try WAVFile.writeFloat([Float](repeating: 0.1, count: 4000), sampleRate: 16000, to: input)
        let missing = dir.appendingPathComponent("nope.pth").path
        let run = try InspectCommandTests.run([
            "convert", input.path, "-m", missing, "-o", dir.appendingPathComponent("o.wav").path,
            "--hubert", InspectCommandTests.fixture("hubert_tiny.pt"), "--rmvpe", InspectCommandTests.fixture("rmvpe_tiny.pt"),
        ])
        #expect(run.status != 0)
        #expect(run.stderr.contains("nope.pth"), "\(run.stderr)")
    }

    @Test("hostile model files are refused before anything runs, naming what and where, and write nothing",
          arguments: ["reduce-posix.system", "opcode-inst", "legacy-stream-call", "zip-bomb", "allocation-bomb-tensors"])
    func refusesHostileModels(name: String) throws {
        let dir = try TemporaryDirectory()
        let marker = dir.file("pwned")
        let files = try HostileCheckpoints.write(into: dir.url, marker: marker)
        let (item, model) = try #require(files.first { $0.0.name == name })
        let input = dir.file("in.wav")
        try WAVFile.writeFloat([Float](repeating: 0.1, count: 16_000), sampleRate: 16000, to: input)
        let output = dir.file("out.wav")
        let run = try InspectCommandTests.run([
            "convert", input.path, "-m", model.path, "-o", output.path,
            "--hubert", InspectCommandTests.fixture("hubert_tiny.pt"), "--rmvpe", InspectCommandTests.fixture("rmvpe_tiny.pt"),
        ])
        #expect(run.status != 0)
        for fragment in item.refusal.fragments + [model.path] {
            #expect(run.stderr.contains(fragment), "'\(fragment)' not in \(run.stderr)")
        }
        #expect(!FileManager.default.fileExists(atPath: output.path))
        #expect(!FileManager.default.fileExists(atPath: marker.path))
    }
}
