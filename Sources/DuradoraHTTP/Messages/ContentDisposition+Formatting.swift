import Foundation

/// `Content-Disposition` values (RFC 6266) with an ASCII `filename` for old clients and an RFC 8187 `filename*`
/// carrying the exact UTF-8 name. No input can break out of the header: quotes, backslashes, path separators and
/// control characters never reach the quoted fallback, and `filename*` percent-encodes everything but attr-char.
extension ContentDisposition {
    /// `attachment; filename="Beyonce - Halo.mp3"; filename*=UTF-8''Beyonc%C3%A9%20-%20Halo.mp3`
    public static func attachment(filename: String) -> String {
        make("attachment", filename: filename)
    }

    /// `inline; filename=…; filename*=…`
    public static func inline(filename: String) -> String {
        make("inline", filename: filename)
    }

    private static func make(_ type: String, filename: String) -> String {
        let cleaned = clean(filename)
        let name = cleaned.isEmpty ? "download" : cleaned
        return "\(type); filename=\"\(asciiFallback(name))\"; filename*=UTF-8''\(percentEncoded(name))"
    }

    /// Controls (C0, DEL, C1) and path separators become `_`; surrounding whitespace goes.
    static func clean(_ filename: String) -> String {
        let scalars = filename.unicodeScalars.map { scalar -> Unicode.Scalar in
            let value = scalar.value
            if value < 0x20 || (0x7F...0x9F).contains(value) || scalar == "/" || scalar == "\\" { return "_" }
            return scalar
        }
        return String(String.UnicodeScalarView(scalars)).trimmingCharacters(in: .whitespaces)
    }

    /// Printable ASCII without `"`, `\` and `%` (some clients percent-decode `filename`); accents are dropped
    /// (`é` → `e`) and any other character becomes `_`.
    static func asciiFallback(_ filename: String) -> String {
        var out = String.UnicodeScalarView()
        for scalar in filename.decomposedStringWithCanonicalMapping.unicodeScalars {
            if scalar.properties.generalCategory == .nonspacingMark { continue }
            let isSafe = (0x20...0x7E).contains(scalar.value) && scalar != "\"" && scalar != "\\" && scalar != "%"
            out.append(isSafe ? scalar : "_")
        }
        return String(out)
    }

    /// RFC 8187 value-chars: attr-char as is, every other UTF-8 byte as `%XX`.
    static func percentEncoded(_ filename: String) -> String {
        var out = ""
        for byte in filename.utf8 {
            if isAttributeCharacter(byte) {
                out.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                let hex = String(byte, radix: 16, uppercase: true)
                out += "%" + (hex.count == 1 ? "0" : "") + hex
            }
        }
        return out
    }

    /// attr-char = ALPHA / DIGIT / "!" / "#" / "$" / "&" / "+" / "-" / "." / "^" / "_" / "`" / "|" / "~"
    private static func isAttributeCharacter(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            true
        default:
            Array("!#$&+-.^_`|~".utf8).contains(byte)
        }
    }
}
