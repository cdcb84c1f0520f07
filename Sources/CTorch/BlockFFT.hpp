// Fast Fourier transforms of short real blocks, eight at a time, for the spectral convolution.
#pragma once

#include <cstdint>
#include <vector>

namespace ctorch {

/// Radix-2 FFTs of one power-of-two length on eight real sequences at once, each butterfly one
/// vector operation across the eight (they are transposed into that layout and back 8 × 8 at a
/// time); a real sequence of N samples runs as N/2 complex ones. Used by ct_conv1d_dft for the
/// forward and inverse transforms of its blocks, where a transform costs about (N/4)·log₂N
/// butterflies per sequence instead of the N·(N + 2) multiply-adds of DFT matrix products. Built for AVX2 with FMA where the CPU has them, for the
/// baseline instruction set otherwise. Scratch must be 32-byte aligned.
class BlockFFT {
public:
    static constexpr int64_t kLanes = 8;

    /// `points`: a power of two from 8 to 1024.
    explicit BlockFFT(int64_t points);

    int64_t points() const { return points_; }
    /// The one-sided spectrum's length, N/2 + 1.
    int64_t bins() const { return points_ / 2 + 1; }
    /// Floats of scratch that `forward` and `inverse` need.
    int64_t scratch_size() const { return (2 * points_ + 2) * kLanes; }

    /// The spectra of eight real sequences, sequence l's N samples at `rows + l · rowStride`: bin f
    /// of sequence l goes to `re[f · stride + l]` and `im[f · stride + l]`
    /// (X_f = Σ x_n e^{−2πifn/N}), f = 0 … N/2, and the sum of the two to `sum[f · stride + l]`.
    void forward(const float *rows, int64_t rowStride, float *re, float *im, float *sum, int64_t stride,
                 float *scratch) const;

    /// The real sequences whose one-sided spectra are the complex products that three real ones
    /// give (Gauss's form: Re = T1 − T2, Im = T3 − T1 − T2, bin f of sequence l at
    /// `t·[f · stride + l]`), each times N (Σ_f X_f e^{+2πifn/N} over the Hermitian extension;
    /// divide by N for the inverse): sample n of sequence l goes to `rows[l · rowStride + n]`, for
    /// n below `count` rounded up to a multiple of eight (at most N).
    void inverse_3m(const float *t1, const float *t2, const float *t3, int64_t stride, int64_t count,
                    float *rows, int64_t rowStride, float *scratch) const;

private:
    int64_t points_;
    std::vector<float> cos_, sin_;     // cos(2πk/N), sin(2πk/N), k = 0 … N/2
    std::vector<int32_t> reversed_;    // bit-reversal permutation of 0 ..< N/2
    bool avx2_;
};

} // namespace ctorch
