/// Renders a `SubsonicResponse` as Subsonic XML: scalars as attributes, children as elements (repeated for lists),
/// lowercase booleans, the `http://subsonic.org/restapi` namespace. DSub, Amperfy and Supersonic parse only this.
enum SubsonicXMLRenderer {
    /// The type the Subsonic specification gives XML answers, and error documents of binary endpoints.
    static let contentType = "text/xml; charset=utf-8"

    static func render(_ response: SubsonicResponse) -> [UInt8] {
        var output = #"<?xml version="1.0" encoding="UTF-8"?>"#
        write("subsonic-response", response.root, namespace: SubsonicResponse.namespace, into: &output)
        return Array(output.utf8)
    }

    private static func write(_ name: String, _ element: SubsonicElement, namespace: String? = nil, into output: inout String) {
        output += "<" + name
        if let namespace { output += " xmlns=\"" + escape(namespace) + "\"" }
        for (attribute, value) in element.attributes {
            output += " " + attribute + "=\"" + escape(text(value)) + "\""
        }
        let hasContent = element.text != nil || element.children.contains { _, child in
            switch child {
            case .one: true
            case .many(let elements, _): !elements.isEmpty
            case .values(let values): !values.isEmpty
            case .value: true
            }
        }
        guard hasContent else {
            output += "/>"
            return
        }
        output += ">"
        if let value = element.text { output += escape(text(value)) }
        for (childName, child) in element.children {
            switch child {
            case .one(let element): write(childName, element, into: &output)
            case .many(let elements, _): for element in elements { write(childName, element, into: &output) }
            case .values(let values):
                for value in values { output += "<" + childName + ">" + escape(text(value)) + "</" + childName + ">" }
            case .value(let value): output += "<" + childName + ">" + escape(text(value)) + "</" + childName + ">"
            }
        }
        output += "</" + name + ">"
    }

    static func text(_ value: SubsonicScalar) -> String {
        switch value {
        case .string(let string): string
        case .int(let int): String(int)
        case .double(let double): SubsonicJSONRenderer.number(double)
        case .bool(let bool): bool ? "true" : "false"
        }
    }

    /// Escapes markup characters and drops the control characters XML 1.0 cannot carry at all.
    static func escape(_ text: String) -> String {
        var escaped = ""
        escaped.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&apos;"
            case "\t", "\n", "\r": escaped += "&#\(scalar.value);"
            default:
                if scalar.value < 0x20 || scalar.value == 0xFFFE || scalar.value == 0xFFFF { continue }
                escaped.unicodeScalars.append(scalar)
            }
        }
        return escaped
    }
}
