// The spectral convolution's gather and scatter loops, built for AVX2 where the CPU has it.
#pragma once

#include <cstdint>

namespace ctorch {

/// `dst[i] = act(src[i · step])` for i < n, where act is leaky_relu with `slope` when `leaky`
/// (`v > 0 ? v : v · slope` in float, as LibTorch computes it) and the identity otherwise.
void load_row(float *dst, const float *src, int64_t n, int64_t step, bool leaky, float slope);

/// `dst[i · step] = (src[i] · scale + shift) + dst[i · step]` for i < n when `accumulate`,
/// `dst[i · step] = src[i] · scale + shift` otherwise. `scale` must be a power of two, so the
/// product is exact and the result does not depend on whether the CPU fuses it with the sum.
void store_row(float *dst, const float *src, int64_t n, int64_t step, float scale, float shift,
               bool accumulate);

} // namespace ctorch
