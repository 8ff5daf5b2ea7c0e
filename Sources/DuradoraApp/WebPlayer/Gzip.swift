import CZlib

/// gzip compression of small in-memory buffers (the web player's assets, compressed once at start-up).
/// (`CZlib` is imported only here.)
enum Gzip {
    struct Failure: Error, CustomStringConvertible {
        let code: Int32
        var description: String { "zlib deflate failed (\(code))" }
    }

    /// `bytes` as one gzip member, at the best compression level (the cost is paid once, at start-up).
    static func compress(_ bytes: [UInt8]) throws -> [UInt8] {
        var stream = z_stream()
        let status = duradora_deflate_init_gzip(&stream, Z_BEST_COMPRESSION)
        guard status == Z_OK else { throw Failure(code: status) }
        defer { deflateEnd(&stream) }
        var output = [UInt8](repeating: 0, count: Int(deflateBound(&stream, uLong(bytes.count))) + 32)
        var input = bytes
        let result: Int32 = input.withUnsafeMutableBufferPointer { source in
            output.withUnsafeMutableBufferPointer { target in
                stream.next_in = source.baseAddress
                stream.avail_in = uInt(source.count)
                stream.next_out = target.baseAddress
                stream.avail_out = uInt(target.count)
                return deflate(&stream, Z_FINISH)
            }
        }
        guard result == Z_STREAM_END else { throw Failure(code: result) }
        output.removeLast(Int(stream.avail_out))
        return output
    }
}
