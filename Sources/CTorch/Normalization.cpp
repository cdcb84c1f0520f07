// Normalization layers (channel, layer, group, batch) and weight normalization.
#include "Internal.hpp"

#include <ATen/Parallel.h>
#include <cmath>

using namespace ctorch;

extern "C" {

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

CTStatus ct_weight_norm(CTTensorRef v, CTTensorRef g, int64_t dim, CTTensorRef *out) {
    CT_GUARD({ return wrap(at::_weight_norm(T(v), T(g), dim), out); })
}

} // extern "C"
