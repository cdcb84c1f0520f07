// Stride-1 float32 conv1d computed blockwise in the frequency domain, with every transform done as
// a matrix product.
//
// Overlap-save: the input is cut into blocks of `block` (N) samples that overlap by k − 1, so each
// block yields H = N − k + 1 outputs of the correlation with an undilated k-tap kernel. Per block
// and channel the real DFT (F = N/2 + 1 bins, real and imaginary rows) is one product with a fixed
// [2F, N] matrix; per bin, the channel mixing is one real product with the [2O, 2C] block form of
// the complex weight spectrum; the inverse DFT, restricted to the H valid outputs, is a product
// with a [2F, H] matrix. All three are dense matrix products of useful size, and the channel
// mixing costs about 2C multiply-adds per output (plus the transforms) instead of k·C, which is
// what makes k = 7 and k = 11 faster on long sequences.
//
// A dilated kernel is the same undilated kernel applied to each of the `dilation` interleaved
// phases of the sequence (positions p, p + d, p + 2d, ...), so dilation changes only how blocks
// are gathered and outputs scattered. Each work item takes one stretch of blocks in every phase and
// transforms them in the same products, so the stretch of input it reads (and of output it writes)
// is read from memory once rather than once per phase.
#include "Internal.hpp"

#include <ATen/Parallel.h>
#include <algorithm>
#include <cmath>
#include <cstring>
#include <vector>

using namespace ctorch;

namespace {

constexpr double kTwoPi = 6.283185307179586476925286766559;

/// cos/sin of 2π·f·n/N, reduced modulo N first so large products stay exact.
double angle(int64_t f, int64_t n, int64_t block) {
    return kTwoPi * static_cast<double>((f * n) % block) / static_cast<double>(block);
}

/// [2F, N]: row 2f is cos(2πfn/N), row 2f+1 is −sin(2πfn/N); times a block gives its spectrum.
at::Tensor forward_matrix(int64_t block, const at::TensorOptions &options) {
    const int64_t bins = block / 2 + 1;
    at::Tensor m = at::empty({2 * bins, block}, options.dtype(at::kDouble));
    double *p = m.data_ptr<double>();
    for (int64_t f = 0; f < bins; ++f) {
        for (int64_t n = 0; n < block; ++n) {
            const double a = angle(f, n, block);
            p[(2 * f) * block + n] = std::cos(a);
            p[(2 * f + 1) * block + n] = -std::sin(a);
        }
    }
    return m.to(at::kFloat);
}

/// [2F, H]: the real inverse DFT of a one-sided spectrum, outputs 0..<H only.
at::Tensor inverse_matrix(int64_t block, int64_t valid, const at::TensorOptions &options) {
    const int64_t bins = block / 2 + 1;
    at::Tensor m = at::empty({2 * bins, valid}, options.dtype(at::kDouble));
    double *p = m.data_ptr<double>();
    for (int64_t f = 0; f < bins; ++f) {
        const double scale = (f == 0 || 2 * f == block ? 1.0 : 2.0) / static_cast<double>(block);
        for (int64_t n = 0; n < valid; ++n) {
            const double a = angle(f, n, block);
            p[(2 * f) * valid + n] = scale * std::cos(a);
            p[(2 * f + 1) * valid + n] = -scale * std::sin(a);
        }
    }
    return m.to(at::kFloat);
}

bool valid_block(int64_t block, int64_t kernel) {
    return block >= 4 && (block & (block - 1)) == 0 && kernel >= 1 && block > kernel - 1;
}

}  // namespace

