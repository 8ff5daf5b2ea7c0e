/// The pieces of SQL in which SQLite and PostgreSQL differ, for the repositories written once over `SQLSession`:
/// each is a function of the dialect here, so a difference is stated once and no repository tests which backend
/// it runs on. The PostgreSQL spellings are those of `PostgresSchema` (which says why each exists).
enum SQLDialect: Sendable {
    case sqlite
    case postgres

    /// `column = value` under SQLite's NOCASE rule (A–Z folded, nothing else). PostgreSQL's `duradora_nocase`
    /// is the same rule, and the unique indexes (usernames) are built on it, so both sides go through it there.
    func equalsIgnoringCase(_ column: String, _ value: String) -> String {
        switch self {
        case .sqlite: "\(column) = \(value) COLLATE NOCASE"
        case .postgres: "duradora_nocase(\(column)) = duradora_nocase(\(value))"
        }
    }

    /// A NULL-safe `<>`.
    var isDistinctFrom: String {
        switch self {
        case .sqlite: "IS NOT"
        case .postgres: "IS DISTINCT FROM"
        }
    }

    /// A text parameter: PostgreSQL cannot infer the type of a NULL compared with a subquery or an untyped
    /// expression, so there it is cast.
    func text(_ parameter: String) -> String { typed(parameter, "text") }

    /// `parameter` cast to `postgresType` on PostgreSQL, where a function's argument must have its type (int8
    /// travels as int8: `substr` wants int4); SQLite's values carry their own.
    func typed(_ parameter: String, _ postgresType: String) -> String {
        switch self {
        case .sqlite: parameter
        case .postgres: "\(parameter)::\(postgresType)"
        }
    }

    /// `expression` compared and grouped by SQLite's NOCASE rule.
    func caseFolded(_ expression: String) -> String {
        switch self {
        case .sqlite: "\(expression) COLLATE NOCASE"
        case .postgres: "duradora_nocase(\(expression))"
        }
    }

    /// The sum of a float column, 0.0 for no rows (SQLite's `TOTAL`).
    func sumOfReals(_ expression: String) -> String {
        switch self {
        case .sqlite: "TOTAL(\(expression))"
        case .postgres: "COALESCE(SUM(\(expression)), 0)::float8"
        }
    }

    /// The sum of an integer column, 0 for no rows. (`TOTAL` on SQLite, a float read back as an integer;
    /// PostgreSQL's SUM of bigint is numeric, which its binary rows do not carry.)
    func sumOfIntegers(_ expression: String) -> String {
        switch self {
        case .sqlite: "TOTAL(\(expression))"
        case .postgres: "COALESCE(SUM(\(expression)), 0)::int8"
        }
    }

    /// The greater (`"MAX"`) or lesser (`"MIN"`) of `a` and `b`, ignoring a NULL one as the aggregates do.
    func extreme(_ function: String, _ a: String, _ b: String) -> String {
        switch self {
        case .sqlite: "COALESCE(\(function)(\(a), \(b)), \(a), \(b))"
        case .postgres: "\(function == "MAX" ? "GREATEST" : "LEAST")(\(a), \(b))"
        }
    }

    /// Appended to an ascending sort key that may be NULL: SQLite sorts NULL first ascending, PostgreSQL last.
    var nullsFirst: String {
        switch self {
        case .sqlite: ""
        case .postgres: " NULLS FIRST"
        }
    }

    /// A join whose left side the planner must drive (SQLite's `CROSS JOIN` keeps the order it is written in;
    /// PostgreSQL has no such hint and needs none).
    var orderedJoin: String {
        switch self {
        case .sqlite: "CROSS JOIN"
        case .postgres: "JOIN"
        }
    }

    /// A condition (and its values) true for the albums `a` whose name or whose artist's (`ar`) name holds `key`
    /// (lower case, NFC): SQLite's trigram FTS5 tables (`SQLiteNameSearch`), PostgreSQL's pg_trgm indexes under a
    /// plain LIKE.
    func albums(containing key: String) -> (String, [any SQLBindable]) {
        switch self {
        case .sqlite: SQLiteNameSearch.albums(containing: key)
        case .postgres: LibrarySQL.albums(like: key)
        }
    }

    /// A condition true for the artists `ar` whose name holds `key`.
    func artists(containing key: String) -> (String, [any SQLBindable]) {
        switch self {
        case .sqlite: SQLiteNameSearch.artists(containing: key)
        case .postgres: LibrarySQL.artists(like: key)
        }
    }

    /// The larger of two values (SQLite's two-argument `MAX` is NULL when either is; so is its use here).
    var greatest: String {
        switch self {
        case .sqlite: "MAX"
        case .postgres: "GREATEST"
        }
    }

    /// A FROM item `j` whose column `value` is each element of the JSON array of text in `parameter`.
    func jsonTextElements(_ parameter: String) -> String {
        switch self {
        case .sqlite: "json_each(\(parameter)) AS j"
        case .postgres: "json_array_elements_text(\(parameter)::json) AS j (value)"
        }
    }

    /// What a `SELECT … LIMIT 1` that picks a row to claim adds: on PostgreSQL two instances may claim at the same
    /// moment, and `SKIP LOCKED` hands the second another row (or none). On SQLite the one writer keeps them apart.
    var skipLocked: String {
        switch self {
        case .sqlite: ""
        case .postgres: " FOR UPDATE SKIP LOCKED"
        }
    }

    /// `column LIKE pattern` with `\` escaping, ASCII letters in any case (SQLite's LIKE; PostgreSQL's LIKE is
    /// case-sensitive, so both sides are folded there).
    func likeIgnoringCase(_ column: String, _ pattern: String) -> String {
        switch self {
        case .sqlite: "\(column) LIKE \(pattern) ESCAPE '\\'"
        case .postgres: "duradora_nocase(\(column)) LIKE duradora_nocase(\(pattern)) ESCAPE '\\'"
        }
    }

    /// Tracks newest first; those made in the same millisecond by visibility, owner and then insertion: the order
    /// of the `tracks_newest` index (migration 14), walked backwards. An owner-less track sorts last: SQLite's
    /// default for DESC, PostgreSQL's opposite (not written out on SQLite, where it would keep the planner from
    /// walking the index).
    var newestTracksOrder: String {
        switch self {
        case .sqlite: "t.created_at DESC, t.visibility DESC, t.owner_id DESC, t.rowid DESC"
        case .postgres: "t.created_at DESC, t.visibility DESC, t.owner_id DESC NULLS LAST, t.rowid DESC"
        }
    }

    /// The tracks of the default list, newest first (no filter but visibility): on SQLite forced onto the
    /// `tracks_newest` index, which the planner, left to itself, passes over for the visibility rule's OR
    /// (migration 12); PostgreSQL's planner needs no hint.
    var newestTracks: String {
        switch self {
        case .sqlite: "tracks AS t INDEXED BY tracks_newest"
        case .postgres: "tracks AS t"
        }
    }
}
