#include <zlib.h>

/// deflateInit2 is a macro (it passes ZLIB_VERSION and the stream size), which Swift cannot call: this wraps it
/// for a gzip stream (windowBits 15 + 16 asks for the gzip wrapper instead of zlib's).
static inline int duradora_deflate_init_gzip(z_stream *stream, int level) {
    return deflateInit2(stream, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
}
