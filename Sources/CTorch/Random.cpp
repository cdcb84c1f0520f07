// Random generators and sampling.
#include "Internal.hpp"

#include <ATen/CPUGeneratorImpl.h>
#include <ATen/detail/CUDAHooksInterface.h>
#include <mutex>

using namespace ctorch;

struct CTGenerator {
    at::Generator generator;
};

namespace {

/// The generator behind a handle; none (LibTorch's default generator) for NULL.
c10::optional<at::Generator> generator_of(CTGeneratorRef generator) {
    c10::optional<at::Generator> g;
    if (generator) g = generator->generator;
    return g;
}

} // namespace

extern "C" {

void ct_manual_seed(uint64_t seed) {
    at::manual_seed(seed);
}

CTStatus ct_generator_new(uint64_t seed, CTDevice device, CTGeneratorRef *out) {
    CT_GUARD({
        at::Device d = to_device(device);
        at::Generator g = d.is_cuda() ? at::detail::getCUDAHooks().getNewGenerator(d.index())
                                      : at::detail::createCPUGenerator(seed);
        {
            std::lock_guard<std::mutex> lock(g.mutex());
            g.set_current_seed(seed);
        }
        *out = new CTGenerator{g};
        return CT_OK;
    })
}

void ct_generator_free(CTGeneratorRef g) { delete g; }

CTStatus ct_randn(const int64_t *shape, int32_t ndim, CTDType dtype, CTDevice device,
                  CTGeneratorRef generator, CTTensorRef *out) {
    CT_GUARD({ return wrap(at::randn(ints(shape, ndim), generator_of(generator), tensor_options(dtype, device)), out); })
}

CTStatus ct_rand(const int64_t *shape, int32_t ndim, CTDType dtype, CTDevice device,
                 CTGeneratorRef generator, CTTensorRef *out) {
    CT_GUARD({ return wrap(at::rand(ints(shape, ndim), generator_of(generator), tensor_options(dtype, device)), out); })
}

} // extern "C"
