// The short-time Fourier transform and its window.
#include "Internal.hpp"

using namespace ctorch;

extern "C" {

CTStatus ct_hann_window(int64_t length, CTDType dtype, CTDevice device, CTTensorRef *out) {
    CT_GUARD({ return wrap(at::hann_window(length, tensor_options(dtype, device)), out); })
}

CTStatus ct_stft(CTTensorRef x, int64_t n_fft, int64_t hop, int64_t win_length, CTTensorRef window,
                 bool center, CTPadMode pad_mode, CTTensorRef *out) {
    CT_GUARD({
        return wrap(at::stft(T(x), n_fft, hop, win_length, opt(window), center,
                             pad_mode_name(pad_mode), false, true, true),
                    out);
    })
}

} // extern "C"
