#include <opusenc.h>

/* ope_encoder_ctl is variadic, which Swift cannot call: one fixed-argument wrapper per request we use. */
static inline int duradora_ope_set_bitrate(OggOpusEnc *encoder, opus_int32 bitsPerSecond) {
    return ope_encoder_ctl(encoder, OPUS_SET_BITRATE(bitsPerSecond));
}

static inline int duradora_ope_set_hard_cbr(OggOpusEnc *encoder) {
    return ope_encoder_ctl(encoder, OPUS_SET_VBR(0));
}
