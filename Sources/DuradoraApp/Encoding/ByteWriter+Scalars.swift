import DuradoraHTTP
import Foundation

/// The values of an answer spelled out as bytes: escaped text, numbers, ids and times, each appended in place
/// (Subsonic's XML and JSON, the API's track JSON).
extension ByteWriter {
    /// XML attribute values and character data: markup characters as entities, tab and line ends as character
    /// references (an attribute value keeps them then), and the characters XML 1.0 cannot carry at all dropped (the
    /// other C0 controls, U+FFFE, U+FFFF): a tag may hold anything, the document must still parse.
    mutating func appendXMLEscaped(_ text: String) {
        var text = text
        text.withUTF8 { utf8 in
            var verbatim = 0  // the start of the bytes not copied yet
            var index = 0
            while index < utf8.count {
                let byte = utf8[index]
                let replacement: StaticString
                var length = 1
                switch byte {
                case UInt8(ascii: "&"): replacement = "&amp;"
                case UInt8(ascii: "<"): replacement = "&lt;"
                case UInt8(ascii: ">"): replacement = "&gt;"
                case UInt8(ascii: "\""): replacement = "&quot;"
                case UInt8(ascii: "'"): replacement = "&apos;"
                case UInt8(ascii: "\t"): replacement = "&#9;"
                case UInt8(ascii: "\n"): replacement = "&#10;"
                case UInt8(ascii: "\r"): replacement = "&#13;"
                case 0..<0x20: replacement = ""
                // U+FFFE and U+FFFF are EF BF BE and EF BF BF.
                case 0xEF where index + 2 < utf8.count && utf8[index + 1] == 0xBF && utf8[index + 2] >= 0xBE:
                    replacement = ""
                    length = 3
                default:
                    index += 1
                    continue
                }
                appendRaw(UnsafeBufferPointer(rebasing: utf8[verbatim..<index]))
                markup(replacement)
                index += length
                verbatim = index
            }
            appendRaw(UnsafeBufferPointer(rebasing: utf8[verbatim...]))
        }
    }

    /// A JSON string literal, RFC 8259 escaping as `JSONCoding.quote` does it (`\"`, `\\`, `\n`, `\r`, `\t`,
    /// `\u00XX` for the other controls), plus U+2028 and U+2029: legal in JSON but line ends in JavaScript (JSONP).
    mutating func appendJSONString(_ text: String) {
        bytes.append(UInt8(ascii: "\""))
        appendJSONEscaped(text)
        bytes.append(UInt8(ascii: "\""))
    }

    /// The inside of a JSON string literal, for a string written in parts (a URL from a base and an id).
    mutating func appendJSONEscaped(_ text: String) {
        var text = text
        text.withUTF8 { utf8 in
            var verbatim = 0
            var index = 0
            while index < utf8.count {
                let byte = utf8[index]
                var length = 1
                switch byte {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"):
                    flush(utf8, from: verbatim, to: index)
                    bytes.append(UInt8(ascii: "\\"))
                    bytes.append(byte)
                case UInt8(ascii: "\n"): flush(utf8, from: verbatim, to: index); markup("\\n")
                case UInt8(ascii: "\r"): flush(utf8, from: verbatim, to: index); markup("\\r")
                case UInt8(ascii: "\t"): flush(utf8, from: verbatim, to: index); markup("\\t")
                case 0..<0x20:
                    flush(utf8, from: verbatim, to: index)
                    markup("\\u00")
                    bytes.append(UInt8.lowercaseHexDigit(byte >> 4))
                    bytes.append(UInt8.lowercaseHexDigit(byte & 0xF))
                // U+2028 and U+2029 are E2 80 A8 and E2 80 A9.
                case 0xE2 where index + 2 < utf8.count && utf8[index + 1] == 0x80 && (utf8[index + 2] & 0xFE) == 0xA8:
                    flush(utf8, from: verbatim, to: index)
                    markup(utf8[index + 2] == 0xA8 ? "\\u2028" : "\\u2029")
                    length = 3
                default:
                    index += 1
                    continue
                }
                index += length
                verbatim = index
            }
            flush(utf8, from: verbatim, to: utf8.count)
        }
    }

    private mutating func flush(_ utf8: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int) {
        if start < end { appendRaw(UnsafeBufferPointer(rebasing: utf8[start..<end])) }
    }

