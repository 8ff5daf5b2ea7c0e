/// An entity tag (RFC 9110 §8.8.3): `"opaque"` or, when weak, `W/"opaque"`.
public struct EntityTag: Hashable, Sendable, CustomStringConvertible {
    /// The characters between the quotes.
    public let opaque: String
    public let isWeak: Bool

    /// `opaque` must consist of etagc characters (no `"`, no spaces or controls); anything else is replaced by `_`
    /// so the header can never break.
    public init(_ opaque: String, isWeak: Bool = false) {
        // Tags we make are all etagc already: one pass, no copy.
        if opaque.unicodeScalars.allSatisfy(EntityTag.isTagCharacter) {
            self.opaque = opaque
            self.isWeak = isWeak
            return
        }
        self.opaque = String(String.UnicodeScalarView(opaque.unicodeScalars.map { EntityTag.isTagCharacter($0) ? $0 : "_" }))
        self.isWeak = isWeak
    }

    /// A strong tag for a file's bytes, derived from its size and modification time.
    public static func make(size: Int64, modificationTime: Int64) -> EntityTag {
        EntityTag(String(size, radix: 16) + "-" + String(modificationTime, radix: 16))
    }

    /// The header form: `"opaque"` or `W/"opaque"`.
    public var description: String { (isWeak ? "W/" : "") + "\"" + opaque + "\"" }

    /// Strong comparison: both strong and the same characters (RFC 9110 §8.8.3.2).
    public func strongMatches(_ other: EntityTag) -> Bool { !isWeak && !other.isWeak && opaque == other.opaque }
    /// Weak comparison: the same characters, weakness ignored.
    public func weakMatches(_ other: EntityTag) -> Bool { opaque == other.opaque }

    /// Parses exactly one entity tag (surrounding whitespace allowed); nil when malformed.
    public static func parse(_ text: String) -> EntityTag? {
        var scanner = Scanner(text.unicodeScalars)
        scanner.skipWhitespace()
        guard let tag = scanner.scanTag() else { return nil }
        scanner.skipWhitespace()
        return scanner.isAtEnd ? tag : nil
    }

    /// Parses the values of `If-Match` / `If-None-Match` (`*` or `1#entity-tag`). Quoted tags may contain commas,
    /// so this scans the values rather than splitting them. Malformed members are skipped up to the next comma;
    /// nil when no value holds any member at all.
    public static func parseList(_ values: [String]) -> EntityTagList? {
        var tags: [EntityTag] = []
        var sawAny = false
        for value in values {
            if value.trimmingHTTPWhitespace() == "*" { return .any }
            var scanner = Scanner(value.unicodeScalars)
            while true {
                scanner.skipWhitespace()
                if scanner.isAtEnd { break }
                if scanner.skip(",") { continue }
                sawAny = true
                if let tag = scanner.scanTag() {
                    scanner.skipWhitespace()
                    if scanner.isAtEnd || scanner.skip(",") {
                        tags.append(tag)
                        continue
                    }
                }
                scanner.skipPast(",")
            }
        }
        return sawAny ? .tags(tags) : nil
    }

    /// etagc = %x21 / %x23-7E / obs-text.
    static func isTagCharacter(_ scalar: Unicode.Scalar) -> Bool {
        scalar == "!" || (0x23...0x7E).contains(scalar.value) || scalar.value >= 0x80
    }

    private struct Scanner {
        let scalars: [Unicode.Scalar]
        var index = 0
        init(_ view: String.UnicodeScalarView) { scalars = Array(view) }

        var isAtEnd: Bool { index >= scalars.count }

        mutating func skipWhitespace() {
            while index < scalars.count, scalars[index] == " " || scalars[index] == "\t" { index += 1 }
        }

        mutating func skip(_ scalar: Unicode.Scalar) -> Bool {
            guard index < scalars.count, scalars[index] == scalar else { return false }
            index += 1
            return true
        }

        /// Skips to just after the next comma, or to the end. A tag is not a quoted-string: `"` cannot be escaped.
        mutating func skipPast(_ scalar: Unicode.Scalar) {
            while index < scalars.count {
                index += 1
                if scalars[index - 1] == scalar { return }
            }
        }

        mutating func scanTag() -> EntityTag? {
            let start = index
            var isWeak = false
            if index + 1 < scalars.count, scalars[index] == "W", scalars[index + 1] == "/" {
                isWeak = true
                index += 2
            }
            guard skip("\"") else { index = start; return nil }
            var opaque = String.UnicodeScalarView()
            while index < scalars.count, scalars[index] != "\"" {
                guard EntityTag.isTagCharacter(scalars[index]) else { index = start; return nil }
                opaque.append(scalars[index])
                index += 1
            }
            guard skip("\"") else { index = start; return nil }
            return EntityTag(String(opaque), isWeak: isWeak)
        }
    }
}

/// The value of `If-Match` or `If-None-Match`.
public enum EntityTagList: Equatable, Sendable {
    /// `*`: any current representation.
    case any
    case tags([EntityTag])

    /// Whether `tag` is listed, comparing strongly (If-Match, If-Range) or weakly (If-None-Match).
    public func contains(_ tag: EntityTag, weak: Bool) -> Bool {
        switch self {
        case .any: true
        case .tags(let tags): tags.contains { weak ? $0.weakMatches(tag) : $0.strongMatches(tag) }
        }
    }
}
