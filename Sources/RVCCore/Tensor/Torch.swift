import CTorch

/// Process-wide LibTorch settings and device queries.
public enum Torch {
    /// The LibTorch version, e.g. "2.11.0".
    public static var version: String { String(cString: ct_version()) }

    /// The vector instruction set LibTorch's CPU kernels (and oneDNN's) use on this machine:
    /// "DEFAULT", "AVX2", "AVX512", … (`torch.backends.cpu.get_cpu_capability()`).
    public static var cpuCapability: String { String(cString: ct_cpu_capability()) }

    /// Lets the project's own vector kernels (the spectral convolution's FFTs, gathers and
    /// scatters) run their AVX2/FMA builds (`wide`, the default wherever the CPU has AVX2 and FMA)
    /// or only their baseline builds. Process-wide, for tests that check the baseline builds (in a
    /// process of their own). Returns whether the AVX2 builds are in use afterwards.
    @discardableResult
    static func setWideVectorKernels(_ wide: Bool) -> Bool {
        ct_set_vector_kernels(wide ? 1 : 0) != 0
    }

    /// Intra-op threads used by CPU kernels on the calling thread. Setting it sets the process
    /// default, and the ``ThreadBudget/shared`` budget's total, to `newValue`.
    public static var threadCount: Int {
        get { Int(ct_get_num_threads()) }
        set {
            ct_set_num_threads(Int32(newValue))
            if newValue > 0 { ThreadBudget.shared.total = newValue }
        }
    }

    /// Seeds the default generators.
    public static func manualSeed(_ seed: UInt64) { ct_manual_seed(seed) }

    /// Keeps freed CPU tensor blocks of 1 MiB and more, up to `limitBytes` in all, for reuse by
    /// later tensors of the same size, instead of unmapping them and paying the page faults again
    /// (inference allocates the same large activations segment after segment). A request that no
    /// cached block serves gives back cached blocks of other sizes, freed longest ago first, as
    /// far as mapping it would take what is mapped above the most ever in use at once (since the
    /// last ``trimHostAllocationCache()``), so the cache never adds to the peak of what is in use;
    /// over the limit, too, the blocks freed longest ago go first. Applies to CPU tensors created
    /// afterwards; calling again changes the limit, 0 frees the cache.
    /// - Throws: ``TorchError`` if the allocator cannot be installed.
    public static func enableHostAllocationCache(limitBytes: Int) throws {
        try check("enable_host_cache", ct_enable_host_cache(Int64(max(0, limitBytes))))
    }

    /// Frees the blocks the host allocation cache holds, keeping its limit; a no-op when it was
    /// never enabled. For moments when the cached sizes will not be asked for again soon (between
    /// stages with different tensor shapes), so they do not add to the peak resident memory.
    /// The most in use at once, which bounds what the cache maps, starts again from what is in
    /// use now.
    public static func trimHostAllocationCache() throws {
        try check("trim_host_cache", ct_trim_host_cache())
    }

    /// Keeps at most `capacity` oneDNN convolution primitives. oneDNN's default (1 024) keeps
    /// those of every input length ever seen, with their buffers: a 180 s conversion grew by
    /// 0.3 GB over its five segments. Call before the first convolution (oneDNN reads the setting
    /// once); an `ONEDNN_PRIMITIVE_CACHE_CAPACITY` set in the environment wins.
    /// - Throws: ``TorchError`` when `capacity` is below 1.
    public static func boundPrimitiveCache(capacity: Int) throws {
        try check("bound_primitive_cache", ct_bound_primitive_cache(Int32(clamping: capacity)))
    }

    /// Fixes glibc's mmap threshold at `bytes`: malloc requests of that size and more are mapped
    /// on their own and unmapped when freed. The requests the host allocation cache leaves to
    /// malloc (below 1 MiB, and oneDNN's, MKL's and Swift's own buffers) otherwise follow glibc's
    /// sliding threshold, which rises after each large free (up to 32 MiB); from then on
    /// multi-MiB buffers come from its heaps and leave holes there that it keeps. A threshold set
    /// in the environment (`MALLOC_MMAP_THRESHOLD_`, or `glibc.malloc.mmap_threshold` in
    /// `GLIBC_TUNABLES`) wins.
    /// - Throws: ``TorchError`` when `bytes` is outside 4 KiB to 32 MiB (glibc's largest threshold).
    public static func fixMallocMapThreshold(bytes: Int) throws {
        try check("fix_malloc_mmap_threshold", ct_fix_malloc_mmap_threshold(Int64(bytes)))
    }

