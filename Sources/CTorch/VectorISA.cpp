#include "VectorISA.hpp"

#include <atomic>

#include "Internal.hpp"

namespace ctorch {
namespace {

bool cpu_has_avx2_fma() {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
#else
    return false;
#endif
}

const bool available = cpu_has_avx2_fma();
std::atomic<bool> enabled{true};

}  // namespace

bool vector_avx2() { return available && enabled.load(std::memory_order_relaxed); }

}  // namespace ctorch

int32_t ct_set_vector_kernels(int32_t wide) {
    ctorch::enabled.store(wide != 0, std::memory_order_relaxed);
    return ctorch::vector_avx2() ? 1 : 0;
}
