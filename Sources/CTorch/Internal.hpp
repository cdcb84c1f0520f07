// Internal helpers shared by the CTorch translation units (not part of the C interface).
#pragma once

#include <ATen/ATen.h>
#include <c10/util/Exception.h>
#include <cstring>
#include <exception>
#include <new>
#include <string>
#include <vector>

#include "CTorch.h"

struct CTTensor {
    at::Tensor tensor;
};

namespace ctorch {

void set_error(const std::string &message);
void clear_error();
at::ScalarType to_scalar_type(CTDType dtype);
CTDType from_scalar_type(at::ScalarType type);
at::Device to_device(CTDevice device);
/// Loads LibTorch's CUDA library once (registering its hooks); true when CUDA is usable.
bool ensure_cuda();

inline CTStatus wrap(at::Tensor result, CTTensorRef *out) {
    *out = new CTTensor{std::move(result)};
    return CT_OK;
}

inline const at::Tensor &T(CTTensorRef t) {
    if (t == nullptr) throw std::invalid_argument("a tensor argument is NULL");
    return t->tensor;
}

inline c10::optional<at::Tensor> opt(CTTensorRef t) {
    if (t == nullptr) return c10::nullopt;
    return t->tensor;
}

inline at::IntArrayRef ints(const int64_t *values, int32_t count) {
    if (count < 0 || (count > 0 && values == nullptr))
        throw std::invalid_argument("an integer array argument is NULL or has a negative length");
    return at::IntArrayRef(values, static_cast<size_t>(count));
}

/// The tensors of a C array of handles (cat, stack, the GRU's parameters); empty is refused.
inline std::vector<at::Tensor> tensor_list(const CTTensorRef *tensors, int32_t count) {
    if (count <= 0 || tensors == nullptr) throw std::invalid_argument("an empty tensor list");
    std::vector<at::Tensor> list;
    list.reserve(static_cast<size_t>(count));
    for (int32_t i = 0; i < count; ++i) list.push_back(T(tensors[i]));
    return list;
}

/// LibTorch's name of a padding mode (ct_pad, and ct_stft's centre padding).
inline std::string pad_mode_name(CTPadMode mode) {
    switch (mode) {
    case CT_PAD_CONSTANT: return "constant";
    case CT_PAD_REFLECT: return "reflect";
    case CT_PAD_REPLICATE: return "replicate";
    }
    throw std::invalid_argument("unknown pad mode");
}

/// The options of a new tensor of `dtype` on `device` (the factories).
inline at::TensorOptions tensor_options(CTDType dtype, CTDevice device) {
    return at::TensorOptions().dtype(to_scalar_type(dtype)).device(to_device(device));
}

/// The fusions the stride-1 conv1d forms offer (see ct_conv1d_gemm): leaky_relu on the input as
/// LibTorch's CPU kernel computes it (`v > 0 ? v : v · slope` in float), and a residual the
/// result is accumulated into.
struct ConvFusion {
    bool leaky = false;
    float slope = 0;
    c10::optional<at::Tensor> residual;

    ConvFusion(CTTensorRef residual_ref, int32_t leaky_flag, double slope_value)
        : leaky(leaky_flag != 0), slope(static_cast<float>(slope_value)) {
        if (residual_ref != nullptr) residual = T(residual_ref);
    }

    /// One input value, through leaky_relu when asked.
    float load(float v) const { return leaky && !(v > 0.0f) ? v * slope : v; }

    /// Copies `n` input values, through leaky_relu when asked.
    void load(float *dst, const float *src, int64_t n) const {
        if (!leaky) {
            std::memcpy(dst, src, sizeof(float) * static_cast<size_t>(n));
            return;
        }
        for (int64_t i = 0; i < n; ++i) dst[i] = load(src[i]);
    }

    /// The output tensor for a convolution of `input`: the residual (checked to be [1, O, T] and
    /// to share no memory with `input`, whose values are still to be read) or a new one.
    at::Tensor output(const at::Tensor &input, int64_t o, int64_t length, const char *op) const {
        if (!residual) return at::empty({1, o, length}, input.options());
        const at::Tensor &r = *residual;
        TORCH_CHECK(r.dim() == 3 && r.size(0) == 1 && r.size(1) == o && r.size(2) == length &&
                        r.is_contiguous() && r.scalar_type() == at::kFloat && r.is_cpu(),
                    op, ": the residual must be a contiguous float32 CPU tensor [1, ", o, ", ",
                    length, "], not ", r.sizes());
        TORCH_CHECK(!r.storage().is_alias_of(input.storage()), op,
                    ": the residual cannot share the input's memory");
        return r;
    }
};

/// `x` itself when its time steps are adjacent (a [N, C, T] tensor or a crop of one along T, whose
/// channels lie further apart), otherwise a contiguous copy: what the stride-1 conv forms read.
inline at::Tensor time_contiguous(const at::Tensor &x) {
    return x.dim() == 3 && x.stride(2) == 1 && x.stride(1) >= x.size(2) ? x : x.contiguous();
}

} // namespace ctorch

/// Runs `body`, converting every C++ exception into a status and a thread-local message.
#define CT_GUARD(...)                                                                         \
    try {                                                                                      \
        ctorch::clear_error();                                                                 \
        __VA_ARGS__                                                                            \
    } catch (const c10::OutOfMemoryError &e) {                                                 \
        ctorch::set_error(e.what_without_backtrace());                                         \
        return CT_OUT_OF_MEMORY;                                                               \
    } catch (const c10::Error &e) {                                                            \
        ctorch::set_error(e.what_without_backtrace());                                         \
        return CT_ERROR;                                                                       \
    } catch (const std::invalid_argument &e) {                                                 \
        ctorch::set_error(e.what());                                                           \
        return CT_INVALID_ARGUMENT;                                                            \
    } catch (const std::bad_alloc &) {                                                         \
        ctorch::set_error("out of memory");                                                    \
        return CT_OUT_OF_MEMORY;                                                               \
    } catch (const std::exception &e) {                                                        \
        ctorch::set_error(e.what());                                                           \
        return CT_ERROR;                                                                       \
    } catch (...) {                                                                            \
        ctorch::set_error("unknown C++ exception");                                            \
        return CT_ERROR;                                                                       \
    }
