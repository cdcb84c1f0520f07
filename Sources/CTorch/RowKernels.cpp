#include "RowKernels.hpp"

#include "VectorISA.hpp"

namespace ctorch {
namespace {

[[gnu::always_inline]] inline float activate(float v, bool leaky, float slope) {
    return leaky && !(v > 0.0f) ? v * slope : v;
}

[[gnu::always_inline]] inline void load_body(float *dst, const float *src, int64_t n, int64_t step,
                                             bool leaky, float slope) {
    // The contiguous cases apart, so that the compiler vectorizes them.
    if (step == 1) {
        if (leaky) {
            for (int64_t i = 0; i < n; ++i) dst[i] = src[i] > 0.0f ? src[i] : src[i] * slope;
        } else {
            for (int64_t i = 0; i < n; ++i) dst[i] = src[i];
        }
    } else {
        for (int64_t i = 0; i < n; ++i) dst[i] = activate(src[i * step], leaky, slope);
    }
}

[[gnu::always_inline]] inline void store_body(float *dst, const float *src, int64_t n, int64_t step,
                                              float scale, float shift, bool accumulate) {
    if (step == 1) {
        if (accumulate) {
            for (int64_t i = 0; i < n; ++i) dst[i] = (src[i] * scale + shift) + dst[i];
        } else {
            for (int64_t i = 0; i < n; ++i) dst[i] = src[i] * scale + shift;
        }
    } else if (accumulate) {
        for (int64_t i = 0; i < n; ++i) dst[i * step] = (src[i] * scale + shift) + dst[i * step];
    } else {
        for (int64_t i = 0; i < n; ++i) dst[i * step] = src[i] * scale + shift;
    }
}

__attribute__((target("avx2,fma"))) void load_avx2(float *dst, const float *src, int64_t n, int64_t step,
                                                   bool leaky, float slope) {
    load_body(dst, src, n, step, leaky, slope);
}

void load_baseline(float *dst, const float *src, int64_t n, int64_t step, bool leaky, float slope) {
    load_body(dst, src, n, step, leaky, slope);
}

__attribute__((target("avx2,fma"))) void store_avx2(float *dst, const float *src, int64_t n, int64_t step,
                                                    float scale, float shift, bool accumulate) {
    store_body(dst, src, n, step, scale, shift, accumulate);
}

void store_baseline(float *dst, const float *src, int64_t n, int64_t step, float scale, float shift,
                    bool accumulate) {
    store_body(dst, src, n, step, scale, shift, accumulate);
}

}  // namespace

void load_row(float *dst, const float *src, int64_t n, int64_t step, bool leaky, float slope) {
    (vector_avx2() ? load_avx2 : load_baseline)(dst, src, n, step, leaky, slope);
}

void store_row(float *dst, const float *src, int64_t n, int64_t step, float scale, float shift,
               bool accumulate) {
    (vector_avx2() ? store_avx2 : store_baseline)(dst, src, n, step, scale, shift, accumulate);
}

}  // namespace ctorch
