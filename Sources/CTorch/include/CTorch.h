// CTorch: a small C interface over LibTorch/ATen for rvc-nano.
//
// Tensors are opaque handles owned by the caller (free with ct_free). Every function that can fail
// returns a CTStatus: CT_OK on success, otherwise an error code, with a message available from
// ct_last_error() on the same thread until the next failing call. No C++ exception crosses this
// boundary. Output handles are written only on success. Nothing here knows about RVC.
#ifndef CTORCH_H
#define CTORCH_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct CTTensor CTTensor;
typedef CTTensor *CTTensorRef;
typedef struct CTGenerator CTGenerator;
typedef CTGenerator *CTGeneratorRef;
typedef struct CTGuard CTGuard;
typedef CTGuard *CTGuardRef;

typedef int32_t CTStatus;
enum {
    CT_OK = 0,
    CT_ERROR = 1,            // LibTorch raised an error (shape mismatch, bad dtype, ...)
    CT_INVALID_ARGUMENT = 2, // rejected by the shim before reaching LibTorch
    CT_UNAVAILABLE = 3,      // a device or feature is not available (e.g. CUDA absent)
    CT_OUT_OF_MEMORY = 4,
};

/// Element types.
typedef enum CTDType {
    CT_FLOAT32 = 0,
    CT_FLOAT16 = 1,
    CT_BFLOAT16 = 2,
    CT_FLOAT64 = 3,
    CT_INT64 = 4,
    CT_INT32 = 5,
    CT_BOOL = 6,
    CT_UINT8 = 7,
    CT_INT16 = 8,
    CT_INT8 = 9,
    CT_COMPLEX64 = 10,
} CTDType;

typedef enum CTDeviceType { CT_CPU = 0, CT_CUDA = 1 } CTDeviceType;

typedef struct CTDevice {
    int32_t type;  // CTDeviceType
    int32_t index; // CUDA ordinal; -1 = current/default
} CTDevice;

/// The message of the last failing call on this thread ("" if none).
const char *ct_last_error(void);

// MARK: - Library, threads, devices (Core.cpp)

/// LibTorch's version string, e.g. "2.11.0".
const char *ct_version(void);
/// The vector instruction set LibTorch's CPU kernels use here: "DEFAULT", "AVX2", "AVX512", …
const char *ct_cpu_capability(void);
void ct_set_num_threads(int32_t n);
int32_t ct_get_num_threads(void);
/// Sets the intra-op threads of the calling thread only (OpenMP's and MKL's per-thread counts),
/// leaving the process default and other threads as they are; false where this LibTorch build
/// has no OpenMP to set. A thread that sets it must set it back before it runs other work.
bool ct_set_thread_local_threads(int32_t n);
/// Bounds oneDNN's primitive cache at `capacity` primitives (its default, 1 024, keeps every
/// convolution shape ever run, with its buffers, so memory grows with each new input length).
/// oneDNN reads the setting once, at its first primitive, so call this before the first
/// convolution; an `ONEDNN_PRIMITIVE_CACHE_CAPACITY` already in the environment wins.
CTStatus ct_bound_primitive_cache(int32_t capacity);
/// Fixes glibc's mmap threshold at `bytes` (4 KiB to 32 MiB): malloc requests from that size up
/// are mapped on their own and unmapped when freed. glibc's default threshold rises after each
/// large free (up to 32 MiB), after which multi-MiB requests come from its heaps and leave holes
/// there that it never returns. A threshold the user set (`MALLOC_MMAP_THRESHOLD_`, or
/// `glibc.malloc.mmap_threshold` in `GLIBC_TUNABLES`) wins.
CTStatus ct_fix_malloc_mmap_threshold(int64_t bytes);
/// True when CUDA can be used (tries to load LibTorch's CUDA library once).
bool ct_cuda_is_available(void);
int32_t ct_cuda_device_count(void);
/// Free and total memory of a CUDA device in bytes.
CTStatus ct_cuda_mem_info(int32_t device, uint64_t *free_bytes, uint64_t *total_bytes);
/// Name of a CUDA device, written into buf (NUL-terminated).
CTStatus ct_cuda_device_name(int32_t device, char *buf, size_t len);
CTStatus ct_cuda_synchronize(int32_t device);
/// The CUDA caching allocator's byte counts for a device (torch.cuda.memory_stats): tensors'
/// bytes now and at their peak, and the bytes it holds from the driver now and at their peak.
typedef struct CTCUDAMemoryStats {
    uint64_t allocated_bytes;
    uint64_t peak_allocated_bytes;
    uint64_t reserved_bytes;
    uint64_t peak_reserved_bytes;
} CTCUDAMemoryStats;
CTStatus ct_cuda_memory_stats(int32_t device, CTCUDAMemoryStats *stats);
/// Starts the peaks of ct_cuda_memory_stats again from the current counts.
CTStatus ct_cuda_reset_peak_memory(int32_t device);
/// cuDNN autotuning (torch.backends.cudnn.benchmark).
void ct_set_cudnn_benchmark(bool on);
bool ct_cudnn_benchmark(void);

