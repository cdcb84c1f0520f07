#include <opus.h>
#include <opusfile.h>
#include <opusenc.h>

// ope_encoder_ctl is variadic and its requests are macros, neither of which Swift can call; these
// wrappers expose the few settings rvc-nano uses. Each returns OPE_OK or a negative OPE_* error.
static inline int rvc_ope_set_bitrate(OggOpusEnc *enc, opus_int32 bitrate) {
    return ope_encoder_ctl(enc, OPUS_SET_BITRATE(bitrate));
}
static inline int rvc_ope_set_vbr(OggOpusEnc *enc, opus_int32 vbr) {
    return ope_encoder_ctl(enc, OPUS_SET_VBR(vbr));
}
static inline int rvc_ope_set_vbr_constraint(OggOpusEnc *enc, opus_int32 constrained) {
    return ope_encoder_ctl(enc, OPUS_SET_VBR_CONSTRAINT(constrained));
}
static inline int rvc_ope_set_complexity(OggOpusEnc *enc, opus_int32 complexity) {
    return ope_encoder_ctl(enc, OPUS_SET_COMPLEXITY(complexity));
}
static inline int rvc_ope_set_signal(OggOpusEnc *enc, opus_int32 signal) {
    return ope_encoder_ctl(enc, OPUS_SET_SIGNAL(signal));
}
static inline int rvc_ope_set_serialno(OggOpusEnc *enc, opus_int32 serialno) {
    return ope_encoder_ctl(enc, OPE_SET_SERIALNO(serialno));
}
static inline int rvc_ope_get_lookahead(OggOpusEnc *enc, opus_int32 *lookahead) {
    return ope_encoder_ctl(enc, OPUS_GET_LOOKAHEAD(lookahead));
}
