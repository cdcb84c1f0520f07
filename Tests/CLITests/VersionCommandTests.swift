import Testing

@Suite struct VersionCommandTests {
    @Test func printsTheLibTorchVersionFromTheRealBinary() async throws {
        let result = try await RVCBinary.run(["version"])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        #expect(result.stdout.contains("LibTorch 2.11.0"))
    }

    @Test func unknownSubcommandFailsWithUsage() async throws {
        let result = try await RVCBinary.run(["no-such-command"])
        #expect(result.status != 0)
        #expect(result.stderr.contains("Usage") || result.stderr.contains("USAGE") || result.stderr.contains("Error"))
    }
}
