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
                output += "["
                for (index, element) in elements.enumerated() {
                    if index > 0 { output += "," }
                    write(element, into: &output)
                }
                output += "]"
            case .values(let values):
                key(name)
                output += "["
                for (index, value) in values.enumerated() {
                    if index > 0 { output += "," }
                    write(value, into: &output)
                }
                output += "]"
            }
        }
        output += "}"
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

    private static func writeString(_ text: String, into output: inout String) {
        output += "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": output += "\\\""
            case "\\": output += "\\\\"
            case "\n": output += "\\n"
            case "\r": output += "\\r"
            case "\t": output += "\\t"
            // U+2028/2029 are legal in JSON but end a line in JavaScript: escaped for JSONP.
            case "\u{2028}": output += "\\u2028"
            case "\u{2029}": output += "\\u2029"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    output += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    output.unicodeScalars.append(scalar)
                }
            }
        }
        output += "\""
    }
}
