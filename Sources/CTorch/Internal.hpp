// Internal helpers shared by the CTorch translation units (not part of the C interface).
#pragma once

#include <ATen/ATen.h>
#include <c10/util/Exception.h>
#include <exception>
#include <new>
#include <string>

#include "CTorch.h"

struct CTTensor {
    at::Tensor tensor;
};

namespace ctorch {

void set_error(const std::string &message);
void clear_error();
at::ScalarType to_scalar_type(CTDType dtype);
CTDType from_scalar_type(at::ScalarType type);
at::Device to_device(CTDevice device);
/// Loads LibTorch's CUDA library once (registering its hooks); true when CUDA is usable.
bool ensure_cuda();

inline CTStatus wrap(at::Tensor result, CTTensorRef *out) {
    *out = new CTTensor{std::move(result)};
    return CT_OK;
}

inline const at::Tensor &T(CTTensorRef t) {
    if (t == nullptr) throw std::invalid_argument("a tensor argument is NULL");
    return t->tensor;
}

inline c10::optional<at::Tensor> opt(CTTensorRef t) {
    if (t == nullptr) return c10::nullopt;
    return t->tensor;
}

inline at::IntArrayRef ints(const int64_t *values, int32_t count) {
    if (count < 0 || (count > 0 && values == nullptr))
        throw std::invalid_argument("an integer array argument is NULL or has a negative length");
    return at::IntArrayRef(values, static_cast<size_t>(count));
}

} // namespace ctorch

/// Runs `body`, converting every C++ exception into a status and a thread-local message.
#define CT_GUARD(...)                                                                         \
    try {                                                                                      \
        ctorch::clear_error();                                                                 \
        __VA_ARGS__                                                                            \
    } catch (const c10::OutOfMemoryError &e) {                                                 \
        ctorch::set_error(e.what_without_backtrace());                                         \
        return CT_OUT_OF_MEMORY;                                                               \
    } catch (const c10::Error &e) {                                                            \
        ctorch::set_error(e.what_without_backtrace());                                         \
        return CT_ERROR;                                                                       \
    } catch (const std::invalid_argument &e) {                                                 \
        ctorch::set_error(e.what());                                                           \
        return CT_INVALID_ARGUMENT;                                                            \
    } catch (const std::bad_alloc &) {                                                         \
        ctorch::set_error("out of memory");                                                    \
        return CT_OUT_OF_MEMORY;                                                               \
    } catch (const std::exception &e) {                                                        \
        ctorch::set_error(e.what());                                                           \
        return CT_ERROR;                                                                       \
    } catch (...) {                                                                            \
        ctorch::set_error("unknown C++ exception");                                            \
        return CT_ERROR;                                                                       \
    }
