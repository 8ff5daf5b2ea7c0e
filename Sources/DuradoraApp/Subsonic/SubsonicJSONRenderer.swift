import DuradoraHTTP

/// Renders a `SubsonicResponse` as `{"subsonic-response": {…}}`, or as JSONP (`callback({…});`). Written by hand
/// rather than through `JSONEncoder` so member order follows the model and booleans never turn into numbers.
enum SubsonicJSONRenderer {
    static let contentType = "application/json; charset=utf-8"
    static let javascriptContentType = "application/javascript; charset=utf-8"

    static func render(_ response: SubsonicResponse, callback: String? = nil) -> [UInt8] {
        var output = ""
        if let callback { output += callback + "(" }
        output += "{\"subsonic-response\":"
        write(response.root, into: &output)
        output += "}"
        if callback != nil { output += ");" }
        return Array(output.utf8)
    }

    /// A JSONP callback must be a plain JavaScript name path (`cb`, `jQuery123_456`, `app.handlers.cb`): anything
    /// else could inject script into the page that loads the answer.
    static func isValidCallback(_ name: String) -> Bool {
        guard !name.isEmpty, name.utf8.count <= 128 else { return false }
        return name.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { part in
            guard let first = part.unicodeScalars.first, !(("0"..."9").contains(first)) else { return false }
            return part.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "_" || $0 == "$") }
        }
    }

    private static func write(_ element: SubsonicElement, into output: inout String) {
        output += "{"
        var first = true
        func key(_ name: String) {
            if !first { output += "," }
            first = false
            writeString(name, into: &output)
            output += ":"
        }
        for (name, value) in element.attributes {
            key(name)
            write(value, into: &output)
        }
        if let value = element.text {
            key("value")
            write(value, into: &output)
        }
        for (name, child) in element.children {
            switch child {
            case .one(let element):
                key(name)
                write(element, into: &output)
            case .many(let elements, let keepsEmpty):
                guard !elements.isEmpty || keepsEmpty else { continue }
                key(name)
                writeArray(elements, into: &output) { write($0, into: &$1) }
            case .values(let values):
                key(name)
                writeArray(values, into: &output) { write($0, into: &$1) }
            case .value(let value):
                key(name)
                write(value, into: &output)
            }
        }
        output += "}"
    }

    private static func writeArray<Item>(
        _ items: [Item], into output: inout String, _ writeItem: (Item, inout String) -> Void
    ) {
        output += "["
        for (index, item) in items.enumerated() {
            if index > 0 { output += "," }
            writeItem(item, &output)
        }
        output += "]"
    }

    private static func write(_ value: SubsonicScalar, into output: inout String) {
        switch value {
        case .string(let string): writeString(string, into: &output)
        case .int(let int): output += String(int)
        case .double(let double): output += number(double)
        case .bool(let bool): output += bool ? "true" : "false"
        }
    }

    /// Finite numbers as JSON allows them (no `nan`, no `inf`: those become 0).
    static func number(_ value: Double) -> String {
        guard value.isFinite else { return "0" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return String(value)
    }

    /// RFC 8259 escaping (`JSONCoding.quote`), plus U+2028/2029: legal in JSON but line ends in JavaScript (JSONP).
    private static func writeString(_ text: String, into output: inout String) {
        let quoted = JSONCoding.quote(text)
        guard quoted.unicodeScalars.contains(where: { $0 == "\u{2028}" || $0 == "\u{2029}" }) else {
            output += quoted
            return
        }
        output += quoted.replacingOccurrences(of: "\u{2028}", with: "\\u2028")
            .replacingOccurrences(of: "\u{2029}", with: "\\u2029")
    }
}
