// Layout, elementwise, reduction, linear-algebra and neural-network operations.
#include "Internal.hpp"

#include <ATen/Parallel.h>
#include <algorithm>
#include <cmath>
#include <cstring>
#include <vector>

using namespace ctorch;

namespace {

std::vector<at::Tensor> tensor_list(const CTTensorRef *tensors, int32_t count) {
    if (count <= 0 || tensors == nullptr) throw std::invalid_argument("an empty tensor list");
    std::vector<at::Tensor> list;
    list.reserve(static_cast<size_t>(count));
    for (int32_t i = 0; i < count; ++i) list.push_back(T(tensors[i]));
    return list;
}

std::string pad_mode_name(CTPadMode mode) {
    switch (mode) {
    case CT_PAD_CONSTANT: return "constant";
    case CT_PAD_REFLECT: return "reflect";
    case CT_PAD_REPLICATE: return "replicate";
    }
    throw std::invalid_argument("unknown pad mode");
}

at::Tensor unary(CTUnaryOp op, const at::Tensor &x) {
    switch (op) {
    case CT_NEG: return at::neg(x);
    case CT_EXP: return at::exp(x);
    case CT_LOG: return at::log(x);
    case CT_SIN: return at::sin(x);
    case CT_COS: return at::cos(x);
    case CT_TANH: return at::tanh(x);
    case CT_SIGMOID: return at::sigmoid(x);
    case CT_RELU: return at::relu(x);
    case CT_GELU: return at::gelu(x);
    case CT_SQRT: return at::sqrt(x);
    case CT_ABS: return at::abs(x);
    case CT_FLOOR: return at::floor(x);
    case CT_CEIL: return at::ceil(x);
    case CT_ROUND: return at::round(x);
    case CT_RECIPROCAL: return at::reciprocal(x);
    case CT_LOG10: return at::log10(x);
    case CT_LOG1P: return at::log1p(x);
    case CT_LOGICAL_NOT: return at::logical_not(x);
    case CT_ISFINITE: return at::isfinite(x);
    case CT_SQUARE: return at::square(x);
    case CT_RSQRT: return at::rsqrt(x);
    case CT_SIGN: return at::sign(x);
    case CT_ISNAN: return at::isnan(x);
    }
    throw std::invalid_argument("unknown unary op " + std::to_string(static_cast<int>(op)));
}

at::Tensor binary(CTBinaryOp op, const at::Tensor &a, const at::Tensor &b) {
    switch (op) {
    case CT_ADD: return at::add(a, b);
    case CT_SUB: return at::sub(a, b);
    case CT_MUL: return at::mul(a, b);
    case CT_DIV: return at::div(a, b);
    case CT_POW: return at::pow(a, b);
    case CT_REMAINDER: return at::remainder(a, b);
    case CT_MAXIMUM: return at::maximum(a, b);
    case CT_MINIMUM: return at::minimum(a, b);
    case CT_EQ: return at::eq(a, b);
    case CT_NE: return at::ne(a, b);
    case CT_LT: return at::lt(a, b);
    case CT_LE: return at::le(a, b);
    case CT_GT: return at::gt(a, b);
    case CT_GE: return at::ge(a, b);
    case CT_LOGICAL_AND: return at::logical_and(a, b);
    case CT_LOGICAL_OR: return at::logical_or(a, b);
    case CT_ATAN2: return at::atan2(a, b);
    case CT_FLOOR_DIVIDE: return at::floor_divide(a, b);
    }
    throw std::invalid_argument("unknown binary op " + std::to_string(static_cast<int>(op)));
}

at::Tensor binary_scalar(CTBinaryOp op, const at::Tensor &a, const at::Scalar &s) {
    switch (op) {
    case CT_ADD: return at::add(a, s);
    case CT_SUB: return at::sub(a, s);
    case CT_MUL: return at::mul(a, s);
    case CT_DIV: return at::div(a, s);
    case CT_POW: return at::pow(a, s);
    case CT_REMAINDER: return at::remainder(a, s);
    case CT_EQ: return at::eq(a, s);
    case CT_NE: return at::ne(a, s);
    case CT_LT: return at::lt(a, s);
    case CT_LE: return at::le(a, s);
    case CT_GT: return at::gt(a, s);
    case CT_GE: return at::ge(a, s);
    case CT_FLOOR_DIVIDE: return at::floor_divide(a, s);
    default: {
        // A 0-dim tensor made by wrapped_scalar_tensor does not promote, like a Python number.
        auto w = at::scalar_to_tensor(s, a.device());
        w.unsafeGetTensorImpl()->set_wrapped_number(true);
        return binary(op, a, w);
    }
    }
}

at::Tensor scalar_binary(CTBinaryOp op, const at::Scalar &s, const at::Tensor &a) {
    switch (op) {
    case CT_SUB: return at::rsub(a, s);
    case CT_POW: return at::pow(s, a);
    case CT_ADD: return at::add(a, s);
    case CT_MUL: return at::mul(a, s);
    default: {
        auto w = at::scalar_to_tensor(s, a.device());
        w.unsafeGetTensorImpl()->set_wrapped_number(true);
        return binary(op, w, a);
    }
    }
}

} // namespace

