import Foundation

/// One value of a Subsonic answer: an XML attribute or a JSON scalar.
/// Ids and times are kept as their numbers and only spelled out by `SubsonicWriter`: a page of 500 songs holds
/// some 3 000 of them, and making a `String` of each first cost more than writing the whole answer.
enum SubsonicScalar: Sendable, Equatable {
    case string(String)
    case int(Int)
    case double(Double)
    case bool(Bool)
    /// A library id, written as a lowercase UUID (clients treat ids as opaque strings).
    case id(UUID)
    /// A time, written as RFC 3339 with milliseconds and `Z` (what go-subsonic and the OpenAPI's date-time accept).
    case time(milliseconds: Int64)
}

/// One element of a Subsonic answer, the single model both renderers read, so XML and JSON always carry the same
/// values: scalars become XML attributes or JSON members; children become XML elements or JSON objects and
/// arrays; `text` is XML character data or JSON's `"value"` (a genre's name, lyrics).
struct SubsonicElement: Sendable, Equatable {
    enum Child: Sendable, Equatable {
        /// A single object (`"musicFolders": {…}`).
        case one(SubsonicElement)
        /// Repeated elements, a JSON array. Empty lists are left out of both formats (clients page until the list
        /// is missing) unless `keepsEmpty`, for the arrays a schema requires (`album.song`, `artist.album`).
        case many([SubsonicElement], keepsEmpty: Bool)
        /// Repeated elements holding only text, a JSON array of scalars (`versions`).
        case values([SubsonicScalar])
        /// One element holding only text, a JSON member (`biography`, `smallImageUrl`: the XSD makes these
        /// elements, the OpenAPI plain strings).
        case value(SubsonicScalar)
    }

    private(set) var attributes: [(name: String, value: SubsonicScalar)] = []
    private(set) var children: [(name: String, child: Child)] = []
    var text: SubsonicScalar?

    init() {}

    static func == (lhs: SubsonicElement, rhs: SubsonicElement) -> Bool {
        lhs.attributes.elementsEqual(rhs.attributes) { $0.name == $1.name && $0.value == $1.value }
            && lhs.children.elementsEqual(rhs.children) { $0.name == $1.name && $0.child == $1.child }
            && lhs.text == rhs.text
    }

    /// Sets an attribute; nil leaves it out (Subsonic omits unknown fields rather than sending null).
    mutating func set(_ name: String, _ value: String?) {
        if let value { attributes.append((name, .string(value))) }
    }

    mutating func set(_ name: String, _ value: Int?) {
        if let value { attributes.append((name, .int(value))) }
    }

    mutating func set(_ name: String, _ value: Bool?) {
        if let value { attributes.append((name, .bool(value))) }
    }

    mutating func set(_ name: String, _ value: Double?) {
        if let value { attributes.append((name, .double(value))) }
    }

    mutating func set(_ name: String, _ value: UUID?) {
        if let value { attributes.append((name, .id(value))) }
    }

    /// Dates are stored as whole milliseconds (`Date.sqliteValue`): rounding to the nearest gets them back exactly.
    mutating func set(_ name: String, _ value: Date?) {
        if let value { attributes.append((name, .time(milliseconds: Int64((value.timeIntervalSince1970 * 1000).rounded())))) }
    }

    /// Room for `count` attributes, so building a song (some 25) grows its list once instead of six times.
    mutating func reserveAttributes(_ count: Int) {
        attributes.reserveCapacity(count)
    }

    mutating func add(_ name: String, _ element: SubsonicElement) {
        children.append((name, .one(element)))
    }

    mutating func add(_ name: String, _ elements: [SubsonicElement], keepsEmpty: Bool = false) {
        children.append((name, .many(elements, keepsEmpty: keepsEmpty)))
    }

    mutating func add(_ name: String, values: [SubsonicScalar]) {
        children.append((name, .values(values)))
    }

    /// A text-only child; nil leaves it out.
    mutating func add(_ name: String, value: String?) {
        if let value { children.append((name, .value(.string(value)))) }
    }

    /// A copy without the attribute `name`.
    func without(_ name: String) -> SubsonicElement {
        var copy = self
        copy.attributes.removeAll { $0.name == name }
        return copy
    }

    mutating func append(childrenOf other: SubsonicElement) {
        children += other.children
    }
}

/// A whole answer: success with at most one payload element, or failure with an error.
struct SubsonicResponse: Sendable, Equatable {
    static let protocolVersion = "1.16.1"
    static let serverType = "duradora"
    static let namespace = "http://subsonic.org/restapi"

    enum Outcome: Sendable, Equatable {
        /// `content`'s children go straight under the root (usually one named payload).
        case ok(content: SubsonicElement)
        case failed(SubsonicError)
    }

    let outcome: Outcome

    static func ok(_ name: String? = nil, _ payload: SubsonicElement = SubsonicElement()) -> SubsonicResponse {
        var content = SubsonicElement()
        if let name { content.add(name, payload) }
        return SubsonicResponse(outcome: .ok(content: content))
    }

    /// Children right under the root: `getOpenSubsonicExtensions` answers a bare list.
    static func ok(content: SubsonicElement) -> SubsonicResponse {
        SubsonicResponse(outcome: .ok(content: content))
    }

    static func failed(_ error: SubsonicError) -> SubsonicResponse {
        SubsonicResponse(outcome: .failed(error))
    }

    /// The root element, envelope attributes first; `subsonic-response` in both formats.
    var root: SubsonicElement {
        var root = SubsonicElement()
        switch outcome {
        case .ok: root.set("status", "ok")
        case .failed: root.set("status", "failed")
        }
        root.set("version", Self.protocolVersion)
        root.set("type", Self.serverType)
        root.set("serverVersion", DuradoraVersion.current)
        root.set("openSubsonic", true)
        switch outcome {
        case .ok(let content):
            root.append(childrenOf: content)
        case .failed(let error):
            var element = SubsonicElement()
            element.set("code", error.code.rawValue)
            element.set("message", error.message)
            root.add("error", element)
        }
        return root
    }
}
