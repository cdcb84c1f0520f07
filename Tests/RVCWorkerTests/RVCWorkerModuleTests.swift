import Testing
@testable import RVCWorker

@Suite struct RVCWorkerModuleTests {
    @Test func moduleLinks() {
        #expect(String(describing: RVCWorker.self) == "RVCWorker")
    }
}
