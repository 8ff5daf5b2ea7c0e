import CVips
import Foundation

/// A libvips image: a square thumbnail of a picture file, encoded as JPEG or WebP. Frees the image in `deinit`.
/// (`CVips` is imported only here.) libvips decodes lazily and in tiles, so even a large cover costs little memory.
final class VipsImage {
    private let handle: OpaquePointer

    /// libvips starts once per process, on first use.
    private static let isReady: Bool = vips_init("duradora") == 0

    /// A `size`×`size` centre crop of the picture at `path`; `ImageError.notAnImage` for a file libvips cannot load.
    init(thumbnailOf path: String, size: Int) throws {
        guard Self.isReady else { throw ImageError.failed("libvips did not start") }
        var image: OpaquePointer?
        guard duradora_vips_thumbnail_file(path, Int32(size), &image) == 0, let image else {
            let message = String(cString: vips_error_buffer())
            vips_error_clear()
            throw ImageError.notAnImage(message)
        }
        handle = image
    }

    deinit {
        duradora_vips_unref(handle)
    }

    /// Whether libvips has a loader for the file's bytes (checked on the header only).
    static func isImage(at path: String) -> Bool {
        guard isReady else { return false }
        let found = vips_foreign_find_load(path) != nil
        vips_error_clear()
        return found
    }

    /// The image encoded as JPEG or WebP.
    func encoded(webP: Bool) throws -> [UInt8] {
        var buffer: UnsafeMutableRawPointer?
        var length = 0
        let status = webP ? duradora_vips_webpsave(handle, &buffer, &length) : duradora_vips_jpegsave(handle, &buffer, &length)
        guard status == 0, let buffer else {
            let message = String(cString: vips_error_buffer())
            vips_error_clear()
            throw ImageError.failed(message)
        }
        defer { g_free(buffer) }
        return Array(UnsafeRawBufferPointer(start: buffer, count: length))
    }
}

enum ImageError: Error, CustomStringConvertible {
    case notAnImage(String)
    case failed(String)

    var description: String {
        switch self {
        case .notAnImage(let reason): "not an image: \(reason)"
        case .failed(let reason): "image processing failed: \(reason)"
        }
    }
}