CTStatus ct_conv1d_dft_prepare(CTTensorRef weight, int64_t block, CTTensorRef *out) {
    CT_GUARD({
        const at::Tensor &w = T(weight);
        TORCH_CHECK(w.dim() == 3 && w.scalar_type() == at::kFloat && w.is_cpu(),
                    "conv1d_dft_prepare expects a float32 CPU weight [O, C, k]");
        const int64_t o = w.size(0), c = w.size(1), k = w.size(2);
        TORCH_CHECK(valid_block(block, k), "conv1d_dft_prepare: block ", block,
                    " must be a power of two longer than the kernel span ", k);
        const int64_t bins = block / 2 + 1;
        // The conjugate spectrum of the kernel (correlation, not convolution): Σ_j w_j e^{+2πifj/N},
        // as [F, O·C] products of the [F, k] cosine and sine tables with the taps.
        at::Tensor cosines = at::empty({bins, k}, w.options());
        at::Tensor sines = at::empty({bins, k}, w.options());
        float *cp = cosines.data_ptr<float>(), *sp = sines.data_ptr<float>();
        for (int64_t f = 0; f < bins; ++f) {
            for (int64_t j = 0; j < k; ++j) {
                cp[f * k + j] = static_cast<float>(std::cos(angle(f, j, block)));
                sp[f * k + j] = static_cast<float>(std::sin(angle(f, j, block)));
            }
        }
        const at::Tensor taps = w.contiguous().view({o * c, k}).t();
        const at::Tensor re = at::mm(cosines, taps).view({bins, o, c});
        const at::Tensor im = at::mm(sines, taps).view({bins, o, c});
        // [F, 2O, 2C] = [[Re, −Im], [Im, Re]] per bin: a complex product as one real one.
        at::Tensor spectrum = at::empty({bins, 2 * o, 2 * c}, w.options());
        spectrum.narrow(1, 0, o).narrow(2, 0, c).copy_(re);
        spectrum.narrow(1, 0, o).narrow(2, c, c).copy_(im).neg_();
        spectrum.narrow(1, o, o).narrow(2, 0, c).copy_(im);
        spectrum.narrow(1, o, o).narrow(2, c, c).copy_(re);
        return wrap(spectrum, out);
    })
}

