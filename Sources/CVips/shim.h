#include <stddef.h>

// The few libvips entry points Duradora uses, declared here rather than through <vips/vips.h>: that header pulls
// in GLib's, whose pkg-config flags (-pthread) SwiftPM refuses. These are libvips 8's stable public API.
typedef struct _VipsImage VipsImage;
int vips_init(const char *argv0);
const char *vips_error_buffer(void);
void vips_error_clear(void);
const char *vips_foreign_find_load(const char *filename);
int vips_thumbnail(const char *filename, VipsImage **out, int width, ...);
int vips_jpegsave_buffer(VipsImage *in, void **buf, size_t *len, ...);
int vips_webpsave_buffer(VipsImage *in, void **buf, size_t *len, ...);
void g_object_unref(void *object);
void g_free(void *memory);

// libvips' operations take their options as NULL-terminated varargs, which Swift cannot call: these fix the
// options Duradora uses (a square centre crop, VIPS_INTERESTING_CENTRE = 1; JPEG or WebP without metadata).
static inline int duradora_vips_thumbnail_file(const char *path, int size, VipsImage **out) {
    return vips_thumbnail(path, out, size, "height", size, "crop", 1, NULL);
}

static inline int duradora_vips_jpegsave(VipsImage *in, void **buf, size_t *len) {
    return vips_jpegsave_buffer(in, buf, len, "Q", 85, "strip", 1, NULL);
}

static inline int duradora_vips_webpsave(VipsImage *in, void **buf, size_t *len) {
    return vips_webpsave_buffer(in, buf, len, "Q", 80, "strip", 1, NULL);
}

static inline void duradora_vips_unref(VipsImage *image) {
    g_object_unref(image);
}
