// Tensor creation, lifetime and host access: copies in and out of host memory, zero-copy
// wrapping, metadata, scalars and the constant and range factories.
#include "Internal.hpp"

#include <cstring>

using namespace ctorch;

extern "C" {

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

CTStatus ct_zeros(const int64_t *shape, int32_t ndim, CTDType dtype, CTDevice device,
                  CTTensorRef *out) {
    CT_GUARD({ return wrap(at::zeros(ints(shape, ndim), tensor_options(dtype, device)), out); })
}

CTStatus ct_ones(const int64_t *shape, int32_t ndim, CTDType dtype, CTDevice device,
                 CTTensorRef *out) {
    CT_GUARD({ return wrap(at::ones(ints(shape, ndim), tensor_options(dtype, device)), out); })
}

CTStatus ct_full(const int64_t *shape, int32_t ndim, double value, CTDType dtype,
                 CTDevice device, CTTensorRef *out) {
    CT_GUARD({ return wrap(at::full(ints(shape, ndim), value, tensor_options(dtype, device)), out); })
}

CTStatus ct_arange(double start, double end, double step, CTDType dtype, CTDevice device,
                   CTTensorRef *out) {
    CT_GUARD({ return wrap(at::arange(start, end, step, tensor_options(dtype, device)), out); })
}

} // extern "C"