CTStatus ct_conv1d_dft(CTTensorRef x, CTTensorRef spectrum, CTTensorRef bias, CTTensorRef residual,
                       int64_t kernel, int64_t padding, int64_t dilation, int64_t block,
                       int64_t tile_blocks, int32_t leaky, double slope, CTTensorRef *out) {
    CT_GUARD({
        const at::Tensor input = time_contiguous(T(x));
        const at::Tensor &spec = T(spectrum);
        TORCH_CHECK(input.dim() == 3 && input.size(0) == 1 && input.scalar_type() == at::kFloat &&
                        input.is_cpu(),
                    "conv1d_dft expects one float32 CPU sequence [1, C, T]");
        TORCH_CHECK(valid_block(block, kernel) && dilation >= 1 && padding >= 0 && tile_blocks >= 1,
                    "conv1d_dft: bad block, kernel, dilation, padding or tile");
        const int64_t c = input.size(1), length = input.size(2);
        const int64_t bins = block / 2 + 1;
        TORCH_CHECK(spec.dim() == 3 && spec.size(0) == bins && spec.size(2) == 2 * c &&
                        spec.size(1) % 2 == 0 && spec.scalar_type() == at::kFloat,
                    "conv1d_dft: the spectrum ", spec.sizes(), " does not fit block ", block,
                    " and ", c, " input channels");
        const int64_t o = spec.size(1) / 2;
        const int64_t valid = block - kernel + 1;  // outputs per block
        const int64_t outLength = length + 2 * padding - (kernel - 1) * dilation;
        TORCH_CHECK(outLength > 0, "conv1d_dft: input shorter than the kernel span");
        c10::optional<at::Tensor> biasTensor;
        if (bias) {
            biasTensor = T(bias).contiguous();
            TORCH_CHECK(biasTensor->numel() == o && biasTensor->scalar_type() == at::kFloat,
                        "conv1d_dft: bias must be float32 [", o, "]");
        }
        const at::TensorOptions options = input.options();
        const at::Tensor forward = forward_matrix(block, options);
        const at::Tensor inverse = inverse_matrix(block, valid, options);
        const ConvFusion fusion(residual, leaky, slope);
        at::Tensor y = fusion.output(input, o, outLength, "conv1d_dft");
        const bool accumulate = fusion.residual.has_value();

        // Work items: a stretch of `perPhase` blocks in every phase at once, so one item reads and
        // writes a span of about tile_blocks · H samples per channel (as an undilated layer does)
        // and its products still see about tile_blocks columns. Columns are (phase, block) pairs,
        // phase-major; a phase's last stretch may hold fewer blocks or none.
        const int64_t perPhase = std::max<int64_t>(1, tile_blocks / dilation);
        const int64_t columns = perPhase * dilation;
        const int64_t longest = (outLength + dilation - 1) / dilation;
        const int64_t items = ((longest + valid - 1) / valid + perPhase - 1) / perPhase;
        std::vector<int64_t> positions(static_cast<size_t>(dilation)), phaseBlocks(positions.size());
        for (int64_t p = 0; p < dilation; ++p) {
            positions[static_cast<size_t>(p)] = (outLength - p + dilation - 1) / dilation;
            phaseBlocks[static_cast<size_t>(p)] = (positions[static_cast<size_t>(p)] + valid - 1) / valid;
        }
        const float *xp = input.data_ptr<float>();
        const int64_t channelStride = input.stride(1);
        float *yp = y.data_ptr<float>();
        const float *bp = biasTensor ? biasTensor->data_ptr<float>() : nullptr;
        at::parallel_for(0, items, 1, [&](int64_t begin, int64_t end) {
            at::Tensor gathered = at::empty({c * columns * block}, options);
            at::Tensor spectra = at::empty({2 * bins * c * columns}, options);
            at::Tensor mixed = at::empty({bins * 2 * o * columns}, options);
            at::Tensor result = at::empty({o * columns * valid}, options);
            std::vector<int64_t> counts(static_cast<size_t>(dilation));
            for (int64_t i = begin; i < end; ++i) {
                const int64_t firstBlock = i * perPhase;
                int64_t nb = 0;  // columns in this item
                for (int64_t p = 0; p < dilation; ++p) {
                    const int64_t left = phaseBlocks[static_cast<size_t>(p)] - firstBlock;
                    counts[static_cast<size_t>(p)] = std::max<int64_t>(0, std::min(perPhase, left));
                    nb += counts[static_cast<size_t>(p)];
                }
                float *g = gathered.data_ptr<float>();
                for (int64_t ci = 0; ci < c; ++ci) {
                    const float *xc = xp + ci * channelStride;
                    float *row = g + ci * nb * block;
                    for (int64_t p = 0; p < dilation; ++p) {
                        for (int64_t b = 0; b < counts[static_cast<size_t>(p)]; ++b, row += block) {
                            // Input index of the block's first sample.
                            const int64_t start = p + (firstBlock + b) * valid * dilation - padding;
                            // Samples n in [lo, hi) lie inside the input; the rest are padding.
                            const int64_t lo = start >= 0 ? 0 : std::min(block, (-start + dilation - 1) / dilation);
                            const int64_t hi = std::max(lo, std::min(block, length - start <= 0 ? 0 : (length - start + dilation - 1) / dilation));
                            if (lo > 0) std::memset(row, 0, sizeof(float) * lo);
                            if (dilation == 1) {
                                if (hi > lo) fusion.load(row + lo, xc + start + lo, hi - lo);
                            } else {
                                const float *from = xc + start;
                                for (int64_t n = lo; n < hi; ++n) row[n] = fusion.load(from[n * dilation]);
                            }
                            if (block > hi) std::memset(row + hi, 0, sizeof(float) * (block - hi));
                        }
                    }
                }
                const at::Tensor blocks = gathered.narrow(0, 0, c * nb * block).view({c * nb, block});
                at::Tensor spectrum2 = spectra.narrow(0, 0, 2 * bins * c * nb).view({2 * bins, c * nb});
                at::mm_out(spectrum2, forward, blocks.t());
                at::Tensor mixed3 = mixed.narrow(0, 0, bins * 2 * o * nb).view({bins, 2 * o, nb});
                at::bmm_out(mixed3, spec, spectrum2.view({bins, 2 * c, nb}));
                at::Tensor result2 = result.narrow(0, 0, o * nb * valid).view({o * nb, valid});
                at::mm_out(result2, mixed3.view({2 * bins, o * nb}).t(), inverse);
                const float *r = result2.data_ptr<float>();
                for (int64_t oi = 0; oi < o; ++oi) {
                    float *yo = yp + oi * outLength;
                    const float shift = bp ? bp[oi] : 0.0f;
                    const float *src = r + oi * nb * valid;
                    for (int64_t p = 0; p < dilation; ++p) {
                        for (int64_t b = 0; b < counts[static_cast<size_t>(p)]; ++b, src += valid) {
                            const int64_t first = (firstBlock + b) * valid;  // position within the phase
                            const int64_t n = std::min(valid, positions[static_cast<size_t>(p)] - first);
                            float *dst = yo + p + first * dilation;
                            if (accumulate) {
                                for (int64_t t = 0; t < n; ++t) dst[t * dilation] = (src[t] + shift) + dst[t * dilation];
                            } else {
                                for (int64_t t = 0; t < n; ++t) dst[t * dilation] = src[t] + shift;
                            }
                        }
                    }
                }
            }
        });
        return wrap(y, out);
    })
}
