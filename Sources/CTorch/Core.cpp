// Errors, dtype and device conversion, the library's threads, oneDNN's primitive cache, CUDA devices,
// inference mode.
#include "Internal.hpp"

#include <ATen/Parallel.h>
#include <ATen/Version.h>
#include <torch/headeronly/version.h>
#include <ATen/detail/CUDAHooksInterface.h>
#include <c10/core/InferenceMode.h>
#include <c10/core/CPUAllocator.h>
#include <c10/core/CachingDeviceAllocator.h>
#include <cstdlib>
#include <cstring>
#include <dlfcn.h>
#include <malloc.h>
#include <mutex>
#include <stdexcept>

namespace ctorch {

static thread_local std::string last_error;

void set_error(const std::string &message) { last_error = message; }
void clear_error() { last_error.clear(); }

at::ScalarType to_scalar_type(CTDType dtype) {
    switch (dtype) {
    case CT_FLOAT32: return at::kFloat;
    case CT_FLOAT16: return at::kHalf;
    case CT_BFLOAT16: return at::kBFloat16;
    case CT_FLOAT64: return at::kDouble;
    case CT_INT64: return at::kLong;
    case CT_INT32: return at::kInt;
    case CT_BOOL: return at::kBool;
    case CT_UINT8: return at::kByte;
    case CT_INT16: return at::kShort;
    case CT_INT8: return at::kChar;
    case CT_COMPLEX64: return at::kComplexFloat;
    }
    throw std::invalid_argument("unknown dtype code " + std::to_string(static_cast<int>(dtype)));
}

CTDType from_scalar_type(at::ScalarType type) {
    switch (type) {
    case at::kFloat: return CT_FLOAT32;
    case at::kHalf: return CT_FLOAT16;
    case at::kBFloat16: return CT_BFLOAT16;
    case at::kDouble: return CT_FLOAT64;
    case at::kLong: return CT_INT64;
    case at::kInt: return CT_INT32;
    case at::kBool: return CT_BOOL;
    case at::kByte: return CT_UINT8;
    case at::kShort: return CT_INT16;
    case at::kChar: return CT_INT8;
    case at::kComplexFloat: return CT_COMPLEX64;
    default: return CT_FLOAT32;
    }
}

static std::once_flag cuda_once;
static bool cuda_loaded = false;

bool ensure_cuda() {
    std::call_once(cuda_once, [] {
        // LibTorch's CUDA kernels live in libtorch_cuda.so, which registers itself when loaded.
        // A CPU-only installation lacks it (or its CUDA dependencies): CUDA is then unavailable.
        void *handle = dlopen("libtorch_cuda.so", RTLD_NOW | RTLD_GLOBAL);
        cuda_loaded = handle != nullptr;
    });
    return cuda_loaded && at::detail::getCUDAHooks().hasCUDA();
}

at::Device to_device(CTDevice device) {
    if (device.type == CT_CPU) return at::Device(at::kCPU);
    if (device.type == CT_CUDA) {
        if (!ensure_cuda())
            throw std::runtime_error("CUDA is not available (no CUDA device, or LibTorch was "
                                     "installed without CUDA: run Scripts/bootstrap --cuda)");
        int count = at::detail::getCUDAHooks().deviceCount();
        if (device.index >= count)
            throw std::invalid_argument("CUDA device " + std::to_string(device.index) +
                                        " does not exist (" + std::to_string(count) +
                                        " present)");
        return at::Device(at::kCUDA, static_cast<c10::DeviceIndex>(device.index < 0 ? 0 : device.index));
    }
    throw std::invalid_argument("unknown device type " + std::to_string(device.type));
}

} // namespace ctorch

using namespace ctorch;

