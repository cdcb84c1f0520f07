import Foundation
import Testing

/// Runs the real `rvc bench parity` on the parity fixtures, and on a copy with one reference
/// output changed, which it must catch.
@Suite("rvc bench parity", .serialized)
struct BenchParityCommandTests {
    static let fixtures = InspectCommandTests.packageRoot.appendingPathComponent("Tests/Fixtures/parity")

    @Test("fp32 on the CPU passes every stage and end-to-end check and reports them as JSON")
    func passesOnTheFixtures() async throws {
        let folder = try ConvertCommandTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let report = folder.appendingPathComponent("parity.json")
        let result = try await RVCBinary.run(
            ["bench", "parity", "--fixtures", Self.fixtures.path, "--device", "cpu", "--precision", "fp32", "--report", report.path],
            timeout: .seconds(900))
        #expect(result.status == 0, "\(result.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: report)) as? [String: Any])
        #expect(json["precision"] as? String == "fp32" && json["device"] as? String == "cpu")
        let checks = try #require(json["checks"] as? [[String: Any]])
        let names = checks.compactMap { $0["name"] as? String }
        for expected in ["hubert_tiny.pt v1 features", "hubert_tiny_omegaconf.pt v2 features", "rmvpe_tiny.pt salience",
                         "rmvpe_tiny.pt f0", "pipeline v2_48k_f0", "pipeline v2_48k_long length"] {
            #expect(names.contains(expected), "\(expected) missing from \(names)")
        }
        #expect(checks.count == 16)
        #expect(checks.allSatisfy { $0["passed"] as? Bool == true })
        for check in checks where check["metric"] as? String == "snr_db" {
            #expect((check["value"] as? Double ?? 0) >= 60, "\(check)")
        }
    }

    @Test("a reference output that differs from what the pipeline computes fails its check, exit status 1")
    func catchesADifference() async throws {
        let folder = try ConvertCommandTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let copy = folder.appendingPathComponent("parity")
        try FileManager.default.copyItem(at: Self.fixtures, to: copy)
        // Flip the sign of every int16 sample of one case's reference output (its .npy payload
        // starts after the 128-byte header of these files).
        let target = copy.appendingPathComponent("v2_32k_nof0_output.npy")
        var bytes = [UInt8](try Data(contentsOf: target))
        let header = Int(bytes[8]) | Int(bytes[9]) << 8
        var i = 10 + header
        while i + 1 < bytes.count {
            let value = Int16(bitPattern: UInt16(bytes[i]) | UInt16(bytes[i + 1]) << 8)
            let flipped = UInt16(bitPattern: value == .min ? .max : -value)
            bytes[i] = UInt8(flipped & 0xFF)
            bytes[i + 1] = UInt8(flipped >> 8)
            i += 2
        }
        try Data(bytes).write(to: target)
        let result = try await RVCBinary.run(
            ["bench", "parity", "--fixtures", copy.path, "--device", "cpu", "--precision", "fp32", "--quiet"],
            timeout: .seconds(900))
        #expect(result.status == 1)
        #expect(result.stderr.contains("1 check(s) failed: pipeline v2_32k_nof0"), "\(result.stderr)")
    }

    @Test("a folder without a manifest is an error naming the file, not a parity result")
    func missingManifest() async throws {
        let folder = try ConvertCommandTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try await RVCBinary.run(["bench", "parity", "--fixtures", folder.path, "--device", "cpu"])
        // Not run at all: a status other than the 1 of failed checks.
        #expect(result.status != 0 && result.status != 1, "status \(result.status)")
        #expect(result.stderr.contains("manifest.json"), "\(result.stderr)")
        #expect(result.stdout.isEmpty)
    }

    @Test("bad options are rejected naming the flag", arguments: [
        (["--precision", "fp8"], "--precision"), (["--device", "tpu"], "--device"), (["--min-snr", "-3"], "--min-snr"),
    ])
    func rejectsBadOptions(extra: [String], flag: String) async throws {
        let result = try await RVCBinary.run(["bench", "parity", "--fixtures", Self.fixtures.path] + extra)
        #expect(result.status != 0)
        #expect(result.stderr.contains(flag), "\(result.stderr)")
    }
}
