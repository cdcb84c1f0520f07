import Testing
@testable import RVCAudio

@Suite struct RVCAudioModuleTests {
    @Test func moduleLinks() {
        #expect(String(describing: RVCAudio.self) == "RVCAudio")
    }
}