// The CUDA runtime and driver are reached through dlopen with their stable C signatures so that
// this shim links only LibTorch's CPU libraries.
namespace {
template <typename F> F cuda_symbol(const char *library, const char *name) {
    void *handle = dlopen(library, RTLD_NOW | RTLD_GLOBAL);
    if (handle == nullptr) return nullptr;
    return reinterpret_cast<F>(dlsym(handle, name));
}
void require_cuda_device(int32_t device) {
    if (!ensure_cuda()) throw std::runtime_error("CUDA is not available");
    if (device < 0 || device >= at::detail::getCUDAHooks().deviceCount())
        throw std::invalid_argument("CUDA device " + std::to_string(device) + " does not exist");
}
} // namespace

extern "C" {

const char *ct_last_error(void) { return last_error.c_str(); }

const char *ct_version(void) {
    static const std::string v = std::to_string(TORCH_VERSION_MAJOR) + "." +
                                 std::to_string(TORCH_VERSION_MINOR) + "." +
                                 std::to_string(TORCH_VERSION_PATCH);
    return v.c_str();
}

const char *ct_cpu_capability(void) {
    static const std::string capability = at::get_cpu_capability();
    return capability.c_str();
}

void ct_set_num_threads(int32_t n) {
    if (n > 0) at::set_num_threads(n);
}
int32_t ct_get_num_threads(void) { return at::get_num_threads(); }

bool ct_set_thread_local_threads(int32_t n) {
    // OpenMP's thread count (the nthreads ICV) and MKL's local setting belong to the calling
    // thread. at::set_num_threads would also change the process default that new threads start
    // from, so the two are set directly. Looked up at run time: libgomp comes with LibTorch but
    // is not on the link line.
    using SetThreads = void (*)(int);
    using SetLocal = int (*)(int);
    static const auto ompSet = reinterpret_cast<SetThreads>(dlsym(RTLD_DEFAULT, "omp_set_num_threads"));
    static const auto mklSetLocal = reinterpret_cast<SetLocal>(dlsym(RTLD_DEFAULT, "MKL_Set_Num_Threads_Local"));
    if (n < 1 || ompSet == nullptr) return false;
    // A thread's first parallel call sets its count from the process default, once; run that now
    // so it cannot undo this. The once-flag lives in an inline function, so this shim and
    // libtorch_cpu each have their own copy: at::parallel_for here uses this one, and
    // at::get_num_threads (compiled into libtorch_cpu) that one.
    at::internal::lazy_init_num_threads();
    (void)at::get_num_threads();
    ompSet(n);
    if (mklSetLocal != nullptr) mklSetLocal(n);
    return at::get_num_threads() == n;
}

CTStatus ct_bound_primitive_cache(int32_t capacity) {
    CT_GUARD({
        if (capacity < 1) throw std::invalid_argument("primitive cache capacity must be at least 1");
        setenv("ONEDNN_PRIMITIVE_CACHE_CAPACITY", std::to_string(capacity).c_str(), /*overwrite=*/0);
        return CT_OK;
    })
}

CTStatus ct_fix_malloc_mmap_threshold(int64_t bytes) {
    CT_GUARD({
        // glibc refuses thresholds above HEAP_MAX_SIZE / 2 (32 MiB on 64-bit hosts).
        if (bytes < 4096 || bytes > (int64_t(32) << 20)) throw std::invalid_argument("mmap threshold must be 4 KiB to 32 MiB");
        // The user's own setting (MALLOC_MMAP_THRESHOLD_ or a glibc.malloc.mmap_threshold tunable) wins.
        const char *tunables = getenv("GLIBC_TUNABLES");
        if (getenv("MALLOC_MMAP_THRESHOLD_") != nullptr ||
            (tunables != nullptr && strstr(tunables, "glibc.malloc.mmap_threshold") != nullptr)) {
            return CT_OK;
        }
        if (mallopt(M_MMAP_THRESHOLD, static_cast<int>(bytes)) != 1) throw std::runtime_error("mallopt(M_MMAP_THRESHOLD) failed");
        return CT_OK;
    })
}

bool ct_cuda_is_available(void) {
    try {
        return ensure_cuda();
    } catch (...) {
        return false;
    }
}

int32_t ct_cuda_device_count(void) {
    try {
        return ensure_cuda() ? at::detail::getCUDAHooks().deviceCount() : 0;
    } catch (...) {
        return 0;
    }
}


CTStatus ct_cuda_mem_info(int32_t device, uint64_t *free_bytes, uint64_t *total_bytes) {
    CT_GUARD({
        require_cuda_device(device);
        using SetDevice = int (*)(int);
        using MemGetInfo = int (*)(size_t *, size_t *);
        auto set = cuda_symbol<SetDevice>("libcudart.so.13", "cudaSetDevice");
        auto info = cuda_symbol<MemGetInfo>("libcudart.so.13", "cudaMemGetInfo");
        if (set == nullptr || info == nullptr) throw std::runtime_error("libcudart.so.13 not found");
        size_t f = 0, t = 0;
        if (set(device) != 0 || info(&f, &t) != 0) throw std::runtime_error("cudaMemGetInfo failed");
        *free_bytes = f;
        *total_bytes = t;
        return CT_OK;
    })
}

CTStatus ct_cuda_device_name(int32_t device, char *buf, size_t len) {
    CT_GUARD({
        require_cuda_device(device);
        using Init = int (*)(unsigned);
        using DeviceGet = int (*)(int *, int);
        using GetName = int (*)(char *, int, int);
        auto init = cuda_symbol<Init>("libcuda.so.1", "cuInit");
        auto get = cuda_symbol<DeviceGet>("libcuda.so.1", "cuDeviceGet");
        auto name = cuda_symbol<GetName>("libcuda.so.1", "cuDeviceGetName");
        if (!init || !get || !name) throw std::runtime_error("libcuda.so.1 not found");
        int dev = 0;
        if (init(0) != 0 || get(&dev, device) != 0 ||
            name(buf, static_cast<int>(len), dev) != 0)
            throw std::runtime_error("cuDeviceGetName failed");
        return CT_OK;
    })
}

CTStatus ct_cuda_synchronize(int32_t device) {
    CT_GUARD({
        require_cuda_device(device);
        at::detail::getCUDAHooks().deviceSynchronize(static_cast<c10::DeviceIndex>(device));
        return CT_OK;
    })
}

CTStatus ct_cuda_memory_stats(int32_t device, CTCUDAMemoryStats *stats) {
    CT_GUARD({
        require_cuda_device(device);
        // The aggregate row (StatType::AGGREGATE) of the caching allocator that libtorch_cuda
        // registers for at::kCUDA when it is loaded.
        const auto s = c10::getDeviceAllocator(at::kCUDA)->getDeviceStats(static_cast<c10::DeviceIndex>(device));
        const auto all = static_cast<size_t>(c10::CachingAllocator::StatType::AGGREGATE);
        stats->allocated_bytes = static_cast<uint64_t>(s.allocated_bytes[all].current);
        stats->peak_allocated_bytes = static_cast<uint64_t>(s.allocated_bytes[all].peak);
        stats->reserved_bytes = static_cast<uint64_t>(s.reserved_bytes[all].current);
        stats->peak_reserved_bytes = static_cast<uint64_t>(s.reserved_bytes[all].peak);
        return CT_OK;
    })
}

CTStatus ct_cuda_reset_peak_memory(int32_t device) {
    CT_GUARD({
        require_cuda_device(device);
        c10::getDeviceAllocator(at::kCUDA)->resetPeakStats(static_cast<c10::DeviceIndex>(device));
        return CT_OK;
    })
}

void ct_set_cudnn_benchmark(bool on) { at::globalContext().setBenchmarkCuDNN(on); }
bool ct_cudnn_benchmark(void) { return at::globalContext().benchmarkCuDNN(); }

struct CTGuard {
    c10::InferenceMode mode;
};

CTStatus ct_inference_guard_new(CTGuardRef *out) {
    CT_GUARD({
        *out = new CTGuard();
        return CT_OK;
    })
}

void ct_guard_free(CTGuardRef guard) { delete guard; }

} // extern "C"
