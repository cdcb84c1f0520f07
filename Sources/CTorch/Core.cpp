// Errors, dtypes, devices, threads, creation and host access.
#include "Internal.hpp"

#include <ATen/Parallel.h>
#include <ATen/Version.h>
#include <torch/headeronly/version.h>
#include <ATen/CPUGeneratorImpl.h>
#include <ATen/detail/CUDAHooksInterface.h>
#include <c10/core/InferenceMode.h>
#include <c10/core/CPUAllocator.h>
#include <c10/core/CachingDeviceAllocator.h>
#include <dlfcn.h>
#include <cstring>
#include <mutex>

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

void ct_manual_seed(uint64_t seed) {
    at::manual_seed(seed);
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

struct CTGenerator {
    at::Generator generator;
};

CTStatus ct_generator_new(uint64_t seed, CTDevice device, CTGeneratorRef *out) {
    CT_GUARD({
        at::Device d = to_device(device);
        at::Generator g = d.is_cuda() ? at::detail::getCUDAHooks().getNewGenerator(d.index())
                                      : at::detail::createCPUGenerator(seed);
        {
            std::lock_guard<std::mutex> lock(g.mutex());
            g.set_current_seed(seed);
        }
        *out = new CTGenerator{g};
        return CT_OK;
    })
}

void ct_generator_free(CTGeneratorRef g) { delete g; }

void ct_free(CTTensorRef t) { delete t; }

static int64_t checked_numel(const int64_t *shape, int32_t ndim) {
    int64_t n = 1;
    for (int32_t i = 0; i < ndim; ++i) {
        if (shape[i] < 0) throw std::invalid_argument("negative dimension in shape");
        if (shape[i] != 0 && n > INT64_MAX / shape[i]) throw std::invalid_argument("shape overflows");
        n *= shape[i];
    }
    return n;
}

CTStatus ct_from_host(const void *data, const int64_t *shape, int32_t ndim, CTDType dtype,
                      CTTensorRef *out) {
    CT_GUARD({
        auto sizes = ints(shape, ndim);
        int64_t n = checked_numel(shape, ndim);
        auto result = at::empty(sizes, at::TensorOptions().dtype(to_scalar_type(dtype)));
        if (n > 0) {
            if (data == nullptr) throw std::invalid_argument("data is NULL");
            std::memcpy(result.data_ptr(), data, static_cast<size_t>(n) * result.element_size());
        }
        return wrap(result, out);
    })
}

CTStatus ct_from_host_nocopy(void *data, const int64_t *shape, const int64_t *strides,
                             int32_t ndim, CTDType dtype, void (*release)(void *context),
                             void *context, CTTensorRef *out) {
    CT_GUARD({
        auto sizes = ints(shape, ndim);
        checked_numel(shape, ndim);
        auto options = at::TensorOptions().dtype(to_scalar_type(dtype));
        auto deleter = [release, context](void *) {
            if (release != nullptr) release(context);
        };
        at::Tensor result = strides != nullptr
                                ? at::from_blob(data, sizes, ints(strides, ndim), deleter, options)
                                : at::from_blob(data, sizes, deleter, options);
        return wrap(result, out);
    })
}

CTStatus ct_to_host(CTTensorRef t, void *dst, size_t bytes) {
    CT_GUARD({
        const at::Tensor &x = T(t);
        size_t need = static_cast<size_t>(x.numel()) * x.element_size();
        if (bytes != need)
            throw std::invalid_argument("destination holds " + std::to_string(bytes) +
                                        " bytes, the tensor needs " + std::to_string(need));
        if (need == 0) return CT_OK;
        at::Tensor host = x.to(at::kCPU).contiguous();
        std::memcpy(dst, host.data_ptr(), need);
        return CT_OK;
    })
}

int32_t ct_ndim(CTTensorRef t) { return t ? static_cast<int32_t>(t->tensor.dim()) : 0; }

void ct_shape(CTTensorRef t, int64_t *out) {
    if (!t) return;
    auto s = t->tensor.sizes();
    for (size_t i = 0; i < s.size(); ++i) out[i] = s[i];
}

void ct_strides(CTTensorRef t, int64_t *out) {
    if (!t) return;
    auto s = t->tensor.strides();
    for (size_t i = 0; i < s.size(); ++i) out[i] = s[i];
}

int64_t ct_numel(CTTensorRef t) { return t ? t->tensor.numel() : 0; }
CTDType ct_dtype(CTTensorRef t) { return from_scalar_type(t->tensor.scalar_type()); }

CTDevice ct_device(CTTensorRef t) {
    auto d = t->tensor.device();
    return CTDevice{d.is_cuda() ? CT_CUDA : CT_CPU, d.is_cuda() ? d.index() : -1};
}

bool ct_is_contiguous(CTTensorRef t) { return t && t->tensor.is_contiguous(); }

const void *ct_data_ptr(CTTensorRef t) {
    if (!t || !t->tensor.device().is_cpu()) return nullptr;
    return t->tensor.data_ptr();
}

CTStatus ct_item_double(CTTensorRef t, double *out) {
    CT_GUARD({
        *out = T(t).item<double>();
        return CT_OK;
    })
}

CTStatus ct_item_int64(CTTensorRef t, int64_t *out) {
    CT_GUARD({
        *out = T(t).item<int64_t>();
        return CT_OK;
    })
}

static at::TensorOptions options(CTDType dtype, CTDevice device) {
    return at::TensorOptions().dtype(to_scalar_type(dtype)).device(to_device(device));
}

CTStatus ct_zeros(const int64_t *shape, int32_t ndim, CTDType dtype, CTDevice device,
                  CTTensorRef *out) {
    CT_GUARD({ return wrap(at::zeros(ints(shape, ndim), options(dtype, device)), out); })
}

CTStatus ct_ones(const int64_t *shape, int32_t ndim, CTDType dtype, CTDevice device,
                 CTTensorRef *out) {
    CT_GUARD({ return wrap(at::ones(ints(shape, ndim), options(dtype, device)), out); })
}

CTStatus ct_full(const int64_t *shape, int32_t ndim, double value, CTDType dtype,
                 CTDevice device, CTTensorRef *out) {
    CT_GUARD({ return wrap(at::full(ints(shape, ndim), value, options(dtype, device)), out); })
}

CTStatus ct_arange(double start, double end, double step, CTDType dtype, CTDevice device,
                   CTTensorRef *out) {
    CT_GUARD({ return wrap(at::arange(start, end, step, options(dtype, device)), out); })
}

CTStatus ct_hann_window(int64_t length, CTDType dtype, CTDevice device, CTTensorRef *out) {
    CT_GUARD({ return wrap(at::hann_window(length, options(dtype, device)), out); })
}

CTStatus ct_randn(const int64_t *shape, int32_t ndim, CTDType dtype, CTDevice device,
                  CTGeneratorRef generator, CTTensorRef *out) {
    CT_GUARD({
        c10::optional<at::Generator> g;
        if (generator) g = generator->generator;
        return wrap(at::randn(ints(shape, ndim), g, options(dtype, device)), out);
    })
}

CTStatus ct_rand(const int64_t *shape, int32_t ndim, CTDType dtype, CTDevice device,
                 CTGeneratorRef generator, CTTensorRef *out) {
    CT_GUARD({
        c10::optional<at::Generator> g;
        if (generator) g = generator->generator;
        return wrap(at::rand(ints(shape, ndim), g, options(dtype, device)), out);
    })
}

} // extern "C"
