import DuradoraHTTP

/// Text written straight into bytes: the answers whose every request pays for their encoding (Subsonic's XML and
/// JSON, a track's JSON) are spelled out into one `[UInt8]` instead of going through `String`s per value or
/// Foundation's `JSONEncoder` and formatters. The values (escaped text, numbers, ids, times) are written by
/// `ByteWriter+Scalars`, once for every such writer.
protocol ByteWriter {
    /// The answer so far.
    var bytes: [UInt8] { get set }
}

extension ByteWriter {
    /// Appends `count` bytes that `fill` writes (`Array.appendBytes`, which says why).
    @inline(__always)
    mutating func appendRaw(count: Int, _ fill: (UnsafeMutablePointer<UInt8>) -> Void) {
        bytes.appendBytes(count: count, fill)
    }

    /// A copy of `source`'s bytes.
    @inline(__always)
    mutating func appendRaw(_ source: UnsafeBufferPointer<UInt8>) {
        bytes.appendBytes(source)
    }

    /// Text that needs no escaping: names from the code (ASCII identifiers), a checked JSONP callback.
    mutating func append(_ text: String) {
        bytes.appendBytes(text)
    }

    /// Markup and literals.
    mutating func markup(_ text: StaticString) {
        bytes.appendBytes(text)
    }
}
