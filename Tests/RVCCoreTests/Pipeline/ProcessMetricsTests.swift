import Foundation
import Testing
import RVCCore

@Suite("ProcessMetrics")
struct ProcessMetricsTests {
    @Test("peak memory follows an allocation and resets to the current size")
    func peakFollowsAllocation() throws {
        let before = try #require(ProcessMetrics.peakResidentBytes())
        var block = [UInt8](repeating: 1, count: 200 << 20)
        block[block.count - 1] = 2
        let during = try #require(ProcessMetrics.peakResidentBytes())
        #expect(during >= before)
        #expect(during >= 200 << 20)
        block = []
        #expect(ProcessMetrics.resetPeakResidentMemory())
        let after = try #require(ProcessMetrics.peakResidentBytes())
        #expect(after < during)
        #expect(block.isEmpty)
    }

    @Test("the process age is positive and grows")
    func processAge() throws {
        let first = try #require(ProcessMetrics.secondsSinceProcessStart())
        Thread.sleep(forTimeInterval: 0.05)
        let second = try #require(ProcessMetrics.secondsSinceProcessStart())
        #expect(first > 0 && second >= first)
    }
}
