import Foundation

/// Where an answer object's fields go, one by one, in the order of their names: `JSONBytes` writes them as they
/// come (the order `JSONCoding.encoder` sorts keys into, so both give the same document) and `EncoderFields`
/// hands them to `JSONEncoder` when the object sits inside a larger `Encodable` answer. A resource that lists its
/// fields once for both cannot have its two renderings drift apart. nil is written as `null`.
protocol JSONFields {
    /// `Never` for `JSONBytes`, so writing bytes needs no `try`.
    associatedtype Failure: Error

    mutating func string(_ key: StaticString, _ value: String?) throws(Failure)
    mutating func integer(_ key: StaticString, _ value: Int?) throws(Failure)
    mutating func number(_ key: StaticString, _ value: Double?) throws(Failure)
    /// A lowercase UUID string.
    mutating func id(_ key: StaticString, _ value: UUID?) throws(Failure)
    /// RFC 3339 in UTC with milliseconds.
    mutating func time(_ key: StaticString, _ value: Date?) throws(Failure)
    /// One string: `base`, `path`, the id spelled as `id` spells it, `suffix` (a resource's URL); nil without an id.
    mutating func link(
        _ key: StaticString, _ base: String, _ path: StaticString, _ id: UUID?, _ suffix: StaticString
    ) throws(Failure)
}
