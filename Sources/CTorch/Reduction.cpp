// Reductions (sum, mean, extrema, norms, top-k, sort) and scans (cumsum, softmax).
#include "Internal.hpp"

#include <algorithm>
#include <vector>

using namespace ctorch;

extern "C" {

CTStatus ct_reduce(CTReduceOp op, CTTensorRef t, const int64_t *dims, int32_t ndims, bool keepdim,
                   CTTensorRef *out) {
    CT_GUARD({
        const at::Tensor &x = T(t);
        at::IntArrayRef d = ints(dims, ndims);
        at::OptionalIntArrayRef od = ndims > 0 ? at::OptionalIntArrayRef(d) : c10::nullopt;
        switch (op) {
        case CT_SUM: return wrap(at::sum(x, od, keepdim), out);
        case CT_MEAN: return wrap(at::mean(x, od, keepdim), out);
        case CT_AMAX: return wrap(at::amax(x, d, keepdim), out);
        case CT_AMIN: return wrap(at::amin(x, d, keepdim), out);
        case CT_PROD: {
            at::Tensor r = x;
            if (ndims == 0) return wrap(at::prod(x), out);
            std::vector<int64_t> sorted(d.begin(), d.end());
            std::sort(sorted.rbegin(), sorted.rend());
            for (auto dim : sorted) r = at::prod(r, dim, keepdim);
            return wrap(r, out);
        }
        case CT_ALL: {
            if (ndims == 0) return wrap(at::all(x), out);
            return wrap(at::all(x, d, keepdim), out);
        }
        case CT_ANY: {
            if (ndims == 0) return wrap(at::any(x), out);
            return wrap(at::any(x, d, keepdim), out);
        }
        }
        throw std::invalid_argument("unknown reduction");
    })
}

CTStatus ct_norm(CTTensorRef t, double p, const int64_t *dims, int32_t ndims, bool keepdim,
                 CTTensorRef *out) {
    CT_GUARD({
        const at::Tensor &x = T(t);
        if (ndims == 0) return wrap(at::norm(x, p), out);
        return wrap(at::norm(x, p, ints(dims, ndims), keepdim), out);
    })
}

CTStatus ct_argmax(CTTensorRef t, int64_t dim, bool keepdim, CTTensorRef *out) {
    CT_GUARD({ return wrap(at::argmax(T(t), dim, keepdim), out); })
}

CTStatus ct_max_dim(CTTensorRef t, int64_t dim, bool keepdim, CTTensorRef *values,
                    CTTensorRef *indices) {
    CT_GUARD({
        auto r = at::max(T(t), dim, keepdim);
        wrap(std::get<0>(r), values);
        return wrap(std::get<1>(r), indices);
    })
}

CTStatus ct_topk(CTTensorRef t, int64_t k, int64_t dim, bool largest, bool sorted,
                 CTTensorRef *values, CTTensorRef *indices) {
    CT_GUARD({
        auto r = at::topk(T(t), k, dim, largest, sorted);
        wrap(std::get<0>(r), values);
        return wrap(std::get<1>(r), indices);
    })
}

CTStatus ct_sort(CTTensorRef t, int64_t dim, bool descending, bool stable, CTTensorRef *values,
                 CTTensorRef *indices) {
    CT_GUARD({
        auto r = at::sort(T(t), stable, dim, descending);
        wrap(std::get<0>(r), values);
        return wrap(std::get<1>(r), indices);
    })
}

CTStatus ct_cumsum(CTTensorRef t, int64_t dim, CTTensorRef *out) {
    CT_GUARD({ return wrap(at::cumsum(T(t), dim), out); })
}

CTStatus ct_softmax(CTTensorRef t, int64_t dim, CTTensorRef *out) {
    CT_GUARD({ return wrap(at::softmax(T(t), dim), out); })
}

CTStatus ct_log_softmax(CTTensorRef t, int64_t dim, CTTensorRef *out) {
    CT_GUARD({ return wrap(at::log_softmax(T(t), dim), out); })
}

} // extern "C"
