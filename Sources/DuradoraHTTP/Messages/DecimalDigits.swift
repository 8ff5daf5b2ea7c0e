/// Decimal digits written as bytes, for the writers that make answers without a `String` in between: response
/// heads here, JSON and Subsonic XML in the app's `ByteWriter`.
public enum DecimalDigits {
    /// How many digits `number` takes (1 for 0).
    @inlinable
    public static func count(_ number: UInt64) -> Int {
        var count = 1
        var rest = number / 10
        while rest > 0 {
            count += 1
            rest /= 10
        }
        return count
    }

    /// Writes the last `width` decimal digits of `number` at `start`, zero-padded.
    @inlinable
    public static func spell(_ number: UInt64, width: Int, into start: UnsafeMutablePointer<UInt8>) {
        var position = width
        var value = number
        while position > 0 {
            position -= 1
            start[position] = UInt8(ascii: "0") + UInt8(value % 10)
            value /= 10
        }
    }
}
