import Foundation

/// Just enough XML for S3's answers, which are flat and machine-written (`<Error>`, `<InitiateMultipartUploadResult>`,
/// `<ListMultipartUploadsResult>`): the text of named elements, with the five predefined entities decoded. Not a
/// general parser — Foundation's XMLParser would add libxml2 to the server image for three tags.
enum S3XML {
    /// The text of the first `<tag>` element in `text`, if there is one.
    static func value(of tag: String, in text: String) -> String? {
        elements(tag, in: text).first.map(decode)
    }

    /// The raw inner text of each `<tag>…</tag>`, in order (nested tags are left inside, undecoded).
    static func elements(_ tag: String, in text: String) -> [Substring] {
        var found: [Substring] = []
        var rest = text[...]
        while let open = rest.range(of: "<" + tag) {
            // `<Tag>` or `<Tag attr…>`, not `<TagSuffix>`; `<Tag/>` is empty.
            guard let end = rest[open.upperBound...].firstIndex(of: ">") else { break }
            let between = rest[open.upperBound..<end]
            guard between.isEmpty || between.first == " " || between == "/" else {
                rest = rest[open.upperBound...]
                continue
            }
            let contentStart = rest.index(after: end)
            if between.hasSuffix("/") {
                found.append(rest[contentStart..<contentStart])
                rest = rest[contentStart...]
                continue
            }
            guard let close = rest[contentStart...].range(of: "</" + tag + ">") else { break }
            found.append(rest[contentStart..<close.lowerBound])
            rest = rest[close.upperBound...]
        }
        return found
    }

    static func decode(_ text: Substring) -> String {
        guard text.contains("&") else { return String(text) }
        return text.replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&apos;", with: "'")
            .replacingOccurrences(of: "&#34;", with: "\"").replacingOccurrences(of: "&amp;", with: "&")
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
