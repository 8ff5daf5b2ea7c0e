/// Statement text helpers. Values never go into the text: only placeholders do.
enum PostgresSQL {
    /// `sql` with each `?` replaced by `$1`, `$2`, … in order (from `first`), so that statements assembled from
    /// optional conditions (as on SQLite) number their parameters without bookkeeping. Our statements hold no `?`
    /// of their own (no JSON operators, no `?` in literals).
    static func numbered(_ sql: String, from first: Int = 1) -> String {
        var result = ""
        result.reserveCapacity(sql.utf8.count + 16)
        var next = first
        for character in sql {
            if character == "?" {
                result += "$\(next)"
                next += 1
            } else {
                result.append(character)
            }
        }
        return result
    }
}
