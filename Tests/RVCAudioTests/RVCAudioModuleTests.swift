import Testing
@testable import RVCAudio

@Suite struct RVCAudioModuleTests {
    @Test func moduleLinks() {
        #expect(AudioFormat.default == .ogg)
    }
}
