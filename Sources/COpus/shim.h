#include <opus.h>

/* opus_encoder_ctl is variadic, which Swift cannot call: one fixed-argument wrapper per request we use. */
static inline int duradora_opus_set_bitrate(OpusEncoder *encoder, opus_int32 bitsPerSecond) {
    return opus_encoder_ctl(encoder, OPUS_SET_BITRATE(bitsPerSecond));
}

static inline int duradora_opus_set_hard_cbr(OpusEncoder *encoder) {
    return opus_encoder_ctl(encoder, OPUS_SET_VBR(0));
}

static inline int duradora_opus_set_complexity(OpusEncoder *encoder, opus_int32 complexity) {
    return opus_encoder_ctl(encoder, OPUS_SET_COMPLEXITY(complexity));
}

static inline int duradora_opus_lookahead(OpusEncoder *encoder, opus_int32 *samples) {
    return opus_encoder_ctl(encoder, OPUS_GET_LOOKAHEAD(samples));
}
