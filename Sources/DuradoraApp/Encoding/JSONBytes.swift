import Foundation

/// JSON written straight into bytes, for the answers of the worker path (a track, a page of tracks): measured with
/// callgrind, `JSONEncoder` was two thirds of `GET /api/v1/tracks/{id}`'s instructions (each field through
/// `KeyedEncodingContainer`, each date through a Foundation formatter). Objects and arrays are opened and closed
/// by the caller; the separators are kept here.
struct JSONBytes: ByteWriter, JSONFields {
    typealias Failure = Never

    var bytes: [UInt8] = []
    /// Whether a value was written at this level since its object or array opened (the next one needs a comma).
    private var needsComma = false

    init(capacity: Int = 1024) {
        bytes.reserveCapacity(capacity)
    }

    mutating func beginObject() {
        separate()
        bytes.append(UInt8(ascii: "{"))
        needsComma = false
    }

    mutating func endObject() {
        bytes.append(UInt8(ascii: "}"))
        needsComma = true
    }

    /// `"key":[`; its items follow, then `endArray`.
    mutating func beginArray(_ key: StaticString) {
        self.key(key)
        bytes.append(UInt8(ascii: "["))
        needsComma = false
    }

    mutating func endArray() {
        bytes.append(UInt8(ascii: "]"))
        needsComma = true
    }

    mutating func string(_ key: StaticString, _ value: String?) {
        defer { needsComma = true }
        self.key(key)
        if let value { appendJSONString(value) } else { markup("null") }
    }

    mutating func integer(_ key: StaticString, _ value: Int?) {
        defer { needsComma = true }
        self.key(key)
        if let value { appendDecimal(value) } else { markup("null") }
    }

    mutating func number(_ key: StaticString, _ value: Double?) {
        defer { needsComma = true }
        self.key(key)
        if let value { appendNumber(value) } else { markup("null") }
    }

    mutating func id(_ key: StaticString, _ value: UUID?) {
        defer { needsComma = true }
        self.key(key)
        guard let value else { return markup("null") }
        bytes.append(UInt8(ascii: "\""))
        appendID(value)
        bytes.append(UInt8(ascii: "\""))
    }

    mutating func time(_ key: StaticString, _ value: Date?) {
        defer { needsComma = true }
        self.key(key)
        guard let value else { return markup("null") }
        bytes.append(UInt8(ascii: "\""))
        appendTime(value)
        bytes.append(UInt8(ascii: "\""))
    }

    mutating func link(_ key: StaticString, _ base: String, _ path: StaticString, _ id: UUID?, _ suffix: StaticString) {
        defer { needsComma = true }
        self.key(key)
        guard let id else { return markup("null") }
        bytes.append(UInt8(ascii: "\""))
        appendJSONEscaped(base)
        markup(path)
        appendID(id)
        markup(suffix)
        bytes.append(UInt8(ascii: "\""))
    }

    /// `"key":`, after a comma when a value came before it. Keys are names from the code: nothing to escape.
    /// Written in one `appendRaw`: four appends a key were a fifth of a track's JSON (callgrind).
    private mutating func key(_ key: StaticString) {
        let length = key.utf8CodeUnitCount
        let comma = needsComma ? 1 : 0
        appendRaw(count: comma + length + 3) { start in
            if comma == 1 { start[0] = UInt8(ascii: ",") }
            start[comma] = UInt8(ascii: "\"")
            (start + comma + 1).update(from: key.utf8Start, count: length)
            start[comma + length + 1] = UInt8(ascii: "\"")
            start[comma + length + 2] = UInt8(ascii: ":")
        }
        needsComma = false  // the value comes next (a scalar, or an object or array opened here)
    }

    private mutating func separate() {
        if needsComma { bytes.append(UInt8(ascii: ",")) }
    }
}
