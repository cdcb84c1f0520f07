// Operations that change the length of the spatial axes: padding, interpolation and pooling.
#include "Internal.hpp"

#include <cmath>
#include <vector>

using namespace ctorch;

extern "C" {

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

} // extern "C"
