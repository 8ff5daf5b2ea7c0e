/// A `LIKE … ESCAPE '\'` pattern matching any text that holds `text` literally: `\`, `%` and `_` escaped, so a
/// search for "100%" or "a_b" finds exactly that (playlist names, short album and artist name searches). Scalar by
/// scalar, not by character: a `%` followed by a combining mark is still one `%` to SQLite.
enum LikePattern {
    static func containing(_ text: String) -> String {
        var escaped = String.UnicodeScalarView()
        escaped.append("%")
        for scalar in text.unicodeScalars {
            if scalar == "\\" || scalar == "%" || scalar == "_" { escaped.append("\\") }
            escaped.append(scalar)
        }
        escaped.append("%")
        return String(escaped)
    }
}
