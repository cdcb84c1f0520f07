// Elementwise operations: unary and binary ops (tensor and scalar operands), activations,
// clamp, where, masked_fill and the in-place forms.
#include "Internal.hpp"

using namespace ctorch;

namespace {

at::Tensor unary(CTUnaryOp op, const at::Tensor &x) {
    switch (op) {
    case CT_NEG: return at::neg(x);
    case CT_EXP: return at::exp(x);
    case CT_LOG: return at::log(x);
    case CT_SIN: return at::sin(x);
    case CT_COS: return at::cos(x);
    case CT_TANH: return at::tanh(x);
    case CT_SIGMOID: return at::sigmoid(x);
    case CT_RELU: return at::relu(x);
    case CT_GELU: return at::gelu(x);
    case CT_SQRT: return at::sqrt(x);
    case CT_ABS: return at::abs(x);
    case CT_FLOOR: return at::floor(x);
    case CT_CEIL: return at::ceil(x);
    case CT_ROUND: return at::round(x);
    case CT_RECIPROCAL: return at::reciprocal(x);
    case CT_LOG10: return at::log10(x);
    case CT_LOG1P: return at::log1p(x);
    case CT_LOGICAL_NOT: return at::logical_not(x);
    case CT_ISFINITE: return at::isfinite(x);
    case CT_SQUARE: return at::square(x);
    case CT_RSQRT: return at::rsqrt(x);
    case CT_SIGN: return at::sign(x);
    case CT_ISNAN: return at::isnan(x);
    }
    throw std::invalid_argument("unknown unary op " + std::to_string(static_cast<int>(op)));
}

at::Tensor binary(CTBinaryOp op, const at::Tensor &a, const at::Tensor &b) {
    switch (op) {
    case CT_ADD: return at::add(a, b);
    case CT_SUB: return at::sub(a, b);
    case CT_MUL: return at::mul(a, b);
    case CT_DIV: return at::div(a, b);
    case CT_POW: return at::pow(a, b);
    case CT_REMAINDER: return at::remainder(a, b);
    case CT_MAXIMUM: return at::maximum(a, b);
    case CT_MINIMUM: return at::minimum(a, b);
    case CT_EQ: return at::eq(a, b);
    case CT_NE: return at::ne(a, b);
    case CT_LT: return at::lt(a, b);
    case CT_LE: return at::le(a, b);
    case CT_GT: return at::gt(a, b);
    case CT_GE: return at::ge(a, b);
    case CT_LOGICAL_AND: return at::logical_and(a, b);
    case CT_LOGICAL_OR: return at::logical_or(a, b);
    case CT_ATAN2: return at::atan2(a, b);
    case CT_FLOOR_DIVIDE: return at::floor_divide(a, b);
    }
    throw std::invalid_argument("unknown binary op " + std::to_string(static_cast<int>(op)));
}

at::Tensor binary_scalar(CTBinaryOp op, const at::Tensor &a, const at::Scalar &s) {
    switch (op) {
    case CT_ADD: return at::add(a, s);
    case CT_SUB: return at::sub(a, s);
    case CT_MUL: return at::mul(a, s);
    case CT_DIV: return at::div(a, s);
    case CT_POW: return at::pow(a, s);
    case CT_REMAINDER: return at::remainder(a, s);
    case CT_EQ: return at::eq(a, s);
    case CT_NE: return at::ne(a, s);
    case CT_LT: return at::lt(a, s);
    case CT_LE: return at::le(a, s);
    case CT_GT: return at::gt(a, s);
    case CT_GE: return at::ge(a, s);
    case CT_FLOOR_DIVIDE: return at::floor_divide(a, s);
    default: {
        // A 0-dim tensor made by wrapped_scalar_tensor does not promote, like a Python number.
        auto w = at::scalar_to_tensor(s, a.device());
        w.unsafeGetTensorImpl()->set_wrapped_number(true);
        return binary(op, a, w);
    }
    }
}

at::Tensor scalar_binary(CTBinaryOp op, const at::Scalar &s, const at::Tensor &a) {
    switch (op) {
    case CT_SUB: return at::rsub(a, s);
    case CT_POW: return at::pow(s, a);
    case CT_ADD: return at::add(a, s);
    case CT_MUL: return at::mul(a, s);
    default: {
        auto w = at::scalar_to_tensor(s, a.device());
        w.unsafeGetTensorImpl()->set_wrapped_number(true);
        return binary(op, w, a);
    }
    }
}

} // namespace