/// Enters inference mode (no autograd bookkeeping) for the current thread until ct_guard_free.
CTStatus ct_inference_guard_new(CTGuardRef *out);
void ct_guard_free(CTGuardRef guard);

// MARK: - Host memory cache (HostCache.cpp)

/// Makes LibTorch keep freed CPU blocks of 1 MiB and more (up to `limit_bytes` in all) for reuse
/// instead of returning them to the system (repeated page faults on every large activation). A
/// request no cached block serves first unmaps cached blocks (freed longest ago first) worth its
/// size, so what is mapped never exceeds the most ever in use at once.
/// Installs the caching allocator on first call; later calls change the limit (0 frees the cache).
CTStatus ct_enable_host_cache(int64_t limit_bytes);
/// Frees every block the host cache holds (no-op when it is not installed); the limit stays.
CTStatus ct_trim_host_cache(void);
/// Bytes of freed blocks the host cache holds now (0 when it is not installed).
int64_t ct_host_cache_bytes(void);
/// Cached blocks of exactly `bytes` (a request's size rounded up to 64 KiB), for tests.
int64_t ct_host_cache_blocks(int64_t bytes);
/// Checks the eviction order on the installed cache under its lock (for tests): blocks of `first`
/// then `second` bytes (multiples of 64 KiB, first ≤ second) are cached, a miss of `first` bytes
/// must unmap only the first, a larger one the second. Fails with what went wrong.
CTStatus ct_host_cache_check_eviction(int64_t first, int64_t second);

// MARK: - Random generators and sampling (Random.cpp)

/// Seeds LibTorch's default CPU (and CUDA, if present) generators.
void ct_manual_seed(uint64_t seed);
CTStatus ct_generator_new(uint64_t seed, CTDevice device, CTGeneratorRef *out);
void ct_generator_free(CTGeneratorRef g);
/// Standard normal / uniform [0,1) samples; `generator` may be NULL (default generator).
CTStatus ct_randn(const int64_t *shape, int32_t ndim, CTDType dtype, CTDevice device,
                  CTGeneratorRef generator, CTTensorRef *out);
CTStatus ct_rand(const int64_t *shape, int32_t ndim, CTDType dtype, CTDevice device,
                 CTGeneratorRef generator, CTTensorRef *out);

// MARK: - Creation, lifetime and host access (Creation.cpp)

void ct_free(CTTensorRef t);
/// Copies `ndim`-dimensional data of `dtype` from host memory into a new CPU tensor.
CTStatus ct_from_host(const void *data, const int64_t *shape, int32_t ndim, CTDType dtype,
                      CTTensorRef *out);
/// Wraps host memory without copying. `strides` may be NULL (contiguous). `release(context)` is
/// called once when LibTorch no longer needs the memory (possibly on another thread).
CTStatus ct_from_host_nocopy(void *data, const int64_t *shape, const int64_t *strides,
                             int32_t ndim, CTDType dtype, void (*release)(void *context),
                             void *context, CTTensorRef *out);
