#include "BlockFFT.hpp"

#include "VectorISA.hpp"

#include <cmath>
#include <stdexcept>

namespace ctorch {
namespace {

typedef float v8 __attribute__((vector_size(32)));

[[gnu::always_inline]] inline v8 load(const float *p) {
    v8 v;
    __builtin_memcpy(&v, p, sizeof v);
    return v;
}

[[gnu::always_inline]] inline void store(float *p, v8 v) { __builtin_memcpy(p, &v, sizeof v); }

/// Transposes the 8 × 8 block whose rows are r[0 … 7]: afterwards r[j] holds the old column j.
[[gnu::always_inline]] inline void transpose(v8 *r) {
    v8 t[8], u[8];
    for (int i = 0; i < 8; i += 2) {
        t[i] = __builtin_shufflevector(r[i], r[i + 1], 0, 8, 1, 9, 4, 12, 5, 13);
        t[i + 1] = __builtin_shufflevector(r[i], r[i + 1], 2, 10, 3, 11, 6, 14, 7, 15);
    }
    for (int i = 0; i < 8; i += 4) {
        u[i] = __builtin_shufflevector(t[i], t[i + 2], 0, 1, 8, 9, 4, 5, 12, 13);
        u[i + 1] = __builtin_shufflevector(t[i], t[i + 2], 2, 3, 10, 11, 6, 7, 14, 15);
        u[i + 2] = __builtin_shufflevector(t[i + 1], t[i + 3], 0, 1, 8, 9, 4, 5, 12, 13);
        u[i + 3] = __builtin_shufflevector(t[i + 1], t[i + 3], 2, 3, 10, 11, 6, 7, 14, 15);
    }
    for (int j = 0; j < 4; ++j) {
        r[j] = __builtin_shufflevector(u[j], u[j + 4], 0, 1, 2, 3, 8, 9, 10, 11);
        r[j + 4] = __builtin_shufflevector(u[j], u[j + 4], 4, 5, 6, 7, 12, 13, 14, 15);
    }
}

/// v · (∓i): a quarter turn, clockwise for the forward transform (`Sign` −1).
template <int Sign>
[[gnu::always_inline]] inline void quarter_turn(v8 &re, v8 &im) {
    const v8 r = re;
    if (Sign < 0) {
        re = im;
        im = -r;
    } else {
        re = -im;
        im = r;
    }
}

/// In-place iterative decimation-in-time FFT of `n` points (a power of two, at least 4) whose
/// inputs sit in bit-reversed order; `Sign` −1 is the forward transform (e^{−2πi…}), +1 the
/// unscaled inverse. Stages run two at a time (radix 4), each vector loaded and stored once per
/// pair of stages, with a last radix-2 stage when log₂n is odd. The tables hold cos and sin of
/// 2πk/(2n), k = 0 … n.
template <int Sign>
[[gnu::always_inline]] inline void butterflies(v8 *re, v8 *im, int64_t n, const float *cosines,
                                               const float *sines) {
    // Spans 1 and 2: the twiddles are 1 and ∓i.
    for (int64_t a = 0; a < n; a += 4) {
        const v8 b0r = re[a] + re[a + 1], b0i = im[a] + im[a + 1];
        const v8 b1r = re[a] - re[a + 1], b1i = im[a] - im[a + 1];
        const v8 b2r = re[a + 2] + re[a + 3], b2i = im[a + 2] + im[a + 3];
        v8 tr = re[a + 2] - re[a + 3], ti = im[a + 2] - im[a + 3];
        quarter_turn<Sign>(tr, ti);
        re[a] = b0r + b2r;
        im[a] = b0i + b2i;
        re[a + 2] = b0r - b2r;
        im[a + 2] = b0i - b2i;
        re[a + 1] = b1r + tr;
        im[a + 1] = b1i + ti;
        re[a + 3] = b1r - tr;
        im[a + 3] = b1i - ti;
    }
    const float sign = Sign < 0 ? -1.0f : 1.0f;
    int64_t half = 4;
    // Spans h and 2h: x1 and x3 turn by w1 = e^{∓2πik/2h}, then y2 by w2 = e^{∓2πik/4h} and y3
    // by w2 · (∓i).
    for (; 4 * half <= n; half *= 4) {
        for (int64_t k = 0; k < half; ++k) {
            const float w1r = cosines[k * (n / half)], w1i = sign * sines[k * (n / half)];
            const float w2r = cosines[k * (n / (2 * half))], w2i = sign * sines[k * (n / (2 * half))];
            for (int64_t a = k; a < n; a += 4 * half) {
                const int64_t a1 = a + half, a2 = a + 2 * half, a3 = a + 3 * half;
                const v8 p1r = re[a1] * w1r - im[a1] * w1i, p1i = re[a1] * w1i + im[a1] * w1r;
                const v8 p3r = re[a3] * w1r - im[a3] * w1i, p3i = re[a3] * w1i + im[a3] * w1r;
                const v8 y0r = re[a] + p1r, y0i = im[a] + p1i, y1r = re[a] - p1r, y1i = im[a] - p1i;
                const v8 y2r = re[a2] + p3r, y2i = im[a2] + p3i, y3r = re[a2] - p3r, y3i = im[a2] - p3i;
                const v8 q2r = y2r * w2r - y2i * w2i, q2i = y2r * w2i + y2i * w2r;
                v8 q3r = y3r * w2r - y3i * w2i, q3i = y3r * w2i + y3i * w2r;
                quarter_turn<Sign>(q3r, q3i);
                re[a] = y0r + q2r;
                im[a] = y0i + q2i;
                re[a2] = y0r - q2r;
                im[a2] = y0i - q2i;
                re[a1] = y1r + q3r;
                im[a1] = y1i + q3i;
                re[a3] = y1r - q3r;
                im[a3] = y1i - q3i;
            }
        }
    }
    if (half < n) {  // one stage left: span n/2
        for (int64_t k = 0; k < half; ++k) {
            const float wr = cosines[k * (n / half)], wi = sign * sines[k * (n / half)];
            const int64_t b = k + half;
            const v8 tr = re[b] * wr - im[b] * wi, ti = re[b] * wi + im[b] * wr;
            re[b] = re[k] - tr;
            im[b] = im[k] - ti;
            re[k] = re[k] + tr;
            im[k] = im[k] + ti;
        }
    }
}

struct Tables {
    int64_t n;                    // N, the real length; the complex FFTs run on M = N/2 points
    const float *cosines, *sines; // cos, sin of 2πk/N, k = 0 … N/2
    const int32_t *reversed;      // bit reversal of 0 ..< M
};

// A real sequence of N samples as M = N/2 complex ones z_m = x_2m + i·x_2m+1: with Z its M-point
// FFT, the spectrum is X_f = E_f + e^{−2πif/N}·O_f, where E_f = (Z_f + conj Z_{M−f}) / 2 and
// O_f = (Z_f − conj Z_{M−f}) / 2i are the spectra of the even and the odd samples. The inverse
// undoes the same steps in reverse order. Half the butterflies of an N-point complex FFT.

[[gnu::always_inline]] inline void forward_body(const Tables &t, const float *rows, int64_t rowStride,
                                                float *re, float *im, float *sum, int64_t stride,
                                                float *scratch) {
    const int64_t m = t.n / 2;
    v8 *zr = reinterpret_cast<v8 *>(scratch), *zi = zr + m;
    // Eight samples of the eight rows at a time, turned into eight vectors of one sample each,
    // paired into four complex values and put in bit-reversed order.
    for (int64_t n = 0; n < t.n; n += 8) {
        v8 r[8];
        for (int l = 0; l < 8; ++l) r[l] = load(rows + l * rowStride + n);
        transpose(r);
        for (int j = 0; j < 4; ++j) {
            const int32_t at = t.reversed[n / 2 + j];
            zr[at] = r[2 * j];
            zi[at] = r[2 * j + 1];
        }
    }
    butterflies<-1>(zr, zi, m, t.cosines, t.sines);
    const v8 half = {0.5f, 0.5f, 0.5f, 0.5f, 0.5f, 0.5f, 0.5f, 0.5f};
    for (int64_t f = 0; f <= m; ++f) {
        const v8 a = zr[f % m], b = zi[f % m], c = zr[(m - f) % m], d = zi[(m - f) % m];
        const v8 er = (a + c) * half, ei = (b - d) * half, orr = (b + d) * half, oi = (c - a) * half;
        const float wr = t.cosines[f], wi = -t.sines[f];
        const v8 xr = er + (orr * wr - oi * wi), xi = ei + (oi * wr + orr * wi);
        store(re + f * stride, xr);
        store(im + f * stride, xi);
        store(sum + f * stride, xr + xi);
    }
}

[[gnu::always_inline]] inline void inverse_body(const Tables &t, const float *t1, const float *t2,
                                                const float *t3, int64_t stride, int64_t count,
                                                float *rows, int64_t rowStride, float *scratch) {
    const int64_t m = t.n / 2;
    v8 *xr = reinterpret_cast<v8 *>(scratch), *xi = xr + (m + 1), *zr = xi + (m + 1), *zi = zr + m;
    // Bin f's real part is T1 − T2 and its imaginary part T3 − T1 − T2 (zero at bins 0 and N/2,
    // as for any real sequence).
    for (int64_t f = 0; f <= m; ++f) {
        const v8 a = load(t1 + f * stride), b = load(t2 + f * stride), c = load(t3 + f * stride);
        xr[f] = a - b;
        xi[f] = (c - a) - b;
    }
    xi[0] = xi[m] = v8{};
    // 2E_f = X_f + conj X_{M−f}, 2O_f = (X_f − conj X_{M−f})·e^{+2πif/N}, Z_f = 2E_f + i·2O_f.
    for (int64_t f = 0; f < m; ++f) {
        const v8 p = xr[f], q = xi[f], r = xr[m - f], s = xi[m - f];
        const v8 er = p + r, ei = q - s, dr = p - r, di = q + s;
        const float u = t.cosines[f], v = t.sines[f];
        const v8 orr = dr * u - di * v, oi = dr * v + di * u;
        const int32_t at = t.reversed[f];
        zr[at] = er - oi;
        zi[at] = ei + orr;
    }
    butterflies<1>(zr, zi, m, t.cosines, t.sines);
    // z_m = x_2m + i·x_2m+1, times N; back into rows eight samples at a time.
    for (int64_t n = 0; n < count; n += 8) {
        v8 r[8];
        for (int j = 0; j < 4; ++j) {
            r[2 * j] = zr[n / 2 + j];
            r[2 * j + 1] = zi[n / 2 + j];
        }
        transpose(r);
        for (int l = 0; l < 8; ++l) store(rows + l * rowStride + n, r[l]);
    }
}

__attribute__((target("avx2,fma"))) void forward_avx2(const Tables &t, const float *rows, int64_t rowStride,
                                                      float *re, float *im, float *sum, int64_t stride,
                                                      float *scratch) {
    forward_body(t, rows, rowStride, re, im, sum, stride, scratch);
}

void forward_baseline(const Tables &t, const float *rows, int64_t rowStride, float *re, float *im, float *sum,
                      int64_t stride, float *scratch) {
    forward_body(t, rows, rowStride, re, im, sum, stride, scratch);
}

__attribute__((target("avx2,fma"))) void inverse_avx2(const Tables &t, const float *t1, const float *t2,
                                                      const float *t3, int64_t stride, int64_t count,
                                                      float *rows, int64_t rowStride, float *scratch) {
    inverse_body(t, t1, t2, t3, stride, count, rows, rowStride, scratch);
}

void inverse_baseline(const Tables &t, const float *t1, const float *t2, const float *t3, int64_t stride,
                      int64_t count, float *rows, int64_t rowStride, float *scratch) {
    inverse_body(t, t1, t2, t3, stride, count, rows, rowStride, scratch);
}

}  // namespace

BlockFFT::BlockFFT(int64_t points) : points_(points), avx2_(vector_avx2()) {
    if (points < 8 || points > 1024 || (points & (points - 1)) != 0)
        throw std::invalid_argument("BlockFFT: the length must be a power of two from 8 to 1024");
    constexpr double twoPi = 6.283185307179586476925286766559;
    for (int64_t k = 0; k <= points / 2; ++k) {
        // Exact at the quarter turns, so that bins 0 and N/2 stay real.
        double c = std::cos(twoPi * static_cast<double>(k) / static_cast<double>(points));
        double s = std::sin(twoPi * static_cast<double>(k) / static_cast<double>(points));
        if (4 * k == points) c = 0, s = 1;
        if (2 * k == points) c = -1, s = 0;
        cos_.push_back(static_cast<float>(c));
        sin_.push_back(static_cast<float>(s));
    }
    const int64_t half = points / 2;
    int bits = 0;
    while ((int64_t{1} << bits) < half) ++bits;
    for (int64_t i = 0; i < half; ++i) {
        int32_t r = 0;
        for (int b = 0; b < bits; ++b) r |= static_cast<int32_t>(((i >> b) & 1) << (bits - 1 - b));
        reversed_.push_back(r);
    }
}

void BlockFFT::forward(const float *rows, int64_t rowStride, float *re, float *im, float *sum,
                       int64_t stride, float *scratch) const {
    const Tables t{points_, cos_.data(), sin_.data(), reversed_.data()};
    (avx2_ ? forward_avx2 : forward_baseline)(t, rows, rowStride, re, im, sum, stride, scratch);
}

void BlockFFT::inverse_3m(const float *t1, const float *t2, const float *t3, int64_t stride, int64_t count,
                          float *rows, int64_t rowStride, float *scratch) const {
    const Tables t{points_, cos_.data(), sin_.data(), reversed_.data()};
    (avx2_ ? inverse_avx2 : inverse_baseline)(t, t1, t2, t3, stride, count, rows, rowStride, scratch);
}

}  // namespace ctorch