extern "C" {

// MARK: Type, device and layout

CTStatus ct_to(CTTensorRef t, CTDevice device, CTDType dtype, bool non_blocking, CTTensorRef *out) {
    CT_GUARD({
        return wrap(T(t).to(to_device(device), to_scalar_type(dtype), non_blocking), out);
    })
}

CTStatus ct_contiguous(CTTensorRef t, CTTensorRef *out) {
    CT_GUARD({ return wrap(T(t).contiguous(), out); })
}

CTStatus ct_clone(CTTensorRef t, CTTensorRef *out) {
    CT_GUARD({ return wrap(T(t).clone(), out); })
}

CTStatus ct_copy_(CTTensorRef dst, CTTensorRef src) {
    CT_GUARD({
        if (dst == nullptr) throw std::invalid_argument("dst is NULL");
        dst->tensor.copy_(T(src));
        return CT_OK;
    })
}

CTStatus ct_reshape(CTTensorRef t, const int64_t *shape, int32_t ndim, CTTensorRef *out) {
    CT_GUARD({ return wrap(T(t).reshape(ints(shape, ndim)), out); })
}

CTStatus ct_permute(CTTensorRef t, const int64_t *dims, int32_t ndim, CTTensorRef *out) {
    CT_GUARD({ return wrap(T(t).permute(ints(dims, ndim)), out); })
}

CTStatus ct_transpose(CTTensorRef t, int64_t dim0, int64_t dim1, CTTensorRef *out) {
    CT_GUARD({ return wrap(T(t).transpose(dim0, dim1), out); })
}

CTStatus ct_expand(CTTensorRef t, const int64_t *shape, int32_t ndim, CTTensorRef *out) {
    CT_GUARD({ return wrap(T(t).expand(ints(shape, ndim)), out); })
}

CTStatus ct_squeeze(CTTensorRef t, int64_t dim, CTTensorRef *out) {
    CT_GUARD({ return wrap(T(t).squeeze(dim), out); })
}

CTStatus ct_unsqueeze(CTTensorRef t, int64_t dim, CTTensorRef *out) {
    CT_GUARD({ return wrap(T(t).unsqueeze(dim), out); })
}

CTStatus ct_flip(CTTensorRef t, const int64_t *dims, int32_t ndim, CTTensorRef *out) {
    CT_GUARD({ return wrap(at::flip(T(t), ints(dims, ndim)), out); })
}

CTStatus ct_slice(CTTensorRef t, int64_t dim, int64_t start, int64_t end, int64_t step,
                  CTTensorRef *out) {
    CT_GUARD({ return wrap(T(t).slice(dim, start, end, step), out); })
}

// A diagonal band as a view: for a contiguous [..., n, P] tensor, element (..., i, m) of the
// [..., n, width] result is element (..., i, first + i + m) of the input. Checked to stay inside
// each row, so the view never reaches memory outside the tensor.
CTStatus ct_diagonal_band(CTTensorRef t, int64_t width, int64_t first, CTTensorRef *out) {
    CT_GUARD({
        const at::Tensor &x = T(t);
        TORCH_CHECK(x.dim() >= 2 && x.is_contiguous(), "diagonal_band expects a contiguous tensor [..., n, P]");
        const int64_t n = x.size(-2), columns = x.size(-1);
        TORCH_CHECK(width >= 1 && first >= 0 && (n == 0 || first + (n - 1) + (width - 1) < columns),
                    "diagonal_band: a band of width ", width, " from column ", first, " leaves rows of ",
                    columns, " columns (", n, " rows)");
        std::vector<int64_t> sizes(x.sizes().begin(), x.sizes().end());
        std::vector<int64_t> strides(x.strides().begin(), x.strides().end());
        sizes.back() = width;
        strides[strides.size() - 2] = columns + 1;
        return wrap(x.as_strided(sizes, strides, x.storage_offset() + first), out);
    })
}

CTStatus ct_narrow(CTTensorRef t, int64_t dim, int64_t start, int64_t length, CTTensorRef *out) {
    CT_GUARD({ return wrap(T(t).narrow(dim, start, length), out); })
}

CTStatus ct_cat(const CTTensorRef *tensors, int32_t count, int64_t dim, CTTensorRef *out) {
    CT_GUARD({ return wrap(at::cat(tensor_list(tensors, count), dim), out); })
}

CTStatus ct_stack(const CTTensorRef *tensors, int32_t count, int64_t dim, CTTensorRef *out) {
    CT_GUARD({ return wrap(at::stack(tensor_list(tensors, count), dim), out); })
}

CTStatus ct_index_select(CTTensorRef t, int64_t dim, CTTensorRef index, CTTensorRef *out) {
    CT_GUARD({ return wrap(at::index_select(T(t), dim, T(index)), out); })
}

CTStatus ct_gather(CTTensorRef t, int64_t dim, CTTensorRef index, CTTensorRef *out) {
    CT_GUARD({ return wrap(at::gather(T(t), dim, T(index)), out); })
}

CTStatus ct_repeat_interleave(CTTensorRef t, int64_t repeats, int64_t dim, CTTensorRef *out) {
    CT_GUARD({ return wrap(at::repeat_interleave(T(t), repeats, dim), out); })
}

CTStatus ct_view_as_real(CTTensorRef t, CTTensorRef *out) {
    CT_GUARD({ return wrap(at::view_as_real(T(t)), out); })
}

// MARK: Elementwise

CTStatus ct_unary(CTUnaryOp op, CTTensorRef t, CTTensorRef *out) {
    CT_GUARD({ return wrap(unary(op, T(t)), out); })
}

CTStatus ct_binary(CTBinaryOp op, CTTensorRef a, CTTensorRef b, CTTensorRef *out) {
    CT_GUARD({ return wrap(binary(op, T(a), T(b)), out); })
}

CTStatus ct_binary_scalar(CTBinaryOp op, CTTensorRef a, double s, bool scalar_first,
                          CTTensorRef *out) {
    CT_GUARD({
        const at::Tensor &x = T(a);
        // Integral tensors keep integral scalars integral (e.g. index arithmetic).
        at::Scalar scalar = (at::isIntegralType(x.scalar_type(), true) && s == static_cast<double>(static_cast<int64_t>(s)))
                                ? at::Scalar(static_cast<int64_t>(s))
                                : at::Scalar(s);
        return wrap(scalar_first ? scalar_binary(op, scalar, x) : binary_scalar(op, x, scalar), out);
    })
}

CTStatus ct_leaky_relu(CTTensorRef t, double slope, CTTensorRef *out) {
    CT_GUARD({ return wrap(at::leaky_relu(T(t), slope), out); })
}

CTStatus ct_leaky_relu_(CTTensorRef t, double slope) {
    CT_GUARD({
        if (t == nullptr) throw std::invalid_argument("t is NULL");
        at::leaky_relu_(t->tensor, slope);
        return CT_OK;
    })
}

CTStatus ct_div_scalar_(CTTensorRef t, double value) {
    CT_GUARD({
        if (t == nullptr) throw std::invalid_argument("t is NULL");
        t->tensor.div_(value);
        return CT_OK;
    })
}

CTStatus ct_gelu_(CTTensorRef t, bool tanh_approx) {
    CT_GUARD({
        if (t == nullptr) throw std::invalid_argument("t is NULL");
        at::gelu_(t->tensor, tanh_approx ? "tanh" : "none");
        return CT_OK;
    })
}

CTStatus ct_gelu(CTTensorRef t, bool tanh_approx, CTTensorRef *out) {
    CT_GUARD({ return wrap(at::gelu(T(t), tanh_approx ? "tanh" : "none"), out); })
}

CTStatus ct_clamp(CTTensorRef t, bool has_min, double min, bool has_max, double max,
                  CTTensorRef *out) {
    CT_GUARD({
        c10::optional<at::Scalar> lo, hi;
        if (has_min) lo = min;
        if (has_max) hi = max;
        return wrap(at::clamp(T(t), lo, hi), out);
    })
}

CTStatus ct_where(CTTensorRef cond, CTTensorRef a, CTTensorRef b, CTTensorRef *out) {
    CT_GUARD({ return wrap(at::where(T(cond), T(a), T(b)), out); })
}

CTStatus ct_masked_fill(CTTensorRef t, CTTensorRef mask, double value, CTTensorRef *out) {
    CT_GUARD({ return wrap(T(t).masked_fill(T(mask), value), out); })
}

CTStatus ct_add_scaled(CTTensorRef a, CTTensorRef b, double alpha, CTTensorRef *out) {
    CT_GUARD({ return wrap(at::add(T(a), T(b), alpha), out); })
}

CTStatus ct_add_(CTTensorRef a, CTTensorRef b) {
    CT_GUARD({
        if (a == nullptr) throw std::invalid_argument("a is NULL");
        a->tensor.add_(T(b));
        return CT_OK;
    })
}

// MARK: Reductions and scans

CTStatus ct_reduce(CTReduceOp op, CTTensorRef t, const int64_t *dims, int32_t ndims, bool keepdim,
                   CTTensorRef *out) {
    CT_GUARD({
        const at::Tensor &x = T(t);
        at::IntArrayRef d = ints(dims, ndims);
        at::OptionalIntArrayRef od = ndims > 0 ? at::OptionalIntArrayRef(d) : c10::nullopt;
        switch (op) {
        case CT_SUM: return wrap(at::sum(x, od, keepdim), out);
        case CT_MEAN: return wrap(at::mean(x, od, keepdim), out);
        case CT_AMAX: return wrap(at::amax(x, d, keepdim), out);
        case CT_AMIN: return wrap(at::amin(x, d, keepdim), out);
        case CT_PROD: {
            at::Tensor r = x;
            if (ndims == 0) return wrap(at::prod(x), out);
            std::vector<int64_t> sorted(d.begin(), d.end());
            std::sort(sorted.rbegin(), sorted.rend());
            for (auto dim : sorted) r = at::prod(r, dim, keepdim);
            return wrap(r, out);
        }
        case CT_ALL: {
            if (ndims == 0) return wrap(at::all(x), out);
            return wrap(at::all(x, d, keepdim), out);
        }
        case CT_ANY: {
            if (ndims == 0) return wrap(at::any(x), out);
            return wrap(at::any(x, d, keepdim), out);
        }
        }
        throw std::invalid_argument("unknown reduction");
    })
}

CTStatus ct_norm(CTTensorRef t, double p, const int64_t *dims, int32_t ndims, bool keepdim,
                 CTTensorRef *out) {
    CT_GUARD({
        const at::Tensor &x = T(t);
        if (ndims == 0) return wrap(at::norm(x, p), out);
        return wrap(at::norm(x, p, ints(dims, ndims), keepdim), out);
    })
}

CTStatus ct_argmax(CTTensorRef t, int64_t dim, bool keepdim, CTTensorRef *out) {
    CT_GUARD({ return wrap(at::argmax(T(t), dim, keepdim), out); })
}

CTStatus ct_max_dim(CTTensorRef t, int64_t dim, bool keepdim, CTTensorRef *values,
                    CTTensorRef *indices) {
    CT_GUARD({
        auto r = at::max(T(t), dim, keepdim);
        wrap(std::get<0>(r), values);
        return wrap(std::get<1>(r), indices);
    })
}

CTStatus ct_topk(CTTensorRef t, int64_t k, int64_t dim, bool largest, bool sorted,
                 CTTensorRef *values, CTTensorRef *indices) {
    CT_GUARD({
        auto r = at::topk(T(t), k, dim, largest, sorted);
        wrap(std::get<0>(r), values);
        return wrap(std::get<1>(r), indices);
    })
}

CTStatus ct_sort(CTTensorRef t, int64_t dim, bool descending, bool stable, CTTensorRef *values,
                 CTTensorRef *indices) {
    CT_GUARD({
        auto r = at::sort(T(t), stable, dim, descending);
        wrap(std::get<0>(r), values);
        return wrap(std::get<1>(r), indices);
    })
}

CTStatus ct_cumsum(CTTensorRef t, int64_t dim, CTTensorRef *out) {
    CT_GUARD({ return wrap(at::cumsum(T(t), dim), out); })
}

CTStatus ct_softmax(CTTensorRef t, int64_t dim, CTTensorRef *out) {
    CT_GUARD({ return wrap(at::softmax(T(t), dim), out); })
}

CTStatus ct_log_softmax(CTTensorRef t, int64_t dim, CTTensorRef *out) {
    CT_GUARD({ return wrap(at::log_softmax(T(t), dim), out); })
}

// MARK: Linear algebra

CTStatus ct_matmul(CTTensorRef a, CTTensorRef b, CTTensorRef *out) {
    CT_GUARD({ return wrap(at::matmul(T(a), T(b)), out); })
}

CTStatus ct_bmm(CTTensorRef a, CTTensorRef b, CTTensorRef *out) {
    CT_GUARD({ return wrap(at::bmm(T(a), T(b)), out); })
}

CTStatus ct_linear(CTTensorRef x, CTTensorRef weight, CTTensorRef bias, CTTensorRef *out) {
    CT_GUARD({ return wrap(at::linear(T(x), T(weight), opt(bias)), out); })
}

CTStatus ct_scaled_dot_product_attention(CTTensorRef q, CTTensorRef k, CTTensorRef v,
                                         CTTensorRef mask, double scale, CTTensorRef *out) {
    CT_GUARD({
        c10::optional<double> s;
        if (scale > 0) s = scale;
        return wrap(at::scaled_dot_product_attention(T(q), T(k), T(v), opt(mask), 0.0, false, s),
                    out);
    })
}

// MARK: Neural-network layers

CTStatus ct_conv1d(CTTensorRef x, CTTensorRef weight, CTTensorRef bias, int64_t stride,
                   int64_t padding, int64_t dilation, int64_t groups, CTTensorRef *out) {
    CT_GUARD({
        return wrap(at::conv1d(T(x), T(weight), opt(bias), stride, padding, dilation, groups), out);
    })
}

// A stride-1 float32 conv1d of a single sequence as matrix products: each thread copies a tile of
// `tile` output positions' receptive fields into a [C·k, tile] matrix (im2col, one memcpy per
// channel and tap) and multiplies it by the [O, C·k] weight straight into the output. For the
// narrow decoder stages (32–64 channels over millions of samples) this keeps the multiply units
// busy where the direct kernels mostly wait on memory.
CTStatus ct_conv1d_gemm(CTTensorRef x, CTTensorRef weight, CTTensorRef bias, CTTensorRef residual,
                        int64_t padding, int64_t dilation, int64_t tile, int32_t leaky,
                        double slope, CTTensorRef *out) {
    CT_GUARD({
        const at::Tensor input = time_contiguous(T(x));
        const at::Tensor w = T(weight).contiguous();
        TORCH_CHECK(input.dim() == 3 && input.size(0) == 1 && w.dim() == 3 && input.size(1) == w.size(1),
                    "conv1d_gemm expects input [1, C, T] and weight [O, C, k]");
        TORCH_CHECK(input.scalar_type() == at::kFloat && w.scalar_type() == at::kFloat && input.is_cpu(),
                    "conv1d_gemm is for float32 CPU tensors");
        TORCH_CHECK(dilation >= 1 && padding >= 0 && tile >= 1, "conv1d_gemm: bad dilation, padding or tile");
        const int64_t c = input.size(1), length = input.size(2), o = w.size(0), k = w.size(2);
        const int64_t span = (k - 1) * dilation + 1;
        const int64_t outLength = length + 2 * padding - span + 1;
        TORCH_CHECK(outLength > 0, "conv1d_gemm: input shorter than the kernel span");
        const ConvFusion fusion(residual, leaky, slope);
        c10::optional<at::Tensor> biasTensor;
        if (bias) {
            biasTensor = T(bias).contiguous();
            TORCH_CHECK(biasTensor->numel() == o && biasTensor->scalar_type() == at::kFloat,
                        "conv1d_gemm: bias must be float32 [", o, "]");
        }
        at::Tensor y = fusion.output(input, o, outLength, "conv1d_gemm");
        const at::Tensor w2 = w.view({o, c * k});  // row c·k + j: channel c, tap j
        const float *xp = input.data_ptr<float>();
        const int64_t channelStride = input.stride(1);
        const float *bp = biasTensor ? biasTensor->data_ptr<float>() : nullptr;
        const int64_t tiles = (outLength + tile - 1) / tile;
        at::Tensor y2 = y.view({o, outLength});
        float *yp = y.data_ptr<float>();
        at::parallel_for(0, tiles, 1, [&](int64_t begin, int64_t end) {
            at::Tensor col = at::empty({c * k, tile}, input.options());
            at::Tensor scratch = fusion.residual ? at::empty({o, tile}, input.options()) : at::Tensor();
            float *cp = col.data_ptr<float>();
            for (int64_t ti = begin; ti < end; ++ti) {
                const int64_t t0 = ti * tile;
                const int64_t n = std::min(tile, outLength - t0);
                for (int64_t ci = 0; ci < c; ++ci) {
                    for (int64_t j = 0; j < k; ++j) {
                        float *row = cp + (ci * k + j) * tile;
                        const int64_t src = t0 + j * dilation - padding;  // input index of column 0
                        const int64_t lo = std::min(n, std::max<int64_t>(0, -src));
                        const int64_t hi = std::max(lo, std::min(n, length - src));
                        if (lo > 0) std::memset(row, 0, sizeof(float) * lo);
                        if (hi > lo) fusion.load(row + lo, xp + ci * channelStride + src + lo, hi - lo);
                        if (n > hi) std::memset(row + hi, 0, sizeof(float) * (n - hi));
                    }
                }
                at::Tensor target = y2.narrow(1, t0, n);
                if (!fusion.residual) {
                    at::mm_out(target, w2, col.narrow(1, 0, n));
                    continue;
                }
                // The residual's tile is set aside, the product lands where the unfused form puts
                // it (the same matrix layout, so the same rounding), and the sum is formed in the
                // unfused order: (product + bias) + residual.
                float *saved = scratch.data_ptr<float>();
                for (int64_t oi = 0; oi < o; ++oi)
                    std::memcpy(saved + oi * tile, yp + oi * outLength + t0, sizeof(float) * n);
                at::mm_out(target, w2, col.narrow(1, 0, n));
                for (int64_t oi = 0; oi < o; ++oi) {
                    float *dst = yp + oi * outLength + t0;
                    const float *residualRow = saved + oi * tile;
                    if (bp) {
                        const float shift = bp[oi];
                        for (int64_t t = 0; t < n; ++t) dst[t] = (dst[t] + shift) + residualRow[t];
                    } else {
                        for (int64_t t = 0; t < n; ++t) dst[t] = dst[t] + residualRow[t];
                    }
                }
            }
        });
        if (bias && !fusion.residual) y.add_(biasTensor->view({1, o, 1}));
        return wrap(y, out);
    })
}

CTStatus ct_conv2d(CTTensorRef x, CTTensorRef weight, CTTensorRef bias, const int64_t *stride,
                   const int64_t *padding, const int64_t *dilation, int64_t groups,
                   CTTensorRef *out) {
    CT_GUARD({
        return wrap(at::conv2d(T(x), T(weight), opt(bias), ints(stride, 2), ints(padding, 2),
                               ints(dilation, 2), groups),
                    out);
    })
}

CTStatus ct_conv_transpose1d(CTTensorRef x, CTTensorRef weight, CTTensorRef bias, int64_t stride,
                             int64_t padding, int64_t output_padding, int64_t groups,
                             int64_t dilation, CTTensorRef *out) {
    CT_GUARD({
        return wrap(at::conv_transpose1d(T(x), T(weight), opt(bias), stride, padding,
                                         output_padding, groups, dilation),
                    out);
    })
}

CTStatus ct_conv_transpose2d(CTTensorRef x, CTTensorRef weight, CTTensorRef bias,
                             const int64_t *stride, const int64_t *padding,
                             const int64_t *output_padding, int64_t groups,
                             const int64_t *dilation, CTTensorRef *out) {
    CT_GUARD({
        return wrap(at::conv_transpose2d(T(x), T(weight), opt(bias), ints(stride, 2),
                                         ints(padding, 2), ints(output_padding, 2), groups,
                                         ints(dilation, 2)),
                    out);
    })
}

// One group per channel (fairseq's Fp32GroupNorm(C, C) in HuBERT's first block), in place, so
// a 41 s segment's 512 × 131 k activation is not held twice. Each channel row is read twice for
// its moments and once more to normalise, all in double (a row with a large offset keeps its
// digits); rows are independent, so threads split them.
CTStatus ct_channel_norm_(CTTensorRef x, CTTensorRef weight, CTTensorRef bias, double eps) {
    CT_GUARD({
        const at::Tensor &t = T(x);
        TORCH_CHECK(t.dim() == 3 && t.is_contiguous() && t.scalar_type() == at::kFloat &&
                        t.is_cpu(),
                    "channel_norm_ expects a contiguous float32 CPU tensor [N, C, L]");
        const int64_t c = t.size(1), length = t.size(2), rows = t.size(0) * c;
        TORCH_CHECK(length > 0, "channel_norm_: empty rows");
        const at::Tensor w = T(weight).contiguous(), b = T(bias).contiguous();
        TORCH_CHECK(w.numel() == c && b.numel() == c && w.scalar_type() == at::kFloat &&
                        b.scalar_type() == at::kFloat,
                    "channel_norm_: weight and bias must be float32 [", c, "]");
        float *data = t.data_ptr<float>();
        const float *wp = w.data_ptr<float>(), *bp = b.data_ptr<float>();
        at::parallel_for(0, rows, 1, [&](int64_t begin, int64_t end) {
            for (int64_t r = begin; r < end; ++r) {
                float *row = data + r * length;
                double sum = 0;
                for (int64_t i = 0; i < length; ++i) sum += row[i];
                const double mean = sum / static_cast<double>(length);
                double squares = 0;
                for (int64_t i = 0; i < length; ++i) {
                    const double d = row[i] - mean;
                    squares += d * d;
                }
                const double scale = wp[r % c] / std::sqrt(squares / static_cast<double>(length) + eps);
                const double shift = bp[r % c];
                for (int64_t i = 0; i < length; ++i)
                    row[i] = static_cast<float>((row[i] - mean) * scale + shift);
            }
        });
        return CT_OK;
    })
}

CTStatus ct_layer_norm(CTTensorRef x, const int64_t *normalized_shape, int32_t ndim,
                       CTTensorRef weight, CTTensorRef bias, double eps, CTTensorRef *out) {
    CT_GUARD({
        return wrap(at::layer_norm(T(x), ints(normalized_shape, ndim), opt(weight), opt(bias), eps),
                    out);
    })
}

CTStatus ct_group_norm(CTTensorRef x, int64_t groups, CTTensorRef weight, CTTensorRef bias,
                       double eps, CTTensorRef *out) {
    CT_GUARD({ return wrap(at::group_norm(T(x), groups, opt(weight), opt(bias), eps), out); })
}

CTStatus ct_batch_norm(CTTensorRef x, CTTensorRef weight, CTTensorRef bias,
                       CTTensorRef running_mean, CTTensorRef running_var, double eps,
                       CTTensorRef *out) {
    CT_GUARD({
        return wrap(at::batch_norm(T(x), opt(weight), opt(bias), T(running_mean), T(running_var),
                                   false, 0.0, eps, false),
                    out);
    })
}

CTStatus ct_embedding(CTTensorRef weight, CTTensorRef indices, CTTensorRef *out) {
    CT_GUARD({ return wrap(at::embedding(T(weight), T(indices)), out); })
}

CTStatus ct_pad(CTTensorRef x, const int64_t *pads, int32_t npads, CTPadMode mode, double value,
                CTTensorRef *out) {
    CT_GUARD({
        c10::optional<double> v;
        if (mode == CT_PAD_CONSTANT) v = value;
        return wrap(at::pad(T(x), ints(pads, npads), pad_mode_name(mode), v), out);
    })
}

CTStatus ct_interpolate1d(CTTensorRef x, CTInterpolateMode mode, int64_t size, double scale_factor,
                          bool align_corners, CTTensorRef *out) {
    CT_GUARD({
        const at::Tensor &input = T(x);
        if (input.dim() != 3) throw std::invalid_argument("interpolate1d expects [N, C, L]");
        c10::optional<double> scale;
        int64_t out_size = size;
        if (size <= 0) {
            if (!(scale_factor > 0)) throw std::invalid_argument("interpolate1d needs a size or a positive scale factor");
            // torch.nn.functional.interpolate: output size = floor(L * scale), and the scale itself
            // is handed to the kernel (recompute_scale_factor is None).
            out_size = static_cast<int64_t>(std::floor(static_cast<double>(input.size(2)) * scale_factor));
            scale = scale_factor;
        }
        std::vector<int64_t> osize{out_size};
        if (mode == CT_NEAREST)
            return wrap(at::upsample_nearest1d(input, osize, scale), out);
        return wrap(at::upsample_linear1d(input, osize, align_corners, scale), out);
    })
}

CTStatus ct_avg_pool2d(CTTensorRef x, const int64_t *kernel, const int64_t *stride,
                       const int64_t *padding, CTTensorRef *out) {
    CT_GUARD({
        return wrap(at::avg_pool2d(T(x), ints(kernel, 2), ints(stride, 2), ints(padding, 2)), out);
    })
}

CTStatus ct_stft(CTTensorRef x, int64_t n_fft, int64_t hop, int64_t win_length, CTTensorRef window,
                 bool center, CTPadMode pad_mode, CTTensorRef *out) {
    CT_GUARD({
        return wrap(at::stft(T(x), n_fft, hop, win_length, opt(window), center,
                             pad_mode_name(pad_mode), false, true, true),
                    out);
    })
}

CTStatus ct_gru(CTTensorRef input, const CTTensorRef *params, int32_t nparams, int64_t num_layers,
                bool bidirectional, bool batch_first, CTTensorRef *out) {
    CT_GUARD({
        const at::Tensor &x = T(input);
        int64_t directions = bidirectional ? 2 : 1;
        if (nparams != num_layers * directions * 4)
            throw std::invalid_argument("GRU expects 4 parameters per layer and direction, got " +
                                        std::to_string(nparams));
        auto list = tensor_list(params, nparams);
        int64_t hidden = list[1].size(1);
        int64_t batch = batch_first ? x.size(0) : x.size(1);
        auto hx = at::zeros({num_layers * directions, batch, hidden}, x.options());
        auto r = at::gru(x, hx, list, true, num_layers, 0.0, false, bidirectional, batch_first);
        return wrap(std::get<0>(r), out);
    })
}

CTStatus ct_weight_norm(CTTensorRef v, CTTensorRef g, int64_t dim, CTTensorRef *out) {
    CT_GUARD({ return wrap(at::_weight_norm(T(v), T(g), dim), out); })
}

} // extern "C"
