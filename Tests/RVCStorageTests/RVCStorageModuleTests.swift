import Testing
@testable import RVCStorage

@Suite struct RVCStorageModuleTests {
    @Test func moduleLinks() {
        #expect(String(describing: RVCStorage.self) == "RVCStorage")
    }
}
