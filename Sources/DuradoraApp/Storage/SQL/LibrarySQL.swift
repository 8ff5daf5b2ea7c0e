import Foundation

/// SQL pieces the library's repositories share on both backends.
enum LibrarySQL {
    /// Public tracks and the viewer's own, for `tracks AS t`, with the viewer as parameter 1 (`?1`, so that a
    /// statement can use it again): every library read lists only these.
    static func visible(_ dialect: SQLDialect) -> String {
        "(t.visibility = 'public' OR t.owner_id = \(dialect.text("?1")))"
    }

    /// `ids` as one JSON array of text (a parameter of `SQLDialect.jsonTextElements`): one statement, and one
    /// cached plan, for any number of ids.
    static func jsonArray(_ ids: [UUID]) -> String {
        "[" + ids.map { "\"\($0.lowercasedString)\"" }.joined(separator: ",") + "]"
    }

    /// The albums `a` whose name or whose artist's `ar` name holds `key`, by `LIKE` on the lower-case `name_key`.
    static func albums(like key: String) -> (String, [any SQLBindable]) {
        let pattern = LikePattern.containing(key)
        return ("(a.name_key LIKE ? ESCAPE '\\' OR ar.name_key LIKE ? ESCAPE '\\')", [pattern, pattern])
    }

    /// The artists `ar` whose name holds `key`, by `LIKE`.
    static func artists(like key: String) -> (String, [any SQLBindable]) {
        ("ar.name_key LIKE ? ESCAPE '\\'", [LikePattern.containing(key)])
    }
}
