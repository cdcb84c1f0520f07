// Convolutions through LibTorch (1-D, 2-D, transposed) and the stride-1 conv1d as tiled im2col
// and matrix products. The block-DFT form has its own file (BlockDFTConv.cpp).
#include "Internal.hpp"

#include <ATen/Parallel.h>
#include <algorithm>
#include <cstring>

using namespace ctorch;

extern "C" {

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

} // extern "C"