extern "C" {

CTStatus ct_unary(CTUnaryOp op, CTTensorRef t, CTTensorRef *out) {
    CT_GUARD({ return wrap(unary(op, T(t)), out); })
}

CTStatus ct_binary(CTBinaryOp op, CTTensorRef a, CTTensorRef b, CTTensorRef *out) {
    CT_GUARD({ return wrap(binary(op, T(a), T(b)), out); })
}

CTStatus ct_binary_scalar(CTBinaryOp op, CTTensorRef a, double s, bool scalar_first,
                          CTTensorRef *out) {
    CT_GUARD({
        const at::Tensor &x = T(a);
        // Integral tensors keep integral scalars integral (e.g. index arithmetic).
        at::Scalar scalar = (at::isIntegralType(x.scalar_type(), true) && s == static_cast<double>(static_cast<int64_t>(s)))
                                ? at::Scalar(static_cast<int64_t>(s))
                                : at::Scalar(s);
        return wrap(scalar_first ? scalar_binary(op, scalar, x) : binary_scalar(op, x, scalar), out);
    })
}

CTStatus ct_leaky_relu(CTTensorRef t, double slope, CTTensorRef *out) {
    CT_GUARD({ return wrap(at::leaky_relu(T(t), slope), out); })
}

CTStatus ct_leaky_relu_(CTTensorRef t, double slope) {
    CT_GUARD({
        if (t == nullptr) throw std::invalid_argument("t is NULL");
        at::leaky_relu_(t->tensor, slope);
        return CT_OK;
    })
}

CTStatus ct_div_scalar_(CTTensorRef t, double value) {
    CT_GUARD({
        if (t == nullptr) throw std::invalid_argument("t is NULL");
        t->tensor.div_(value);
        return CT_OK;
    })
}

CTStatus ct_gelu_(CTTensorRef t, bool tanh_approx) {
    CT_GUARD({
        if (t == nullptr) throw std::invalid_argument("t is NULL");
        at::gelu_(t->tensor, tanh_approx ? "tanh" : "none");
        return CT_OK;
    })
}

CTStatus ct_gelu(CTTensorRef t, bool tanh_approx, CTTensorRef *out) {
    CT_GUARD({ return wrap(at::gelu(T(t), tanh_approx ? "tanh" : "none"), out); })
}

CTStatus ct_clamp(CTTensorRef t, bool has_min, double min, bool has_max, double max,
                  CTTensorRef *out) {
    CT_GUARD({
        c10::optional<at::Scalar> lo, hi;
        if (has_min) lo = min;
        if (has_max) hi = max;
        return wrap(at::clamp(T(t), lo, hi), out);
    })
}

CTStatus ct_where(CTTensorRef cond, CTTensorRef a, CTTensorRef b, CTTensorRef *out) {
    CT_GUARD({ return wrap(at::where(T(cond), T(a), T(b)), out); })
}

CTStatus ct_masked_fill(CTTensorRef t, CTTensorRef mask, double value, CTTensorRef *out) {
    CT_GUARD({ return wrap(T(t).masked_fill(T(mask), value), out); })
}

CTStatus ct_add_scaled(CTTensorRef a, CTTensorRef b, double alpha, CTTensorRef *out) {
    CT_GUARD({ return wrap(at::add(T(a), T(b), alpha), out); })
}

CTStatus ct_add_(CTTensorRef a, CTTensorRef b) {
    CT_GUARD({
        if (a == nullptr) throw std::invalid_argument("a is NULL");
        a->tensor.add_(T(b));
        return CT_OK;
    })
}

} // extern "C"
