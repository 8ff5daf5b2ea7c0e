/// Writes a `SubsonicResponse` as the bytes of its answer, in XML or JSON, straight into one `[UInt8]`: no `String`
/// per value, no concatenated temporaries, no Foundation formatter (`ByteWriter+Scalars` spells out the
/// values). Both formats walk the same model, so they always carry the same values:
/// - XML: scalars as attributes, children as elements (repeated for lists), the element's text as character data,
///   lowercase booleans, the `http://subsonic.org/restapi` namespace. DSub, Amperfy and Supersonic parse only this.
/// - JSON: `{"subsonic-response": {…}}`, scalars and one-element children as members, lists as arrays, the text as
///   `"value"`, member order as in the model; JSONP wraps it as `callback({…});`.
///
/// Empty lists are left out of both formats unless the schema requires them (`keepsEmpty`, JSON only: an empty
/// XML list and a missing one are the same document).
struct SubsonicWriter: ByteWriter {
    /// What the first growth would have reached anyway for most answers (a 50-album page is some 20 KB).
    private static let initialCapacity = 16 * 1024

    /// The answer so far (only `xml` and `json` make a writer, and hand its bytes over whole).
    var bytes: [UInt8] = []

    private init() {
        bytes.reserveCapacity(Self.initialCapacity)
    }

    static func xml(_ response: SubsonicResponse) -> [UInt8] {
        var writer = SubsonicWriter()
        writer.markup(#"<?xml version="1.0" encoding="UTF-8"?>"#)
        writer.xmlElement("subsonic-response", response.root, namespace: SubsonicResponse.namespace)
        return writer.bytes
    }

    /// JSON, or JSONP when `callback` is given (`SubsonicFormat` has checked it is a plain JavaScript name).
    static func json(_ response: SubsonicResponse, callback: String? = nil) -> [UInt8] {
        var writer = SubsonicWriter()
        if let callback {
            writer.append(callback)
            writer.markup("(")
        }
        writer.markup(#"{"subsonic-response":"#)
        writer.jsonObject(response.root)
        writer.markup("}")
        if callback != nil { writer.markup(");") }
        return writer.bytes
    }

    // MARK: XML

    private mutating func xmlElement(_ name: String, _ element: SubsonicElement, namespace: String? = nil) {
        bytes.append(UInt8(ascii: "<"))
        append(name)
        if let namespace {
            markup(#" xmlns=""#)
            append(namespace)
            bytes.append(UInt8(ascii: "\""))
        }
        for (attribute, value) in element.attributes {
            bytes.append(UInt8(ascii: " "))
            append(attribute)
            markup(#"=""#)
            scalar(value, json: false)
            bytes.append(UInt8(ascii: "\""))
        }
        guard Self.hasXMLContent(element) else {
            markup("/>")
            return
        }
        bytes.append(UInt8(ascii: ">"))
        if let text = element.text { scalar(text, json: false) }
        for (childName, child) in element.children {
            switch child {
            case .one(let element): xmlElement(childName, element)
            case .many(let elements, _): for element in elements { xmlElement(childName, element) }
            case .values(let values): for value in values { xmlTextElement(childName, value) }
            case .value(let value): xmlTextElement(childName, value)
            }
        }
        markup("</")
        append(name)
        bytes.append(UInt8(ascii: ">"))
    }

    private mutating func xmlTextElement(_ name: String, _ value: SubsonicScalar) {
        bytes.append(UInt8(ascii: "<"))
        append(name)
        bytes.append(UInt8(ascii: ">"))
        scalar(value, json: false)
        markup("</")
        append(name)
        bytes.append(UInt8(ascii: ">"))
    }

    /// Whether the element needs an end tag; `<song …/>` otherwise.
    private static func hasXMLContent(_ element: SubsonicElement) -> Bool {
        element.text != nil || element.children.contains { _, child in
            switch child {
            case .one, .value: true
            case .many(let elements, _): !elements.isEmpty
            case .values(let values): !values.isEmpty
            }
        }
    }

    // MARK: JSON

    private mutating func jsonObject(_ element: SubsonicElement) {
        bytes.append(UInt8(ascii: "{"))
        var first = true
        for (name, value) in element.attributes {
            jsonKey(name, first: &first)
            scalar(value, json: true)
        }
        if let text = element.text {
            jsonKey("value", first: &first)
            scalar(text, json: true)
        }
        for (name, child) in element.children {
            switch child {
            case .one(let element):
                jsonKey(name, first: &first)
                jsonObject(element)
            case .many(let elements, let keepsEmpty):
                guard !elements.isEmpty || keepsEmpty else { continue }
                jsonKey(name, first: &first)
                jsonArray(elements) { $0.jsonObject($1) }
            case .values(let values):
                jsonKey(name, first: &first)
                jsonArray(values) { $0.scalar($1, json: true) }
            case .value(let value):
                jsonKey(name, first: &first)
                scalar(value, json: true)
            }
        }
        bytes.append(UInt8(ascii: "}"))
    }

    private mutating func jsonArray<Item>(_ items: [Item], _ write: (inout SubsonicWriter, Item) -> Void) {
        bytes.append(UInt8(ascii: "["))
        for (index, item) in items.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            write(&self, item)
        }
        bytes.append(UInt8(ascii: "]"))
    }

    private mutating func jsonKey(_ name: String, first: inout Bool) {
        if !first { bytes.append(UInt8(ascii: ",")) }
        first = false
        appendJSONString(name)
        bytes.append(UInt8(ascii: ":"))
    }

    // MARK: Scalars

    /// A value in either format: only strings escape differently, and JSON quotes ids and times.
    private mutating func scalar(_ value: SubsonicScalar, json: Bool) {
        switch value {
        case .string(let text): if json { appendJSONString(text) } else { appendXMLEscaped(text) }
        case .int(let number): appendDecimal(number)
        case .double(let number): appendNumber(number)
        case .bool(let flag): markup(flag ? "true" : "false")
        case .id(let id):
            if json { bytes.append(UInt8(ascii: "\"")) }
            appendID(id)
            if json { bytes.append(UInt8(ascii: "\"")) }
        case .time(let milliseconds):
            if json { bytes.append(UInt8(ascii: "\"")) }
            appendTime(milliseconds: milliseconds)
            if json { bytes.append(UInt8(ascii: "\"")) }
        }
    }
}