    /// Bytes of freed CPU blocks the host allocation cache holds for reuse now (0 when disabled).
    public static var hostAllocationCacheBytes: Int { Int(ct_host_cache_bytes()) }

    /// How many freed blocks of a request of `bytes` the host allocation cache holds (for tests:
    /// a size no other code asks for identifies one block).
    static func hostAllocationCacheBlocks(ofSize bytes: Int) -> Int { Int(ct_host_cache_blocks(Int64(bytes))) }

    /// Runs the host cache's eviction-order check under its lock (for tests; see `CTorch.h`).
    static func checkHostAllocationCacheEviction(first: Int, second: Int) throws {
        try check("host_cache_check_eviction", ct_host_cache_check_eviction(Int64(first), Int64(second)))
    }

    /// True when a CUDA device can be used.
    public static var isCUDAAvailable: Bool { ct_cuda_is_available() }

    /// Number of CUDA devices (0 without CUDA).
    public static var cudaDeviceCount: Int { Int(ct_cuda_device_count()) }

    /// Free and total memory of a CUDA device, in bytes.
    public static func cudaMemory(device: Int = 0) throws -> (free: UInt64, total: UInt64) {
        var free: UInt64 = 0
        var total: UInt64 = 0
        try check("cuda_mem_info", ct_cuda_mem_info(Int32(device), &free, &total))
        return (free, total)
    }

    /// The marketing name of a CUDA device.
    public static func cudaDeviceName(device: Int = 0) throws -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        try check("cuda_device_name", ct_cuda_device_name(Int32(device), &buffer, buffer.count))
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Waits for all work queued on a CUDA device.
    public static func cudaSynchronize(device: Int = 0) throws {
        try check("cuda_synchronize", ct_cuda_synchronize(Int32(device)))
    }

    /// What LibTorch's CUDA caching allocator holds on a device, in bytes.
    public struct CUDAMemoryStatistics: Sendable, Equatable, Codable {
        /// Bytes in live tensors now.
        public var allocated: UInt64
        /// The most bytes in live tensors since the peaks were last reset (`max_memory_allocated`).
        public var peakAllocated: UInt64
        /// Bytes the allocator holds from the driver now (live tensors and its cache).
        public var reserved: UInt64
        /// The most bytes held from the driver since the peaks were last reset (`max_memory_reserved`).
        public var peakReserved: UInt64
    }

    /// The CUDA caching allocator's counts for a device.
    /// - Throws: ``TorchError`` when CUDA or the device is unavailable.
    public static func cudaMemoryStatistics(device: Int = 0) throws -> CUDAMemoryStatistics {
        var stats = CTCUDAMemoryStats()
        try check("cuda_memory_stats", ct_cuda_memory_stats(Int32(device), &stats))
        return CUDAMemoryStatistics(
            allocated: stats.allocated_bytes, peakAllocated: stats.peak_allocated_bytes,
            reserved: stats.reserved_bytes, peakReserved: stats.peak_reserved_bytes)
    }

    /// Starts the peaks of ``cudaMemoryStatistics(device:)`` again from the current counts.
    /// - Throws: ``TorchError`` when CUDA or the device is unavailable.
    public static func resetCUDAPeakMemory(device: Int = 0) throws {
        try check("cuda_reset_peak_memory", ct_cuda_reset_peak_memory(Int32(device)))
    }

    /// Enables cuDNN autotuning of convolution algorithms.
    public static func setCuDNNBenchmark(_ on: Bool) { ct_set_cudnn_benchmark(on) }

    /// cuDNN autotuning (`torch.backends.cudnn.benchmark`), process-wide: each new convolution
    /// shape is timed once with every algorithm and the fastest kept. It pays off when shapes
    /// repeat (RMVPE's fixed-size windows, fixed-length jobs) and costs a search per new shape
    /// otherwise. No effect on the CPU.
    public static var cuDNNBenchmark: Bool {
        get { ct_cudnn_benchmark() }
        set { ct_set_cudnn_benchmark(newValue) }
    }

    /// Runs `body` in LibTorch inference mode (no autograd bookkeeping) on this thread.
    public static func inferenceMode<R>(_ body: () throws -> R) throws -> R {
        var guardHandle: OpaquePointer?
        try check("inference_mode", ct_inference_guard_new(&guardHandle))
        defer { ct_guard_free(guardHandle) }
        return try body()
    }
}
