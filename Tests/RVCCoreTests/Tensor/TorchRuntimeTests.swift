import Foundation
import Testing
@testable import RVCCore

@Suite struct TorchRuntimeTests {
    @Test func reportsThePinnedLibTorchVersion() {
        #expect(Torch.version == "2.11.0")
    }

    @Test func reportsTheCPUCapabilityTheKernelsUse() {
        let known = ["DEFAULT", "AVX2", "AVX512", "AVX512_VNNI", "AVX512_BF16", "AMX", "ZVECTOR", "VSX", "SVE256"]
        #expect(known.contains { Torch.cpuCapability.hasPrefix($0) }, "\(Torch.cpuCapability)")
        #expect(Conv1dLayer.wideVectors == Torch.cpuCapability.hasPrefix("AVX512"))
    }

    @Test func threadCountCanBeChanged() {
        let before = Torch.threadCount
        Torch.threadCount = 1
        #expect(Torch.threadCount == 1)
        Torch.threadCount = before
        #expect(Torch.threadCount == before)
    }

    @Test func inferenceModeRunsTheBodyAndReturnsItsValue() throws {
        let value = try Torch.inferenceMode { try (Tensor([Float](arrayLiteral: 2)) * 3.0).item() }
        #expect(value == 6)
    }

    /// Freed large blocks stay cached for reuse until trimmed; trimming leaves live tensors intact.
    /// Other suites share the process (and the cache), so the block here has a size nothing else
    /// allocates (97 MiB + 192 KiB) and the bounds leave room for their small blocks.
    @Test func hostCacheKeepsFreedBlocksUntilTrimmed() throws {
        try Torch.enableHostAllocationCache(limitBytes: VoiceConverter.hostCacheLimit)
        let count = (97 << 20 + 192 << 10) / 4
        let live = try Tensor.full([1 << 20 / 4 * 3], value: 1.5)
        do {
            let big = try Tensor.full([count], value: 2)
            #expect(try big.sum().item() == Double(2 * count))
        }
        #expect(Torch.hostAllocationCacheBytes >= count * 4)
        let reused = try Tensor.zeros([count])   // takes the cached block
        #expect(try reused.sum().item() == 0)
        try Torch.trimHostAllocationCache()
        #expect(Torch.hostAllocationCacheBytes < count * 4)
        #expect(try live.sum().item() == 1.5 * Double(1 << 20 / 4 * 3))
        #expect(try (reused + 1).sum().item() == Double(count))
    }

    /// A request that no cached block serves unmaps cached blocks, those freed longest ago first,
    /// when mapping it would take what is mapped above the most ever in use at once. Other suites
    /// allocate and free meanwhile (a busy cache evicts within microseconds), so the order is
    /// checked on the cache's own lists under its lock.
    @Test func hostCacheMissGivesBackBlocksFreedLongestAgoFirst() throws {
        try Torch.enableHostAllocationCache(limitBytes: VoiceConverter.hostCacheLimit)
        try Torch.checkHostAllocationCacheEviction(first: 3 << 20, second: 5 << 20)
    }

    /// For the host cache's exit tests: a tensor of `mebibytes` MiB through the cache, zero-filled
    /// (every page touched); exits with status 9 if allocating fails.
    static func hostBlock(_ mebibytes: Int) -> Tensor {
        guard let t = try? Tensor.zeros([mebibytes << 20], dtype: .uint8) else { exit(9) }
        return t
    }

    /// For the host cache's exit tests: the cache enabled at the conversion's limit and empty,
    /// with nothing in use before it bounding it; exits with status 8 if that fails.
    static func startEmptyHostCache() {
        do {
            try Torch.enableHostAllocationCache(limitBytes: VoiceConverter.hostCacheLimit)
            try Torch.trimHostAllocationCache()
        } catch { exit(8) }
    }

