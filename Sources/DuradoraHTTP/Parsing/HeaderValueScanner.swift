/// A cursor over the bytes of one header value, for the RFC 9110 §5.6 building blocks: tokens, quoted strings,
/// optional whitespace. Header values are treated as UTF-8 (what browsers send for non-ASCII filenames).
struct HeaderValueScanner {
    private let bytes: [UInt8]
    private(set) var index = 0

    init(_ text: String) { bytes = Array(text.utf8) }

    var isAtEnd: Bool { index == bytes.count }
    var peek: UInt8? { index < bytes.count ? bytes[index] : nil }

    /// Skips spaces and horizontal tabs (OWS / BWS).
    mutating func skipWhitespace() {
        while index < bytes.count, bytes[index] == UInt8(ascii: " ") || bytes[index] == UInt8(ascii: "\t") {
            index += 1
        }
    }

    /// Consumes `byte` if it is next.
    mutating func consume(_ byte: UInt8) -> Bool {
        guard peek == byte else { return false }
        index += 1
        return true
    }

    /// One or more token characters, or nil (nothing consumed) when the next byte cannot start a token.
    mutating func token() -> String? {
        let start = index
        while index < bytes.count, Self.isTokenByte(bytes[index]) { index += 1 }
        guard index > start else { return nil }
        return String(decoding: bytes[start..<index], as: UTF8.self)
    }

    /// A quoted string starting at the current `"`; backslash escapes are removed (RFC 9110 §5.6.4).
    mutating func quotedString() throws(HeaderValueError) -> String {
        guard consume(UInt8(ascii: "\"")) else { throw HeaderValueError("expected a quoted string") }
        var value: [UInt8] = []
        while index < bytes.count {
            let byte = bytes[index]
            index += 1
            switch byte {
            case UInt8(ascii: "\""):
                return Self.decodeText(value)
            case UInt8(ascii: "\\"):
                guard index < bytes.count, Self.isQuotedTextByte(bytes[index]) || bytes[index] == UInt8(ascii: "\"")
                    || bytes[index] == UInt8(ascii: "\\")
                else { throw HeaderValueError("invalid escape in a quoted string") }
                value.append(bytes[index])
                index += 1
            case _ where Self.isQuotedTextByte(byte):
                value.append(byte)
            default:
                throw HeaderValueError("invalid character in a quoted string")
            }
        }
        throw HeaderValueError("unterminated quoted string")
    }

    /// tchar (RFC 9110 §5.6.2): ALPHA / DIGIT / one of ``!#$%&'*+-.^_`|~``.
    static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"):
            true
        case UInt8(ascii: "!"), UInt8(ascii: "#"), UInt8(ascii: "$"), UInt8(ascii: "%"), UInt8(ascii: "&"),
            UInt8(ascii: "'"), UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "."),
            UInt8(ascii: "^"), UInt8(ascii: "_"), UInt8(ascii: "`"), UInt8(ascii: "|"), UInt8(ascii: "~"):
            true
        default:
            false
        }
    }

    /// qdtext minus the quote and backslash: HTAB, SP, VCHAR, obs-text (bytes ≥ 0x80, i.e. raw UTF-8).
    private static func isQuotedTextByte(_ byte: UInt8) -> Bool {
        byte == 0x09 || (byte >= 0x20 && byte != 0x7F && byte != UInt8(ascii: "\"") && byte != UInt8(ascii: "\\"))
    }

    /// UTF-8 when valid, otherwise ISO-8859-1 (each byte is one code point), so no input is lost or rejected.
    static func decodeText(_ bytes: some Collection<UInt8>) -> String {
        if let text = String(validating: bytes, as: UTF8.self) { return text }
        return String(String.UnicodeScalarView(bytes.map { Unicode.Scalar($0) }))
    }
}
