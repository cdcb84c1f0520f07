// Matrix products, linear layers and attention.
#include "Internal.hpp"

using namespace ctorch;

extern "C" {

CTStatus ct_matmul(CTTensorRef a, CTTensorRef b, CTTensorRef *out) {
    CT_GUARD({ return wrap(at::matmul(T(a), T(b)), out); })
}

CTStatus ct_bmm(CTTensorRef a, CTTensorRef b, CTTensorRef *out) {
    CT_GUARD({ return wrap(at::bmm(T(a), T(b)), out); })
}

CTStatus ct_linear(CTTensorRef x, CTTensorRef weight, CTTensorRef bias, CTTensorRef *out) {
    CT_GUARD({ return wrap(at::linear(T(x), T(weight), opt(bias)), out); })
}

CTStatus ct_scaled_dot_product_attention(CTTensorRef q, CTTensorRef k, CTTensorRef v,
                                         CTTensorRef mask, double scale, CTTensorRef *out) {
    CT_GUARD({
        c10::optional<double> s;
        if (scale > 0) s = scale;
        return wrap(at::scaled_dot_product_attention(T(q), T(k), T(v), opt(mask), 0.0, false, s),
                    out);
    })
}

} // extern "C"