    /// The allocation path, in a child process of its own where nothing else allocates: a miss
    /// unmaps cached blocks (oldest first) only as far as what is mapped must stay within the
    /// most in use at once since the last trim, or within what is in use with the new block at a
    /// new high; a block freed over the limit pushes out the blocks freed longest ago, not the
    /// largest; a block larger than the limit is never cached. The exit status names the first
    /// check that failed.
    @Test func hostCacheMapsWithinThePeakInUse() async throws {
        await #expect(processExitsWith: .exitCode(0)) {
            let mib = 1 << 20
            let block = Self.hostBlock
            func cached(_ n: Int) -> Int { Torch.hostAllocationCacheBlocks(ofSize: n * mib) }
            Self.startEmptyHostCache()
            // Peak: 8 + 7 MiB. Both freed, the 8 MiB block first.
            var a: Tensor? = block(8), b: Tensor? = block(7)
            a = nil
            b = nil
            // A 2 MiB miss would map 17 MiB: the oldest block (8 MiB) makes way, the 7 MiB stays.
            var c: Tensor? = block(2)
            if cached(8) != 0 || cached(7) != 1 { exit(1) }
            c = nil
            // 7 + 2 MiB cached, nothing in use: a 3 MiB miss maps 12 MiB, within the peak of 15.
            var d: Tensor? = block(3)
            if cached(7) != 1 || cached(2) != 1 { exit(2) }
            // A new high (3 + 20 MiB in use) leaves no room for cached blocks.
            var e: Tensor? = block(20)
            if cached(7) != 0 || cached(2) != 0 { exit(3) }
            d = nil
            e = nil
            // Over the limit, the blocks freed longest ago go first: with room for 11 MiB, freeing
            // 5, then 6, then 4 MiB evicts the 5 MiB block (oldest), not the 6 MiB one (largest).
            do { try Torch.enableHostAllocationCache(limitBytes: 11 * mib) } catch { exit(8) }
            var p: Tensor? = block(5), q: Tensor? = block(6), r: Tensor? = block(4)
            p = nil
            q = nil
            r = nil
            if cached(5) != 0 || cached(6) != 1 || cached(4) != 1 { exit(4) }
            // Blocks above the limit are unmapped when freed, never cached.
            var large: Tensor? = block(12)
            large = nil
            if cached(12) != 0 { exit(5) }
            _ = (a, b, c, d, e, p, q, r, large)
            exit(0)
        }
    }

    /// A miss that unmaps a cached block to stay within the peak resizes it for the request
    /// instead, so the pages it had stay resident: filling the new block faults none of them in
    /// again (a fresh 2 MiB block takes 512 faults of 4 KiB pages). In a child process of its own,
    /// so that no other suite's allocations reach the cache or the fault count.
    @Test func hostCacheMissKeepsThePagesOfTheBlockItEvicts() async throws {
        await #expect(processExitsWith: .exitCode(0)) {
            let mib = 1 << 20
            let block = Self.hostBlock
            func faults() -> Int {
                var usage = rusage()
                getrusage(RUSAGE_SELF.rawValue, &usage)
                return usage.ru_minflt
            }
            Self.startEmptyHostCache()
            // Peak 8 + 7 MiB, both freed: a 2 MiB miss must evict the 8 MiB block (oldest).
            var a: Tensor? = block(8), b: Tensor? = block(7)
            a = nil
            b = nil
            let before = faults()
            var c: Tensor? = block(2)
            let taken = faults() - before
            if Torch.hostAllocationCacheBlocks(ofSize: 8 * mib) != 0 { exit(1) }
            if Torch.hostAllocationCacheBlocks(ofSize: 7 * mib) != 1 { exit(2) }
            if taken >= 128 { exit(3) }
            guard let sum = try? c?.sum().item(), sum == 0 else { exit(4) }
            c = nil
            _ = (a, b, c)
            exit(0)
        }
    }

    /// With the threshold fixed, a freed 16 MiB block no longer raises it: a 4 MiB request after
    /// it is still mapped on its own (under glibc's sliding default it would come from a heap,
    /// where its hole outlives it), and a 64 KiB one still comes from a heap. Whether glibc mapped
    /// a block is read from its chunk header, whose IS_MMAPPED bit (2) sits in the size word just
    /// before the block. glibc serves any request from a heap that already has room for it, and
    /// other suites leave such room in this process, so the check runs in a child process of its
    /// own; its exit status names the first request that went the wrong way.
    @Test func fixedMallocMapThresholdStaysPutAfterLargeFrees() async throws {
        await #expect(processExitsWith: .exitCode(0)) {
            func isMapped(_ bytes: Int) -> Bool {
                guard let block = malloc(bytes) else { exit(9) }
                defer { free(block) }
                memset(block, 1, bytes)
                return (block - MemoryLayout<Int>.size).load(as: UInt.self) & 2 != 0
            }
            do { try Torch.fixMallocMapThreshold(bytes: VoiceConverter.mallocMapThreshold) } catch { exit(8) }
            if !isMapped(16 << 20) { exit(1) }
            if !isMapped(4 << 20) { exit(2) }
            if !isMapped(VoiceConverter.mallocMapThreshold) { exit(3) }
            if isMapped(64 << 10) { exit(4) }
            exit(0)
        }
        #expect(throws: TorchError.self) { try Torch.fixMallocMapThreshold(bytes: 0) }
        #expect(throws: TorchError.self) { try Torch.fixMallocMapThreshold(bytes: 64 << 20) }
    }

    @Test func cuDNNBenchmarkSwitchIsReadBack() {
        let before = Torch.cuDNNBenchmark
        Torch.cuDNNBenchmark = true
        #expect(Torch.cuDNNBenchmark)
        Torch.cuDNNBenchmark = false
        #expect(!Torch.cuDNNBenchmark)
        Torch.cuDNNBenchmark = before
        #expect(Device.automatic == (Torch.isCUDAAvailable ? .cuda(0) : .cpu))
    }

    @Test func cudaAbsenceIsAnErrorNotACrash() throws {
        // CI machines have no GPU; on a GPU machine these calls must succeed instead.
        Torch.setCuDNNBenchmark(false)
        if Torch.isCUDAAvailable {
            #expect(Torch.cudaDeviceCount > 0)
            #expect(try Torch.cudaMemory().total > 0)
            #expect(!(try Torch.cudaDeviceName()).isEmpty)
            try Torch.cudaSynchronize()
            #expect(try Tensor([Float](arrayLiteral: 1)).to(device: .cuda(0)).device == .cuda(0))
            try Torch.resetCUDAPeakMemory()
            let before = try Torch.cudaMemoryStatistics()
            let big = try Tensor.zeros([16 << 20], device: .cuda(0))  // 64 MiB
            let during = try Torch.cudaMemoryStatistics()
            #expect(during.allocated >= before.allocated + (64 << 20))
            #expect(during.peakAllocated >= during.allocated && during.peakReserved >= during.reserved)
            withExtendedLifetime(big) {}
        } else {
            #expect(Torch.cudaDeviceCount == 0)
            expectTorchError("cuda_mem_info", kind: .unavailable) { try Torch.cudaMemory() }
            expectTorchError("cuda_device_name", kind: .unavailable) { try Torch.cudaDeviceName() }
            expectTorchError("cuda_synchronize", kind: .unavailable) { try Torch.cudaSynchronize() }
            expectTorchError("cuda_memory_stats", kind: .unavailable) { try Torch.cudaMemoryStatistics() }
            expectTorchError("cuda_reset_peak_memory", kind: .unavailable) { try Torch.resetCUDAPeakMemory() }
            expectTorchError("to(", kind: .unavailable) { try Tensor([Float](arrayLiteral: 1)).to(device: .cuda(0)) }
            expectTorchError("zeros", kind: .unavailable) { try Tensor.zeros([1], device: .cuda(0)) }
            expectTorchError("Generator", kind: .unavailable) { try Generator(seed: 1, device: .cuda(0)) }
        }
    }

    @Test func parsesDeviceNames() {
        #expect(Device("cpu") == .cpu)
        #expect(Device("cuda") == .cuda(0))
        #expect(Device("cuda:3") == .cuda(3))
        #expect(Device("cuda:-1") == nil)
        #expect(Device("tpu") == nil)
        #expect(Device.cuda(1).description == "cuda:1")
    }
}
