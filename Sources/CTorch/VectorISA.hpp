// Which instruction set the project's own vector kernels (BlockFFT, RowKernels) run on.
#pragma once

namespace ctorch {

/// True when the kernels use their AVX2/FMA builds: by default wherever the CPU has both;
/// ct_set_vector_kernels can turn them off (tests compare the two builds).
bool vector_avx2();

} // namespace ctorch