    /// An integer in decimal, without the `String` that `String(number)` would make.
    mutating func appendDecimal(_ number: Int) {
        if number < 0 { bytes.append(UInt8(ascii: "-")) }
        appendDigits(UInt64(number.magnitude), width: 1)
    }

    /// `number` in decimal, zero-padded to at least `width` digits.
    private mutating func appendDigits(_ number: UInt64, width: Int) {
        let count = max(DecimalDigits.count(number), width)
        appendRaw(count: count) { DecimalDigits.spell(number, width: count, into: $0) }
    }

    /// Finite numbers as JSON allows them (no `nan`, no `inf`: those become 0), whole ones without a fraction.
    mutating func appendNumber(_ number: Double) {
        guard number.isFinite else { return bytes.append(UInt8(ascii: "0")) }
        if number == number.rounded(), abs(number) < 1e15 { return appendDecimal(Int(number)) }
        append(String(number))  // the shortest text that reads back as the same double
    }

    /// A library id as a lowercase UUID, `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx` (`UUID.lowercasedString`).
    mutating func appendID(_ id: UUID) {
        appendRaw(count: UUID.textLength) { start in
            id.spellLowercased(into: UnsafeMutableBufferPointer(start: start, count: UUID.textLength))
        }
    }

    /// A time as RFC 3339 in UTC with milliseconds, `2024-05-01T12:34:56.789Z`, by calendar arithmetic on the
    /// integer (days to a proleptic Gregorian date as in Howard Hinnant's `civil_from_days`).
    mutating func appendTime(milliseconds: Int64) {
        let (seconds, millisecond) = Self.floorDivision(milliseconds, 1000)
        let (days, secondOfDay) = Self.floorDivision(seconds, 86_400)
        let shifted = days + 719_468  // days since 0000-03-01
        let era = Self.floorDivision(shifted, 146_097).quotient
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shiftedMonth = (5 * dayOfYear + 2) / 153  // 0 = March
        let day = dayOfYear - (153 * shiftedMonth + 2) / 5 + 1
        let month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        if (0...9999).contains(year) {
            // The usual case, written in one piece: `yyyy-mm-ddThh:mm:ss.sssZ`.
            return appendRaw(count: 24) { start in
                func put(_ value: Int64, _ width: Int, at offset: Int) {
                    DecimalDigits.spell(UInt64(value), width: width, into: start + offset)
                }
                put(year, 4, at: 0)
                start[4] = UInt8(ascii: "-")
                put(month, 2, at: 5)
                start[7] = UInt8(ascii: "-")
                put(day, 2, at: 8)
                start[10] = UInt8(ascii: "T")
                put(secondOfDay / 3600, 2, at: 11)
                start[13] = UInt8(ascii: ":")
                put(secondOfDay / 60 % 60, 2, at: 14)
                start[16] = UInt8(ascii: ":")
                put(secondOfDay % 60, 2, at: 17)
                start[19] = UInt8(ascii: ".")
                put(millisecond, 3, at: 20)
                start[23] = UInt8(ascii: "Z")
            }
        }
        if year < 0 { bytes.append(UInt8(ascii: "-")) }
        appendDigits(year.magnitude, width: 4)
        bytes.append(UInt8(ascii: "-"))
        appendDigits(UInt64(month), width: 2)
        bytes.append(UInt8(ascii: "-"))
        appendDigits(UInt64(day), width: 2)
        bytes.append(UInt8(ascii: "T"))
        appendDigits(UInt64(secondOfDay / 3600), width: 2)
        bytes.append(UInt8(ascii: ":"))
        appendDigits(UInt64(secondOfDay / 60 % 60), width: 2)
        bytes.append(UInt8(ascii: ":"))
        appendDigits(UInt64(secondOfDay % 60), width: 2)
        bytes.append(UInt8(ascii: "."))
        appendDigits(UInt64(millisecond), width: 3)
        bytes.append(UInt8(ascii: "Z"))
    }

    /// A stored time (whole milliseconds: rounded, since a `Date` from the database is the double nearest to them).
    mutating func appendTime(_ date: Date) {
        appendTime(milliseconds: Int64((date.timeIntervalSince1970 * 1000).rounded()))
    }

    /// Division rounding toward negative infinity, with the remainder that goes with it (times before 1970 too).
    private static func floorDivision(_ value: Int64, _ divisor: Int64) -> (quotient: Int64, remainder: Int64) {
        let quotient = value / divisor
        let remainder = value % divisor
        return remainder < 0 ? (quotient - 1, remainder + divisor) : (quotient, remainder)
    }
}
