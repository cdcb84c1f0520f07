import Foundation
import Testing
@testable import RVCCore

/// `ThreadBudget`: jobs side by side share the intra-op threads, and a job left alone takes them back.
@Suite("ThreadBudget")
struct ThreadBudgetTests {
    /// Values written from several threads.
    private final class Record: @unchecked Sendable {
        private let lock = NSLock()
        private var values: [String: Int] = [:]
        func set(_ value: Int, _ key: String) { lock.withLock { values[key] = value } }
        var all: [String: Int] { lock.withLock { values } }
    }

    /// Runs `body` on a thread of its own (the per-thread counts belong to it); `done` is
    /// signalled when it returns.
    private func onThread(_ done: DispatchSemaphore, _ body: @escaping @Sendable () -> Void) {
        let thread = Thread {
            body()
            done.signal()
        }
        thread.start()
    }

    @Test("the share is the total divided among the holders, at least one")
    func shareArithmetic() {
        let budget = ThreadBudget(total: 2)
        #expect(budget.share == 2, "no holder: the whole budget")
        budget.total = 0
        #expect(budget.total == 1, "a budget never has fewer than one thread")
        budget.total = 3
        budget.withShare {
            #expect(budget.holderCount == 1)
            #expect(budget.share == 3)
            budget.withShare {
                #expect(budget.share == 1, "3 threads for 2 jobs: one each, never more than the total")
                budget.withShare { budget.withShare { #expect(budget.share == 1, "at least one") } }
            }
        }
        #expect(budget.holderCount == 0)
    }

    @Test("two jobs each run on half the threads; the one left alone takes them all at its next stage")
    func jobsShareAndRebalance() {
        let budget = ThreadBudget(total: 4)
        let record = Record()
        let bothIn = [DispatchSemaphore(value: 0), DispatchSemaphore(value: 0)]
        let secondMeasured = DispatchSemaphore(value: 0)
        let firstLeft = DispatchSemaphore(value: 0)
        let done = DispatchSemaphore(value: 0)
        onThread(done) {
            budget.withShare {
                bothIn[0].signal()
                _ = bothIn[1].wait(timeout: .now() + 30)
                record.set(budget.rebalance(), "first.share")
                record.set(Torch.threadCount, "first.threads")
                // Still holding its share until the second job has measured its own.
                _ = secondMeasured.wait(timeout: .now() + 30)
            }
            record.set(Torch.threadCount, "first.after")
            firstLeft.signal()
        }
        onThread(done) {
            budget.withShare {
                bothIn[1].signal()
                _ = bothIn[0].wait(timeout: .now() + 30)
                record.set(budget.rebalance(), "second.share")
                // A LibTorch kernel on the thread keeps the count.
                if let t = try? Tensor.full([4096], value: 1) { _ = try? t.sum() }
                record.set(Torch.threadCount, "second.threads")
                secondMeasured.signal()
                _ = firstLeft.wait(timeout: .now() + 30)
                record.set(Torch.threadCount, "second.beforeRebalance")
                record.set(budget.rebalance(), "second.alone")
                record.set(Torch.threadCount, "second.aloneThreads")
            }
        }
        #expect(done.wait(timeout: .now() + 60) == .success)
        #expect(done.wait(timeout: .now() + 60) == .success)
        #expect(
            record.all == [
                "first.share": 2, "first.threads": 2, "first.after": 4,
                "second.share": 2, "second.threads": 2, "second.beforeRebalance": 2,
                "second.alone": 4, "second.aloneThreads": 4,
            ])
        #expect(budget.holderCount == 0)
    }

    @Test("a job's share splits again among the decoder's pieces side by side")
    func concurrentlySplitsTheJobsShare() throws {
        let budget = ThreadBudget(total: 4)
        let record = Record()
        let done = DispatchSemaphore(value: 0)
        let other = DispatchSemaphore(value: 0)
        let release = DispatchSemaphore(value: 0)
        // Another job holds a share for the whole test.
        onThread(done) {
            budget.withShare {
                other.signal()
                _ = release.wait(timeout: .now() + 30)
            }
        }
        _ = other.wait(timeout: .now() + 30)
        onThread(done) {
            budget.withShare {
                let pieces = try? Torch.concurrently(2) { _ in Torch.threadCount }
                record.set(pieces?.count ?? 0, "pieces")
                record.set(pieces?.max() ?? 0, "piece.threads")
            }
            release.signal()
        }
        #expect(done.wait(timeout: .now() + 60) == .success)
        #expect(done.wait(timeout: .now() + 60) == .success)
        #expect(record.all == ["pieces": 2, "piece.threads": 1], "2 of 4 threads for this job, one per piece")
    }
}
