// Stride-1 float32 conv1d computed blockwise in the frequency domain.
//
// Overlap-save: the input is cut into blocks of `block` (N) samples that overlap by k − 1, so each
// block yields H = N − k + 1 outputs of the correlation with an undilated k-tap kernel. Per block
// and channel the real DFT (F = N/2 + 1 bins) is an FFT (BlockFFT, eight blocks at a time, read
// through the input activation as they are gathered); per bin, the channel mixing is a complex
// product done as three real matrix products (Gauss: Re·Xr, Im·Xi, (Re + Im)·(Xr + Xi), with the
// [3, F, O, C] spectrum of ct_conv1d_dft_prepare); the inverse FFT's first H samples are scattered
// to the output with the bias (and the residual). The mixing costs about 1.5C multiply-adds per
// output and the transforms O(log N) per channel, instead of k·C, which is what makes k = 7 and
// k = 11 faster on long sequences.
//
// A dilated kernel is the same undilated kernel applied to each of the `dilation` interleaved
// phases of the sequence (positions p, p + d, p + 2d, ...), so dilation changes only how blocks
// are gathered and outputs scattered. Each work item takes one stretch of blocks in every phase and
// transforms them in the same products, so the stretch of input it reads (and of output it writes)
// is read from memory once rather than once per phase.
#include "Internal.hpp"
#include "BlockFFT.hpp"
#include "RowKernels.hpp"

#include <ATen/Parallel.h>
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <vector>

using namespace ctorch;

