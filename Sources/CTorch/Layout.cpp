// Type and device conversion, copies, views, joins and indexing.
#include "Internal.hpp"

#include <vector>

using namespace ctorch;

extern "C" {

CTStatus ct_to(CTTensorRef t, CTDevice device, CTDType dtype, bool non_blocking, CTTensorRef *out) {
    CT_GUARD({
        return wrap(T(t).to(to_device(device), to_scalar_type(dtype), non_blocking), out);
    })
}

CTStatus ct_contiguous(CTTensorRef t, CTTensorRef *out) {
    CT_GUARD({ return wrap(T(t).contiguous(), out); })
}

CTStatus ct_clone(CTTensorRef t, CTTensorRef *out) {
    CT_GUARD({ return wrap(T(t).clone(), out); })
}

CTStatus ct_copy_(CTTensorRef dst, CTTensorRef src) {
    CT_GUARD({
        if (dst == nullptr) throw std::invalid_argument("dst is NULL");
        dst->tensor.copy_(T(src));
        return CT_OK;
    })
}

CTStatus ct_reshape(CTTensorRef t, const int64_t *shape, int32_t ndim, CTTensorRef *out) {
    CT_GUARD({ return wrap(T(t).reshape(ints(shape, ndim)), out); })
}

CTStatus ct_permute(CTTensorRef t, const int64_t *dims, int32_t ndim, CTTensorRef *out) {
    CT_GUARD({ return wrap(T(t).permute(ints(dims, ndim)), out); })
}

CTStatus ct_transpose(CTTensorRef t, int64_t dim0, int64_t dim1, CTTensorRef *out) {
    CT_GUARD({ return wrap(T(t).transpose(dim0, dim1), out); })
}

CTStatus ct_expand(CTTensorRef t, const int64_t *shape, int32_t ndim, CTTensorRef *out) {
    CT_GUARD({ return wrap(T(t).expand(ints(shape, ndim)), out); })
}

CTStatus ct_squeeze(CTTensorRef t, int64_t dim, CTTensorRef *out) {
    CT_GUARD({ return wrap(T(t).squeeze(dim), out); })
}

CTStatus ct_unsqueeze(CTTensorRef t, int64_t dim, CTTensorRef *out) {
    CT_GUARD({ return wrap(T(t).unsqueeze(dim), out); })
}

CTStatus ct_flip(CTTensorRef t, const int64_t *dims, int32_t ndim, CTTensorRef *out) {
    CT_GUARD({ return wrap(at::flip(T(t), ints(dims, ndim)), out); })
}

CTStatus ct_slice(CTTensorRef t, int64_t dim, int64_t start, int64_t end, int64_t step,
                  CTTensorRef *out) {
    CT_GUARD({ return wrap(T(t).slice(dim, start, end, step), out); })
}

// A diagonal band as a view: for a contiguous [..., n, P] tensor, element (..., i, m) of the
// [..., n, width] result is element (..., i, first + i + m) of the input. Checked to stay inside
// each row, so the view never reaches memory outside the tensor.
CTStatus ct_diagonal_band(CTTensorRef t, int64_t width, int64_t first, CTTensorRef *out) {
    CT_GUARD({
        const at::Tensor &x = T(t);
        TORCH_CHECK(x.dim() >= 2 && x.is_contiguous(), "diagonal_band expects a contiguous tensor [..., n, P]");
        const int64_t n = x.size(-2), columns = x.size(-1);
        TORCH_CHECK(width >= 1 && first >= 0 && (n == 0 || first + (n - 1) + (width - 1) < columns),
                    "diagonal_band: a band of width ", width, " from column ", first, " leaves rows of ",
                    columns, " columns (", n, " rows)");
        std::vector<int64_t> sizes(x.sizes().begin(), x.sizes().end());
        std::vector<int64_t> strides(x.strides().begin(), x.strides().end());
        sizes.back() = width;
        strides[strides.size() - 2] = columns + 1;
        return wrap(x.as_strided(sizes, strides, x.storage_offset() + first), out);
    })
}

CTStatus ct_narrow(CTTensorRef t, int64_t dim, int64_t start, int64_t length, CTTensorRef *out) {
    CT_GUARD({ return wrap(T(t).narrow(dim, start, length), out); })
}

CTStatus ct_cat(const CTTensorRef *tensors, int32_t count, int64_t dim, CTTensorRef *out) {
    CT_GUARD({ return wrap(at::cat(tensor_list(tensors, count), dim), out); })
}

CTStatus ct_stack(const CTTensorRef *tensors, int32_t count, int64_t dim, CTTensorRef *out) {
    CT_GUARD({ return wrap(at::stack(tensor_list(tensors, count), dim), out); })
}

CTStatus ct_index_select(CTTensorRef t, int64_t dim, CTTensorRef index, CTTensorRef *out) {
    CT_GUARD({ return wrap(at::index_select(T(t), dim, T(index)), out); })
}

CTStatus ct_gather(CTTensorRef t, int64_t dim, CTTensorRef index, CTTensorRef *out) {
    CT_GUARD({ return wrap(at::gather(T(t), dim, T(index)), out); })
}

CTStatus ct_repeat_interleave(CTTensorRef t, int64_t repeats, int64_t dim, CTTensorRef *out) {
    CT_GUARD({ return wrap(at::repeat_interleave(T(t), repeats, dim), out); })
}

CTStatus ct_view_as_real(CTTensorRef t, CTTensorRef *out) {
    CT_GUARD({ return wrap(at::view_as_real(T(t)), out); })
}

CTStatus ct_embedding(CTTensorRef weight, CTTensorRef indices, CTTensorRef *out) {
    CT_GUARD({ return wrap(at::embedding(T(weight), T(indices)), out); })
}

} // extern "C"
