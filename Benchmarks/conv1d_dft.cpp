// Times the spectral (block DFT) convolution, ct_conv1d_dft, on the v2 48 kHz decoder's shapes:
// 128, 64 and 32 channels over 10 s of their stage's rate, kernels 7 and 11 with the blocks the
// decoder picks (32 and 64), dilations 1, 3 and 5, the input activation and the residual fused as
// the decoder runs them. Best of three per shape. With a file argument it also writes every
// output there, so two builds can be compared byte for byte (`cmp`).
//
//   swift build -c release --product rvc
//   T=$(pkg-config --variable=prefix libtorch)
//   g++ -O2 -std=c++17 -w -I Sources/CTorch -I Sources/CTorch/include -I$T/include \
//       -I$T/include/torch/csrc/api/include Benchmarks/conv1d_dft.cpp \
//       $(ls .build/release/CTorch.build/*.o) -L$T/lib -ltorch_cpu -lc10 -Wl,-rpath,$T/lib \
//       -o /tmp/conv1d_dft
//   /tmp/conv1d_dft [threads] [outputs.bin]
//
// docs/performance.md ("Against the real reference") has the figures.
#include "Internal.hpp"

#include <ATen/Parallel.h>
#include <chrono>
#include <cstdio>
#include <cstdlib>

int main(int argc, char **argv) {
    at::set_num_threads(argc > 1 ? std::atoi(argv[1]) : 1);
    FILE *dump = argc > 2 ? std::fopen(argv[2], "wb") : nullptr;
    at::manual_seed(7);
    struct Shape { int64_t channels, length; } shapes[] = {{128, 120000}, {64, 240000}, {32, 480000}};
    double total = 0;
    for (const Shape s : shapes) {
        at::Tensor x = at::randn({1, s.channels, s.length});
        CTTensor input{x};
        for (int64_t kernel : {7, 11}) {
            const int64_t block = kernel == 7 ? 32 : 64;
            at::Tensor w = at::randn({s.channels, s.channels, kernel}) * 0.05, b = at::randn({s.channels});
            CTTensor weight{w}, bias{b};
            CTTensorRef spectrum = nullptr;
            if (ct_conv1d_dft_prepare(&weight, block, &spectrum) != CT_OK) {
                std::fprintf(stderr, "prepare failed: %s\n", ct_last_error());
                return 1;
            }
            std::printf("C %3ld k %2ld:", static_cast<long>(s.channels), static_cast<long>(kernel));
            for (int64_t dilation : {1, 3, 5}) {
                const int64_t padding = (kernel * dilation - dilation) / 2;
                const at::Tensor start = at::randn({1, s.channels, s.length});
                at::Tensor sum;
                double best = 1e9;
                for (int run = 0; run < 3; ++run) {
                    sum = start.clone();
                    CTTensor residual{sum};
                    CTTensorRef out = nullptr;
                    const auto t0 = std::chrono::steady_clock::now();
                    if (ct_conv1d_dft(&input, spectrum, &bias, &residual, kernel, padding, dilation, block, 64,
                                      1, 0.1, &out) != CT_OK) {
                        std::fprintf(stderr, "conv1d_dft failed: %s\n", ct_last_error());
                        return 1;
                    }
                    best = std::min(best, std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
                    ct_free(out);
                }
                if (dump) std::fwrite(sum.data_ptr<float>(), sizeof(float), sum.numel(), dump);
                std::printf("  d%ld %.3f s", static_cast<long>(dilation), best);
                total += best;
            }
            std::printf("\n");
            std::fflush(stdout);
            ct_free(spectrum);
        }
    }
    std::printf("total %.3f s\n", total);
    if (dump) std::fclose(dump);
    return 0;
}