namespace {

constexpr double kTwoPi = 6.283185307179586476925286766559;

/// cos/sin of 2π·f·n/N, reduced modulo N first so large products stay exact.
double angle(int64_t f, int64_t n, int64_t block) {
    return kTwoPi * static_cast<double>((f * n) % block) / static_cast<double>(block);
}

bool valid_block(int64_t block, int64_t kernel) {
    return block >= 8 && block <= 1024 && (block & (block - 1)) == 0 && kernel >= 1 && block > kernel - 1;
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
        // its real part, imaginary part and their sum (the three weights of the complex product in
        // three real ones), as one product of [3, F, k] cosine, sine and sum tables with the taps.
        at::Tensor tables = at::empty({3, bins, k}, w.options());
        float *tp = tables.data_ptr<float>();
        for (int64_t f = 0; f < bins; ++f) {
            for (int64_t j = 0; j < k; ++j) {
                const double cosine = std::cos(angle(f, j, block)), sine = std::sin(angle(f, j, block));
                tp[f * k + j] = static_cast<float>(cosine);
                tp[(bins + f) * k + j] = static_cast<float>(sine);
                tp[(2 * bins + f) * k + j] = static_cast<float>(cosine + sine);
            }
        }
        const at::Tensor taps = w.contiguous().view({o * c, k}).t();
        const at::Tensor spectrum = at::mm(tables.view({3 * bins, k}), taps).view({3, bins, o, c});
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
        TORCH_CHECK(spec.dim() == 4 && spec.size(0) == 3 && spec.size(1) == bins && spec.size(3) == c &&
                        spec.scalar_type() == at::kFloat && spec.is_contiguous(),
                    "conv1d_dft: the spectrum ", spec.sizes(), " does not fit block ", block,
                    " and ", c, " input channels");
        const int64_t o = spec.size(2);
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
        const BlockFFT fft(block);
        const ConvFusion fusion(residual, leaky, slope);
        at::Tensor y = fusion.output(input, o, outLength, "conv1d_dft");
        const bool accumulate = fusion.residual.has_value();

        // Work items: a stretch of `perPhase` blocks in every phase at once, so one item reads and
        // writes a span of about tile_blocks · H samples per channel (as an undilated layer does)
        // and its products still see about tile_blocks columns. Columns are (phase, block) pairs,
        // phase-major; a phase's last stretch may hold fewer blocks or none. The transforms take
        // eight columns at a time, so the spectra have room for a whole number of eights.
        constexpr int64_t lanes = BlockFFT::kLanes;
        const int64_t perPhase = std::max<int64_t>(1, tile_blocks / dilation);
        const int64_t columns = perPhase * dilation;
        const int64_t padded = (columns + lanes - 1) / lanes * lanes;
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
        const float scale = 1.0f / static_cast<float>(block);  // a power of two: exact
        at::parallel_for(0, items, 1, [&](int64_t begin, int64_t end) {
            at::Tensor spectra = at::empty({3 * bins * c * padded}, options);
            at::Tensor mixed = at::empty({3 * bins * o * padded}, options);
            // [8][N] rows, then the FFT's scratch, which must start on a 32-byte boundary.
            at::Tensor local = at::empty({block * lanes + fft.scratch_size() + 8}, options);
            float *rows = local.data_ptr<float>();
            float *scratch = reinterpret_cast<float *>(
                (reinterpret_cast<uintptr_t>(rows + block * lanes) + 31) & ~static_cast<uintptr_t>(31));
            // Per column: its phase, and its first output's position within the phase.
            std::vector<int64_t> phaseOf(static_cast<size_t>(padded)), firstOf(phaseOf.size());
            for (int64_t i = begin; i < end; ++i) {
                const int64_t firstBlock = i * perPhase;
                int64_t nb = 0;  // columns in this item
                for (int64_t p = 0; p < dilation; ++p) {
                    const int64_t left = phaseBlocks[static_cast<size_t>(p)] - firstBlock;
                    const int64_t count = std::max<int64_t>(0, std::min(perPhase, left));
                    for (int64_t b = 0; b < count; ++b, ++nb) {
                        phaseOf[static_cast<size_t>(nb)] = p;
                        firstOf[static_cast<size_t>(nb)] = (firstBlock + b) * valid;
                    }
                }
                const int64_t width = (nb + lanes - 1) / lanes * lanes;
                // Forward: eight blocks of one channel at a time, gathered (through the input
                // activation) and transformed into the spectra's real parts, imaginary parts and
                // their sums, each [F][C][width].
                float *s2 = spectra.data_ptr<float>();
                for (int64_t ci = 0; ci < c; ++ci) {
                    const float *xc = xp + ci * channelStride;
                    for (int64_t g = 0; g < width; g += lanes) {
                        for (int64_t l = 0; l < lanes; ++l) {
                            float *row = rows + l * block;
                            const int64_t col = g + l;
                            if (col >= nb) {
                                std::memset(row, 0, sizeof(float) * block);
                                continue;
                            }
                            const int64_t p = phaseOf[static_cast<size_t>(col)];
                            // Input index of the block's first sample.
                            const int64_t start = p + firstOf[static_cast<size_t>(col)] * dilation - padding;
                            // Samples n in [lo, hi) lie inside the input; the rest are padding.
                            const int64_t lo = start >= 0 ? 0 : std::min(block, (-start + dilation - 1) / dilation);
                            const int64_t hi = std::max(lo, std::min(block, length - start <= 0 ? 0 : (length - start + dilation - 1) / dilation));
                            if (lo > 0) std::memset(row, 0, sizeof(float) * lo);
                            if (hi > lo)
                                load_row(row + lo, xc + start + lo * dilation, hi - lo, dilation, fusion.leaky, fusion.slope);
                            if (block > hi) std::memset(row + hi, 0, sizeof(float) * (block - hi));
                        }
                        float *re = s2 + ci * width + g;
                        fft.forward(rows, block, re, re + bins * c * width, re + 2 * bins * c * width, c * width, scratch);
                    }
                }
                // The channel mixing per bin, a complex product in three real ones:
                // T1 = Re·Xr, T2 = Im·Xi, T3 = (Re + Im)·(Xr + Xi), each [F][O][width].
                const at::Tensor x3 = spectra.narrow(0, 0, 3 * bins * c * width).view({3 * bins, c, width});
                at::Tensor t3 = mixed.narrow(0, 0, 3 * bins * o * width).view({3 * bins, o, width});
                at::bmm_out(t3, spec.view({3 * bins, o, c}), x3);
                // Inverse: eight blocks of one output channel at a time, from Re = T1 − T2 and
                // Im = T3 − T1 − T2, scattered with the bias (and into the residual).
                const float *m = t3.data_ptr<float>();
                for (int64_t oi = 0; oi < o; ++oi) {
                    float *yo = yp + oi * outLength;
                    const float shift = bp ? bp[oi] : 0.0f;
                    for (int64_t g = 0; g < nb; g += lanes) {
                        const float *t1 = m + oi * width + g;
                        fft.inverse_3m(t1, t1 + bins * o * width, t1 + 2 * bins * o * width, o * width, valid, rows, block, scratch);
                        for (int64_t l = 0; l < lanes && g + l < nb; ++l) {
                            const int64_t col = g + l;
                            const int64_t p = phaseOf[static_cast<size_t>(col)];
                            const int64_t first = firstOf[static_cast<size_t>(col)];
                            const int64_t n = std::min(valid, positions[static_cast<size_t>(p)] - first);
                            float *dst = yo + p + first * dilation;
                            store_row(dst, rows + l * block, n, dilation, scale, shift, accumulate);
                        }
                    }
                }
            }
        });
        return wrap(y, out);
    })
}
