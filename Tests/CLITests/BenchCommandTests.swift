import Foundation
import Testing

/// Runs the real `rvc bench` once, small: full-size random-weight models, one second of input.
@Suite("rvc bench", .serialized)
struct BenchCommandTests {
    @Test("writes the full-size models once, converts, measures a cold start and reports JSON")
    func reportsAMeasurement() async throws {
        let folder = try ConvertCommandTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let models = folder.appendingPathComponent("models")
        let report = folder.appendingPathComponent("report.json")
        let result = try await RVCBinary.run(
            ["bench", "--models", models.path, "--durations", "1", "--repetitions", "1", "--threads", "1",
             "--cold-runs", "1", "--report", report.path, "--plot", folder.appendingPathComponent("bench.svg").path],
            timeout: .seconds(900))
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("writing"))

        let json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: report)) as? [String: Any])
        // The picture, and the same picture drawn again from the saved report.
        let svg = try String(contentsOf: folder.appendingPathComponent("bench.svg"), encoding: .utf8)
        #expect(svg.hasPrefix("<svg") && svg.contains("1 s, 1 thread<"))
        let redrawn = folder.appendingPathComponent("again.svg")
        let plot = try await RVCBinary.run(["bench", "plot", report.path, "-o", redrawn.path])
        #expect(plot.status == 0, "\(plot.stderr)")
        #expect(try String(contentsOf: redrawn, encoding: .utf8) == svg)
        let files = try #require(json["models"] as? [String: [String: Any]])
        // Production sizes: float16 HuBERT base and RMVPE, a float16 v2 48 kHz voice, 40 000 × 768 vectors.
        let sizes = files.mapValues { ($0["bytes"] as? Int) ?? 0 }
        #expect((185_000_000...195_000_000).contains(sizes["hubert"] ?? 0))
        #expect((175_000_000...185_000_000).contains(sizes["rmvpe"] ?? 0))
        #expect((50_000_000...60_000_000).contains(sizes["voice"] ?? 0))
        #expect((122_000_000...130_000_000).contains(sizes["index"] ?? 0))
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: models.path).filter { $0.hasSuffix(".partial") }
        #expect(leftovers.isEmpty)

        let runs = try #require(json["runs"] as? [[String: Any]])
        let run = try #require(runs.first)
        #expect(run["input_seconds"] as? Double == 1)
        #expect(run["threads"] as? Int == 1)
        let median = try #require(run["median"] as? [String: Double])
        let total = try #require(median["total"])
        #expect(total > 0)
        #expect((median["synthesis"] ?? 0) > 0 && (median["pitch"] ?? 0) > 0 && (median["features"] ?? 0) > 0)
        #expect(abs((run["real_time_factor"] as? Double ?? 0) - total) < 1e-9)
        #expect((run["peak_resident_bytes"] as? Int ?? 0) > 500_000_000)
        // End to end: an MP3 song decoded, converted and encoded as Ogg Opus, its length checked.
        let endToEnd = try #require(run["end_to_end"] as? [String: Any])
        let decode = try #require(endToEnd["decode"] as? Double)
        let encode = try #require(endToEnd["encode"] as? Double)
        let whole = try #require(endToEnd["total"] as? Double)
        #expect(decode > 0 && encode > 0 && whole >= total + decode + encode - 1e-6)
        #expect(abs((run["end_to_end_speed"] as? Double ?? 0) - 1 / whole) < 1e-9)
        #expect(run["output_length_verified"] as? Bool == true)
        #expect(run["peak_gpu_allocated_bytes"] == nil)

        let cold = try #require(json["cold_start"] as? [String: Any])
        let ready = try #require(cold["ready_seconds"] as? Double)
        let command = try #require(cold["command_seconds"] as? Double)
        #expect(ready > 0 && ready < command)

        // A second run reuses the models.
        let again = try await RVCBinary.run(
            ["bench", "--models", models.path, "--durations", "1", "--repetitions", "1", "--threads", "1", "--cold-runs", "0"],
            timeout: .seconds(600))
        #expect(again.status == 0, "\(again.stderr)")
        #expect(!again.stderr.contains("writing"))
        let second = try #require(try JSONSerialization.jsonObject(with: Data(again.stdout.utf8)) as? [String: Any])
        #expect(second["cold_start"] == nil)

        // Models of another writer version are written again, and the new stamp recorded.
        let stamp = models.appendingPathComponent("writer-version")
        #expect((try? String(contentsOf: stamp, encoding: .utf8)) != nil)
        try Data("1".utf8).write(to: stamp)
        let third = try await RVCBinary.run(
            ["bench", "--models", models.path, "--durations", "1", "--repetitions", "1", "--threads", "1", "--cold-runs", "0"],
            timeout: .seconds(900))
        #expect(third.status == 0, "\(third.stderr)")
        #expect(third.stderr.contains("models of writer version 1"), "\(third.stderr)")
        #expect(third.stderr.contains("writing"))
        #expect((try? String(contentsOf: stamp, encoding: .utf8)) != "1")
    }

    @Test("rvc bench plot draws a saved report; a file that is not one is an error naming it")
    func plotsASavedReport() async throws {
        let folder = try ConvertCommandTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let bad = folder.appendingPathComponent("bad.json")
        try Data("{\"hello\": 1}".utf8).write(to: bad)
        let out = folder.appendingPathComponent("bench.svg")
        let refused = try await RVCBinary.run(["bench", "plot", bad.path, "-o", out.path])
        #expect(refused.status != 0 && refused.stderr.contains("bad.json"), "\(refused.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out.path))
        let missing = try await RVCBinary.run(["bench", "plot", folder.appendingPathComponent("none.json").path, "-o", out.path])
        #expect(missing.status != 0 && missing.stderr.contains("none.json"))
    }

    @Test("bad options are rejected naming the flag", arguments: [
        (["--durations", "0"], "--durations"), (["--durations", "5,x"], "--durations"),
        (["--threads", "0"], "--threads"), (["--repetitions", "0"], "--repetitions"),
        (["--cold-runs", "-1"], "--cold-runs"), (["--precision", "fp8"], "--precision"),
        (["--song-format", "aiff"], "--song-format"),
    ])
    func rejectsBadOptions(extra: [String], flag: String) async throws {
        let result = try await RVCBinary.run(["bench", "--models", "/nonexistent/never-written"] + extra)
        #expect(result.status != 0)
        #expect(result.stderr.contains(flag), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: "/nonexistent/never-written"))
    }
}
