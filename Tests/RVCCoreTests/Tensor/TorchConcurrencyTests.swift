import Foundation
import Testing
@testable import RVCCore

/// `Torch.concurrently`: bodies at the same time, each with its share of the threads.
@Suite("Torch.concurrently")
struct TorchConcurrencyTests {
    private struct Planned: Error, Equatable { let index: Int }

    /// Values written from several threads.
    private final class Record: @unchecked Sendable {
        private let lock = NSLock()
        private var values: [Int: Int] = [:]
        func set(_ value: Int, at key: Int) { lock.withLock { values[key] = value } }
        var all: [Int: Int] { lock.withLock { values } }
    }

    @Test("bodies run at the same time, each with its share of the intra-op threads")
    func bodiesOverlapWithSplitThreads() throws {
        // Setting the count also sets the process default that a new thread's first parallel call
        // applies (as `rvc bench --threads` does): the share must survive that. Three threads
        // for two bodies: the first takes the odd one.
        let before = Torch.threadCount
        let total = 3
        Torch.threadCount = total
        defer { Torch.threadCount = before }
        // Each body signals its arrival and waits for the other's: run one after the other, the
        // first would time out waiting.
        let arrived = [DispatchSemaphore(value: 0), DispatchSemaphore(value: 0)]
        let threads = Record()
        let met = Record()
        let sums = Record()
        let after = Record()
        try Torch.concurrently(2) { i in
            threads.set(Torch.threadCount, at: i)
            arrived[i].signal()
            met.set(arrived[1 - i].wait(timeout: .now() + 30) == .success ? 1 : 0, at: i)
            // LibTorch work in the body, including an in-place op (inference mode is on).
            let t = try Tensor.full([4096], value: Double(i + 1))
            try t.addInPlace(t)
            sums.set(Int(try t.sum().item()), at: i)
            after.set(Torch.threadCount, at: i)
        }
        #expect(met.all == [0: 1, 1: 1])
        #expect(threads.all == [0: 2, 1: 1])
        #expect(after.all == [0: 2, 1: 1], "still after LibTorch work on the thread")
        #expect(sums.all == [0: 8192, 1: 16384])
        #expect(Torch.threadCount == total, "the calling thread gets its count back")
    }

    @Test("the first error is thrown after every body has finished")
    func errorsWaitForTheOthers() {
        let finished = Record()
        #expect(throws: Planned(index: 0)) {
            try Torch.concurrently(3) { i in
                if i == 0 { throw Planned(index: 0) }
                Thread.sleep(forTimeInterval: 0.2)
                finished.set(1, at: i)
            }
        }
        #expect(finished.all == [1: 1, 2: 1])
    }

    @Test("the results come back in the bodies' order")
    func resultsInOrder() throws {
        #expect(try Torch.concurrently(3) { i in i * 10 } == [0, 10, 20])
        #expect(try Torch.concurrently(1) { i in "body \(i)" } == ["body 0"])
    }

    @Test("one body runs on the calling thread, none runs nothing")
    func singleAndEmpty() throws {
        let record = Record()
        let caller = pthread_self()
        try Torch.concurrently(1) { i in record.set(pthread_equal(pthread_self(), caller) != 0 ? 1 : 0, at: i) }
        try Torch.concurrently(0) { i in record.set(-1, at: i) }
        #expect(record.all == [0: 1])
    }

    @Test("two bodies of different types overlap and return both results; the first's error wins")
    func twoBodiesOfDifferentTypes() throws {
        let arrived = [DispatchSemaphore(value: 0), DispatchSemaphore(value: 0)]
        let (text, number) = try Torch.concurrently(
            { () -> String in
                arrived[0].signal()
                return arrived[1].wait(timeout: .now() + 30) == .success ? "met" : "alone"
            },
            { () -> Int in
                arrived[1].signal()
                return arrived[0].wait(timeout: .now() + 30) == .success ? 42 : -1
            })
        #expect(text == "met")
        #expect(number == 42)
        let finished = Record()
        #expect(throws: Planned(index: 0)) {
            _ = try Torch.concurrently(
                { () -> Int in throw Planned(index: 0) },
                { () -> Int in
                    Thread.sleep(forTimeInterval: 0.1)
                    finished.set(1, at: 1)
                    throw Planned(index: 1)
                })
        }
        #expect(finished.all == [1: 1], "the second body ran to its end before the error was thrown")
        #expect(throws: Planned(index: 1)) {
            _ = try Torch.concurrently({ 1 }, { () -> Int in throw Planned(index: 1) })
        }
    }
}
