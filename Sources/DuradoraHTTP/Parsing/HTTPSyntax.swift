#if canImport(Glibc)
import Glibc
#endif

/// Byte classes and the field-line grammar shared by the request parser and the chunked decoder (RFC 9110 §5, RFC 9112 §5).
/// Everything here works on raw bytes; no `String` is built.
enum HTTPSyntax {
    static let cr: UInt8 = 0x0D
    static let lf: UInt8 = 0x0A
    static let space: UInt8 = 0x20
    static let tab: UInt8 = 0x09
    static let colon: UInt8 = 0x3A
    static let comma: UInt8 = 0x2C
    static let semicolon: UInt8 = 0x3B

    /// tchar (RFC 9110 §5.6.2): ALPHA / DIGIT / "!#$%&'*+-.^_`|~".
    @inline(__always)
    static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x30...0x39, 0x41...0x5A, 0x61...0x7A: true
        case 0x21, 0x23, 0x24, 0x25, 0x26, 0x27, 0x2A, 0x2B, 0x2D, 0x2E, 0x5E, 0x5F, 0x60, 0x7C, 0x7E: true
        default: false
        }
    }

    /// field-vchar / SP / HTAB (RFC 9110 §5.5): VCHAR, obs-text, SP, HTAB. Rejects NUL, CR, LF, other CTLs and DEL.
    @inline(__always)
    static func isFieldValueByte(_ byte: UInt8) -> Bool {
        byte >= 0x20 ? byte != 0x7F : byte == tab
    }

    @inline(__always)
    static func isWhitespace(_ byte: UInt8) -> Bool { byte == space || byte == tab }

    /// ASCII-lowercases a byte.
    @inline(__always)
    static func lowercased(_ byte: UInt8) -> UInt8 {
        (byte >= 0x41 && byte <= 0x5A) ? byte | 0x20 : byte
    }

    /// Whether `bytes[range]` equals `lowercaseLiteral` ignoring ASCII case. The literal must be lower case.
    static func equalsIgnoringCase(
        _ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, _ lowercaseLiteral: StaticString
    ) -> Bool {
        guard range.count == lowercaseLiteral.utf8CodeUnitCount else { return false }
        let literal = lowercaseLiteral.utf8Start
        var offset = 0
        for index in range {
            if lowercased(bytes[index]) != literal[offset] { return false }
            offset += 1
        }
        return true
    }

    /// Calls `body` with each comma-separated element of `bytes[range]`, trimmed of OWS. Empty elements are
    /// skipped, as RFC 9110 §5.6.1 asks of recipients, unless `skippingEmpty` is false (then `body` sees them as
    /// empty ranges). Header fields (`Connection`, `Content-Length`, …) and `Range` values share it.
    static func forEachListElement<Failure: Error>(
        _ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, skippingEmpty: Bool = true,
        _ body: (Range<Int>) throws(Failure) -> Void
    ) throws(Failure) {
        var start = range.lowerBound
        while start <= range.upperBound {
            var end = start
            while end < range.upperBound, bytes[end] != comma { end += 1 }
            var low = start
            var high = end
            while low < high, isWhitespace(bytes[low]) { low += 1 }
            while high > low, isWhitespace(bytes[high - 1]) { high -= 1 }
            if low < high || !skippingEmpty { try body(low..<high) }
            start = end + 1
        }
    }

    /// Where a field line `name: OWS value OWS` keeps its name and its trimmed value.
    struct FieldLine {
        var name: Range<Int>
        var value: Range<Int>
    }

    /// Splits and validates one field line (without its CRLF). Strict: no obs-fold, no whitespace before the
    /// colon, a token name, and only field-vchar / SP / HTAB in the value.
    static func parseFieldLine(
        _ bytes: UnsafeBufferPointer<UInt8>, _ line: Range<Int>
    ) throws(HTTPParseError) -> FieldLine {
        let start = line.lowerBound
        guard !line.isEmpty else {
            throw HTTPParseError(.badRequest, code: "invalid_header", "An empty header field line.")
        }
        if isWhitespace(bytes[start]) {
            throw HTTPParseError(.badRequest, code: "obsolete_line_folding", "Obsolete line folding is not accepted.")
        }
        var index = start
        while index < line.upperBound, isTokenByte(bytes[index]) { index += 1 }
        guard index < line.upperBound, bytes[index] == colon, index > start else {
            if index < line.upperBound, isWhitespace(bytes[index]) {
                throw HTTPParseError(.badRequest, code: "invalid_header", "Whitespace between a field name and its colon.")
            }
            throw HTTPParseError(.badRequest, code: "invalid_header", "A header field name is not a token.")
        }
        let name = start..<index
        var valueStart = index + 1
        var valueEnd = line.upperBound
        while valueStart < valueEnd, isWhitespace(bytes[valueStart]) { valueStart += 1 }
        while valueEnd > valueStart, isWhitespace(bytes[valueEnd - 1]) { valueEnd -= 1 }
        for position in valueStart..<valueEnd where !isFieldValueByte(bytes[position]) {
            throw HTTPParseError(.badRequest, code: "invalid_header", "A header field value contains a control character.")
        }
        return FieldLine(name: name, value: valueStart..<valueEnd)
    }

    /// Finds the first LF in `bytes[from..<to]`.
    @inline(__always)
    static func firstLineFeed(_ bytes: UnsafeBufferPointer<UInt8>, from: Int, to: Int) -> Int? {
        // memchr: a vector search, where a header line (a browser's User-Agent, a cookie) is tens to hundreds of bytes.
        guard from < to, let base = bytes.baseAddress, let found = memchr(base + from, Int32(lf), to - from) else {
            return nil
        }
        return base.distance(to: found.assumingMemoryBound(to: UInt8.self))
    }
}

extension HTTPParseError {
    static func bareLineFeed() -> HTTPParseError {
        HTTPParseError(.badRequest, code: "invalid_line_ending", "Lines must end with CRLF; a bare LF is not accepted.")
    }
}

extension UInt8 {
    /// The value of an ASCII hexadecimal digit, either case; nil for any other byte. Chunk sizes, percent escapes
    /// and UUIDs all read hex digits through this.
    @inlinable
    public var hexDigitValue: UInt8? {
        switch self {
        case 0x30...0x39: self - 0x30
        case 0x41...0x46: self - 0x41 + 10
        case 0x61...0x66: self - 0x61 + 10
        default: nil
        }
    }
}
