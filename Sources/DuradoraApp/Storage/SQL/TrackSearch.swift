/// The full-text part of a track list, per dialect: SQLite matches the `tracks_fts` FTS5 index (migrations 3 and
/// 13), ranked by `SQLiteSearchRank` (bm25 without the idf); PostgreSQL matches the stored `search` tsvector
/// (`PostgresSchema`) with every word a prefix, ranked by `ts_rank`, normalised by length. Both weight title 10,
/// artist 5, album 3, genre 1.
///
/// The rankings are not the same: the same hits come back, and the orders agree where one column or a shorter
/// text decides (the tests' cases), but scores that mix several words over several columns can order
/// differently. Tokenising differs at the edges too: PostgreSQL's parser keeps e.g. `e-mail` as a word beside
/// its parts, FTS5's unicode61 only the parts.
struct TrackSearch {
    /// Replaces `tracks AS t` in the FROM clause.
    let from: String
    /// The condition, with one parameter bound to `match`.
    let condition: String
    /// The ORDER BY, best first (PostgreSQL's rank reads `match` again, by its number).
    let order: String
    let match: String

    /// Nil when `query` has no words to search for. `parameter`: the number `match` is bound as (`?NNN`).
    init?(_ query: TrackQuery, dialect: SQLDialect, parameter: Int) {
        switch dialect {
        case .sqlite:
            guard let match = query.matchExpression else { return nil }
            from = "tracks_fts JOIN tracks AS t ON t.rowid = tracks_fts.rowid"
            condition = "tracks_fts MATCH ?\(parameter)"
            // Lower is better; title counts most, then artist, album, genre.
            order = "\(SQLiteSearchRank.name)(tracks_fts, 10.0, 5.0, 3.0, 1.0), t.created_at DESC, t.rowid DESC"
            self.match = match
        case .postgres:
            guard let match = Self.tsquery(query.text) else { return nil }
            from = "tracks AS t"
            condition = "t.search @@ to_tsquery('simple', duradora_unaccent(?\(parameter)))"
            // Weights are {D, C, B, A} = genre, album, artist, title; normalisation 1 divides by 1 + log(length).
            order = """
                ts_rank('{0.1, 0.3, 0.5, 1.0}', t.search, to_tsquery('simple', duradora_unaccent(?\(parameter))), 1) DESC, \
                t.created_at DESC, t.rowid DESC
                """
            self.match = match
        }
    }

    /// The words of `text` (split as `TrackQuery.matchExpression` splits them) as a tsquery: each one quoted and
    /// a prefix, all required. Quoting means input is never tsquery syntax (`&`, `|`, `!`, `:`, `<->`, …).
    static func tsquery(_ text: String?) -> String? {
        guard let text else { return nil }
        let words = text.split { !($0.isLetter || $0.isNumber) }
        guard !words.isEmpty else { return nil }
        return words.map { "'\($0.replacingOccurrences(of: "'", with: "''"))':*" }.joined(separator: " & ")
    }
}
