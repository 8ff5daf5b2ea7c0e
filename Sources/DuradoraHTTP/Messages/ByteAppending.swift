extension Array where Element == UInt8 {
    /// Appends `count` bytes that `fill` writes from the pointer it is given: one capacity check, the bytes written
    /// in place. For every answer's bytes (response heads, JSON, Subsonic XML): `append(contentsOf:)` walks its
    /// source as a `Sequence`, ~90 instructions a call whatever the length (callgrind), and a head or a track's
    /// JSON made dozens of such calls.
    @inlinable @inline(__always)
    public mutating func appendBytes(count: Int, _ fill: (UnsafeMutablePointer<UInt8>) -> Void) {
        append(addingCapacity: count) { span in
            span.withUnsafeMutableBufferPointer { buffer, initialized in
                fill(buffer.baseAddress! + initialized)
                initialized += count
            }
        }
    }

    /// A copy of `source`'s bytes (see `appendBytes(count:_:)`).
    @inlinable @inline(__always)
    public mutating func appendBytes(_ source: UnsafeBufferPointer<UInt8>) {
        guard let base = source.baseAddress, source.count > 0 else { return }
        appendBytes(count: source.count) { $0.update(from: base, count: source.count) }
    }

    /// `text`'s UTF-8 bytes.
    @inlinable
    public mutating func appendBytes(_ text: StaticString) {
        appendBytes(UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    /// `text`'s UTF-8 bytes.
    @inlinable
    public mutating func appendBytes(_ text: String) {
        var text = text
        text.withUTF8 { appendBytes($0) }
    }
}
