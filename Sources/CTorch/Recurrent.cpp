// Recurrent layers (GRU).
#include "Internal.hpp"

using namespace ctorch;

extern "C" {

CTStatus ct_gru(CTTensorRef input, const CTTensorRef *params, int32_t nparams, int64_t num_layers,
                bool bidirectional, bool batch_first, CTTensorRef *out) {
    CT_GUARD({
        const at::Tensor &x = T(input);
        int64_t directions = bidirectional ? 2 : 1;
        if (nparams != num_layers * directions * 4)
            throw std::invalid_argument("GRU expects 4 parameters per layer and direction, got " +
                                        std::to_string(nparams));
        auto list = tensor_list(params, nparams);
        int64_t hidden = list[1].size(1);
        int64_t batch = batch_first ? x.size(0) : x.size(1);
        auto hx = at::zeros({num_layers * directions, batch, hidden}, x.options());
        auto r = at::gru(x, hx, list, true, num_layers, 0.0, false, bidirectional, batch_first);
        return wrap(std::get<0>(r), out);
    })
}

} // extern "C"
