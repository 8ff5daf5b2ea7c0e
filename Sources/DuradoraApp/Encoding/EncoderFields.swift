import Foundation

/// A resource's fields handed to `JSONEncoder`, for a resource inside a larger `Encodable` answer (a playlist's
/// entries, favourites). Ids and times are spelled by the same code as `JSONBytes` spells them, so a track reads
/// the same in either.
struct EncoderFields: JSONFields {
    typealias Failure = any Error

    private var container: KeyedEncodingContainer<Key>

    init(_ encoder: any Encoder) {
        container = encoder.container(keyedBy: Key.self)
    }

    mutating func string(_ key: StaticString, _ value: String?) throws {
        try container.encode(value, forKey: Key(key))
    }

    mutating func integer(_ key: StaticString, _ value: Int?) throws {
        try container.encode(value, forKey: Key(key))
    }

    mutating func number(_ key: StaticString, _ value: Double?) throws {
        try container.encode(value, forKey: Key(key))
    }

    mutating func id(_ key: StaticString, _ value: UUID?) throws {
        try container.encode(value?.lowercasedString, forKey: Key(key))
    }

    mutating func time(_ key: StaticString, _ value: Date?) throws {
        try container.encode(value.map { date in Self.text { $0.appendTime(date) } }, forKey: Key(key))
    }

    mutating func link(_ key: StaticString, _ base: String, _ path: StaticString, _ id: UUID?, _ suffix: StaticString) throws {
        let text = id.map { id in Self.text { $0.append(base); $0.markup(path); $0.appendID(id); $0.markup(suffix) } }
        try container.encode(text, forKey: Key(key))
    }

    private static func text(_ write: (inout JSONBytes) -> Void) -> String {
        var writer = JSONBytes(capacity: 64)
        write(&writer)
        return String(decoding: writer.bytes, as: UTF8.self)
    }

    struct Key: CodingKey {
        let stringValue: String
        var intValue: Int? { nil }

        init(_ name: StaticString) { stringValue = name.description }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }
}