/// Copies the tensor's elements (any device, any layout) in its dtype into `dst`, which holds
/// `bytes` bytes; `bytes` must equal numel × element size.
CTStatus ct_to_host(CTTensorRef t, void *dst, size_t bytes);
int32_t ct_ndim(CTTensorRef t);
/// Writes ct_ndim(t) sizes.
void ct_shape(CTTensorRef t, int64_t *out);
void ct_strides(CTTensorRef t, int64_t *out);
int64_t ct_numel(CTTensorRef t);
CTDType ct_dtype(CTTensorRef t);
CTDevice ct_device(CTTensorRef t);
bool ct_is_contiguous(CTTensorRef t);
/// Address of the first element of a CPU tensor (for zero-copy reads); NULL on other devices.
const void *ct_data_ptr(CTTensorRef t);
CTStatus ct_item_double(CTTensorRef t, double *out);
CTStatus ct_item_int64(CTTensorRef t, int64_t *out);

CTStatus ct_zeros(const int64_t *shape, int32_t ndim, CTDType dtype, CTDevice device,
                  CTTensorRef *out);
CTStatus ct_ones(const int64_t *shape, int32_t ndim, CTDType dtype, CTDevice device,
                 CTTensorRef *out);
CTStatus ct_full(const int64_t *shape, int32_t ndim, double value, CTDType dtype,
                 CTDevice device, CTTensorRef *out);
CTStatus ct_arange(double start, double end, double step, CTDType dtype, CTDevice device,
                   CTTensorRef *out);

// MARK: - Type, device and layout: copies, views, joins, indexing (Layout.cpp)

CTStatus ct_to(CTTensorRef t, CTDevice device, CTDType dtype, bool non_blocking,
               CTTensorRef *out);
CTStatus ct_contiguous(CTTensorRef t, CTTensorRef *out);
CTStatus ct_clone(CTTensorRef t, CTTensorRef *out);
/// Copies src into dst in place (broadcasting, dtype/device conversion).
CTStatus ct_copy_(CTTensorRef dst, CTTensorRef src);
CTStatus ct_reshape(CTTensorRef t, const int64_t *shape, int32_t ndim, CTTensorRef *out);
CTStatus ct_permute(CTTensorRef t, const int64_t *dims, int32_t ndim, CTTensorRef *out);
CTStatus ct_transpose(CTTensorRef t, int64_t dim0, int64_t dim1, CTTensorRef *out);
CTStatus ct_expand(CTTensorRef t, const int64_t *shape, int32_t ndim, CTTensorRef *out);
CTStatus ct_squeeze(CTTensorRef t, int64_t dim, CTTensorRef *out);
CTStatus ct_unsqueeze(CTTensorRef t, int64_t dim, CTTensorRef *out);
CTStatus ct_flip(CTTensorRef t, const int64_t *dims, int32_t ndim, CTTensorRef *out);
/// t[start:end:step] along dim (end is clamped; negative indices count from the end).
CTStatus ct_slice(CTTensorRef t, int64_t dim, int64_t start, int64_t end, int64_t step,
                  CTTensorRef *out);
/// A view of the diagonal band of a contiguous [..., n, P] tensor: [..., n, width] with element
/// (..., i, m) = (..., i, first + i + m); the band must lie inside the rows.
CTStatus ct_diagonal_band(CTTensorRef t, int64_t width, int64_t first, CTTensorRef *out);
CTStatus ct_narrow(CTTensorRef t, int64_t dim, int64_t start, int64_t length,
                   CTTensorRef *out);
CTStatus ct_cat(const CTTensorRef *tensors, int32_t count, int64_t dim, CTTensorRef *out);
CTStatus ct_stack(const CTTensorRef *tensors, int32_t count, int64_t dim, CTTensorRef *out);
CTStatus ct_index_select(CTTensorRef t, int64_t dim, CTTensorRef index, CTTensorRef *out);
CTStatus ct_gather(CTTensorRef t, int64_t dim, CTTensorRef index, CTTensorRef *out);
CTStatus ct_repeat_interleave(CTTensorRef t, int64_t repeats, int64_t dim, CTTensorRef *out);
CTStatus ct_view_as_real(CTTensorRef t, CTTensorRef *out);
CTStatus ct_embedding(CTTensorRef weight, CTTensorRef indices, CTTensorRef *out);

// MARK: - Elementwise (Elementwise.cpp)

typedef enum CTUnaryOp {
    CT_NEG = 0, CT_EXP, CT_LOG, CT_SIN, CT_COS, CT_TANH, CT_SIGMOID, CT_RELU, CT_GELU,
    CT_SQRT, CT_ABS, CT_FLOOR, CT_CEIL, CT_ROUND, CT_RECIPROCAL, CT_LOG10, CT_LOG1P,
    CT_LOGICAL_NOT, CT_ISFINITE, CT_SQUARE, CT_RSQRT, CT_SIGN, CT_ISNAN,
} CTUnaryOp;
CTStatus ct_unary(CTUnaryOp op, CTTensorRef t, CTTensorRef *out);

typedef enum CTBinaryOp {
    CT_ADD = 0, CT_SUB, CT_MUL, CT_DIV, CT_POW, CT_REMAINDER, CT_MAXIMUM, CT_MINIMUM,
    CT_EQ, CT_NE, CT_LT, CT_LE, CT_GT, CT_GE, CT_LOGICAL_AND, CT_LOGICAL_OR, CT_ATAN2,
    CT_FLOOR_DIVIDE,
} CTBinaryOp;
/// a op b with broadcasting and type promotion.
CTStatus ct_binary(CTBinaryOp op, CTTensorRef a, CTTensorRef b, CTTensorRef *out);
/// a op s, or s op a when `scalar_first` is true. The scalar is a Python-style "wrapped number":
/// it does not promote the tensor's dtype.
CTStatus ct_binary_scalar(CTBinaryOp op, CTTensorRef a, double s, bool scalar_first,
                          CTTensorRef *out);
CTStatus ct_leaky_relu(CTTensorRef t, double slope, CTTensorRef *out);
/// In place: t = leaky_relu(t, slope).
CTStatus ct_leaky_relu_(CTTensorRef t, double slope);
/// In place: t = t / value.
CTStatus ct_div_scalar_(CTTensorRef t, double value);
/// GELU with the tanh approximation when `tanh_approx`, else the exact erf form.
CTStatus ct_gelu(CTTensorRef t, bool tanh_approx, CTTensorRef *out);
/// In place: t = gelu(t).
CTStatus ct_gelu_(CTTensorRef t, bool tanh_approx);
/// clamp; has_min/has_max select which bounds apply.
CTStatus ct_clamp(CTTensorRef t, bool has_min, double min, bool has_max, double max,
                  CTTensorRef *out);
CTStatus ct_where(CTTensorRef cond, CTTensorRef a, CTTensorRef b, CTTensorRef *out);
CTStatus ct_masked_fill(CTTensorRef t, CTTensorRef mask, double value, CTTensorRef *out);
/// a + alpha·b (torch.add with alpha).
CTStatus ct_add_scaled(CTTensorRef a, CTTensorRef b, double alpha, CTTensorRef *out);
/// In-place a += b (broadcasting b).
CTStatus ct_add_(CTTensorRef a, CTTensorRef b);

// MARK: - Reductions and scans (Reduction.cpp)

typedef enum CTReduceOp { CT_SUM = 0, CT_MEAN, CT_AMAX, CT_AMIN, CT_PROD, CT_ALL, CT_ANY } CTReduceOp;
/// Reduces over `dims` (all dimensions when ndims == 0).
CTStatus ct_reduce(CTReduceOp op, CTTensorRef t, const int64_t *dims, int32_t ndims,
                   bool keepdim, CTTensorRef *out);
/// p-norm over dims (all when ndims == 0).
CTStatus ct_norm(CTTensorRef t, double p, const int64_t *dims, int32_t ndims, bool keepdim,
                 CTTensorRef *out);
CTStatus ct_argmax(CTTensorRef t, int64_t dim, bool keepdim, CTTensorRef *out);
CTStatus ct_max_dim(CTTensorRef t, int64_t dim, bool keepdim, CTTensorRef *values,
                    CTTensorRef *indices);
CTStatus ct_topk(CTTensorRef t, int64_t k, int64_t dim, bool largest, bool sorted,
                 CTTensorRef *values, CTTensorRef *indices);
CTStatus ct_sort(CTTensorRef t, int64_t dim, bool descending, bool stable, CTTensorRef *values,
                 CTTensorRef *indices);
CTStatus ct_cumsum(CTTensorRef t, int64_t dim, CTTensorRef *out);
CTStatus ct_softmax(CTTensorRef t, int64_t dim, CTTensorRef *out);
CTStatus ct_log_softmax(CTTensorRef t, int64_t dim, CTTensorRef *out);

// MARK: - Linear algebra (LinearAlgebra.cpp)

CTStatus ct_matmul(CTTensorRef a, CTTensorRef b, CTTensorRef *out);
CTStatus ct_bmm(CTTensorRef a, CTTensorRef b, CTTensorRef *out);
/// x·Wᵀ + b; `bias` may be NULL.
CTStatus ct_linear(CTTensorRef x, CTTensorRef weight, CTTensorRef bias, CTTensorRef *out);
/// Softmax attention: softmax(q·kᵀ·scale + mask)·v. `mask` may be NULL (additive float mask or
/// boolean keep-mask); scale <= 0 means 1/sqrt(head dim).
CTStatus ct_scaled_dot_product_attention(CTTensorRef q, CTTensorRef k, CTTensorRef v,
                                         CTTensorRef mask, double scale, CTTensorRef *out);

// MARK: - Convolution (Convolution.cpp; the block-DFT form in BlockDFTConv.cpp)

/// `bias` may be NULL. Arrays have one entry per spatial dimension (1 for conv1d, 2 for conv2d).
CTStatus ct_conv1d(CTTensorRef x, CTTensorRef weight, CTTensorRef bias, int64_t stride,
                   int64_t padding, int64_t dilation, int64_t groups, CTTensorRef *out);
/// How the stride-1 conv1d forms below may fuse their neighbours: with `leaky` non-zero the input
/// is read through leaky_relu(·, slope) (exactly as LibTorch computes it); with `residual`
/// (contiguous float32 [1, O, T_out]) the result (conv + bias) + residual is written into
/// `residual` itself and returned, instead of into a new tensor. Either gives bit-for-bit the
/// unfused sequence of operations.
/// Stride-1 float32 conv1d of one sequence ([1, C, T]) as tiled im2col + matrix products, `tile`
/// output positions per product.
CTStatus ct_conv1d_gemm(CTTensorRef x, CTTensorRef weight, CTTensorRef bias, CTTensorRef residual,
                        int64_t padding, int64_t dilation, int64_t tile, int32_t leaky,
                        double slope, CTTensorRef *out);
/// The frequency-domain weights for ct_conv1d_dft: float32 [3, F, O, C] with F = block/2 + 1, the
/// real part, the imaginary part and their sum of the conjugate DFT of each [O, C] kernel pair over
/// `block` points (a power of two from 8 to 1024, longer than the kernel): the three weights of a
/// complex product done as three real ones.
CTStatus ct_conv1d_dft_prepare(CTTensorRef weight, int64_t block, CTTensorRef *out);
/// Stride-1 float32 conv1d of one sequence ([1, C, T]) by overlap-save over `block`-point FFTs, the
/// channels mixed per bin by matrix products over `tile_blocks` blocks; `spectrum` from ct_conv1d_dft_prepare,
/// `kernel` the original kernel length. Dilation runs each interleaved phase separately.
/// Fuses leaky_relu and a residual as ct_conv1d_gemm does.
CTStatus ct_conv1d_dft(CTTensorRef x, CTTensorRef spectrum, CTTensorRef bias, CTTensorRef residual,
                       int64_t kernel, int64_t padding, int64_t dilation, int64_t block,
                       int64_t tile_blocks, int32_t leaky, double slope, CTTensorRef *out);
/// Lets the project's own vector kernels (ct_conv1d_dft's transforms, gathers and scatters) use
/// their AVX2/FMA builds where the CPU has AVX2 and FMA (`wide` 1, the default) or only their
/// baseline builds (0). Returns 1 when the AVX2 builds are in use afterwards. For tests.
int32_t ct_set_vector_kernels(int32_t wide);
CTStatus ct_conv2d(CTTensorRef x, CTTensorRef weight, CTTensorRef bias, const int64_t *stride,
                   const int64_t *padding, const int64_t *dilation, int64_t groups,
                   CTTensorRef *out);
CTStatus ct_conv_transpose1d(CTTensorRef x, CTTensorRef weight, CTTensorRef bias,
                             int64_t stride, int64_t padding, int64_t output_padding,
                             int64_t groups, int64_t dilation, CTTensorRef *out);
CTStatus ct_conv_transpose2d(CTTensorRef x, CTTensorRef weight, CTTensorRef bias,
                             const int64_t *stride, const int64_t *padding,
                             const int64_t *output_padding, int64_t groups,
                             const int64_t *dilation, CTTensorRef *out);

// MARK: - Normalization (Normalization.cpp)

/// Layer norm over the trailing `ndim` dimensions given by `normalized_shape`; weight/bias may be NULL.
CTStatus ct_layer_norm(CTTensorRef x, const int64_t *normalized_shape, int32_t ndim,
                       CTTensorRef weight, CTTensorRef bias, double eps, CTTensorRef *out);
/// GroupNorm with one group per channel, in place, on a contiguous float32 CPU [N, C, L]:
/// per (n, c) the mean and biased variance over L (accumulated in double), then
/// (x − mean) / sqrt(var + eps) · weight[c] + bias[c]. `weight`/`bias` are float32 [C].
CTStatus ct_channel_norm_(CTTensorRef x, CTTensorRef weight, CTTensorRef bias, double eps);
CTStatus ct_group_norm(CTTensorRef x, int64_t groups, CTTensorRef weight, CTTensorRef bias,
                       double eps, CTTensorRef *out);
/// Inference batch norm with running statistics; weight/bias may be NULL.
CTStatus ct_batch_norm(CTTensorRef x, CTTensorRef weight, CTTensorRef bias,
                       CTTensorRef running_mean, CTTensorRef running_var, double eps,
                       CTTensorRef *out);
/// torch._weight_norm(v, g, dim): v · (g / ‖v‖) with the norm over every dimension but `dim`.
CTStatus ct_weight_norm(CTTensorRef v, CTTensorRef g, int64_t dim, CTTensorRef *out);

// MARK: - Padding, interpolation and pooling (Resampling.cpp)

typedef enum CTPadMode { CT_PAD_CONSTANT = 0, CT_PAD_REFLECT, CT_PAD_REPLICATE } CTPadMode;
/// torch.nn.functional.pad: `pads` = (last-dim left, last-dim right, next-to-last left, ...).
CTStatus ct_pad(CTTensorRef x, const int64_t *pads, int32_t npads, CTPadMode mode, double value,
                CTTensorRef *out);

typedef enum CTInterpolateMode { CT_NEAREST = 0, CT_LINEAR } CTInterpolateMode;
/// 1-D interpolation of [N, C, L]: to `size` points when size > 0, else by `scale_factor`
/// (recomputing nothing: the scale is passed to the kernel as torch does).
CTStatus ct_interpolate1d(CTTensorRef x, CTInterpolateMode mode, int64_t size,
                          double scale_factor, bool align_corners, CTTensorRef *out);
CTStatus ct_avg_pool2d(CTTensorRef x, const int64_t *kernel, const int64_t *stride,
                       const int64_t *padding, CTTensorRef *out);

// MARK: - Spectral (Spectral.cpp)

/// Periodic Hann window of `length` (torch.hann_window).
CTStatus ct_hann_window(int64_t length, CTDType dtype, CTDevice device, CTTensorRef *out);
/// Complex STFT ([B, n_fft/2+1, frames], onesided) with centre padding in `pad_mode`;
/// `window` may be NULL (rectangular).
CTStatus ct_stft(CTTensorRef x, int64_t n_fft, int64_t hop, int64_t win_length,
                 CTTensorRef window, bool center, CTPadMode pad_mode, CTTensorRef *out);

// MARK: - Recurrent (Recurrent.cpp)

/// Multi-layer GRU (batch-first when `batch_first`), zero initial state. `params` holds, per layer
/// and direction, w_ih, w_hh, b_ih, b_hh (PyTorch order, forward before reverse).
CTStatus ct_gru(CTTensorRef input, const CTTensorRef *params, int32_t nparams,
                int64_t num_layers, bool bidirectional, bool batch_first, CTTensorRef *out);

#ifdef __cplusplus
}
#endif

#endif