import Foundation

/// Artist lists and pages: each artist's stored public totals plus the viewer's own non-public tracks.
extension SQLLibraryRepository {
    /// The page's ids, their rows, and the total if asked for.
    @_specialize(where Session == SQLiteConnection)
    func artists(_ query: ArtistQuery) throws -> Page<Artist> {
        let sql = statements
        var conditions: [String] = []
        var values: [any SQLBindable] = [query.viewerID]
        if let text = LibraryKey.normalized(query.text) {
            let (condition, searchValues) = Session.dialect.artists(containing: text)
            conditions.append(condition)
            values += searchValues
        }
        var driver = "artists AS ar"
        var orderValues: [any SQLBindable] = []
        let order: String
        if query.starredOnly {
            driver = "artist_stars AS st JOIN artists AS ar ON ar.id = st.item_id AND st.user_id = ?1"
            order = "st.starred_at DESC, ar.id"
        } else {
            switch query.sort {
            case .name:
                let (expression, articleValues) = Self.sortName(ignoring: query.ignoredArticles)
                order = "\(expression), ar.name_key, ar.id"
                orderValues = articleValues
            case .recent: order = "ar.created_at DESC, ar.id"
            }
        }
        let sources = LibraryStatements.artistSources(driver: driver) + conditions.map { " AND " + $0 }.joined()
        let ids = try connection.query(
            "\(sql.ownArtistsCTE) SELECT ar.id \(sources) ORDER BY \(order) LIMIT ? OFFSET ?",
            values + orderValues + [max(query.limit, 0), max(query.offset, 0)]) { try $0.uuid(named: "id") }
        let items = try artists(ids, viewerID: query.viewerID)
        let unfiltered = conditions.isEmpty && !query.starredOnly
        return try Page(items: items, limit: query.limit, offset: query.offset, counted: query.countsTotal) {
            try connection.scalarInt(
                unfiltered ? sql.artistTotal : "\(sql.ownArtistsCTE) SELECT COUNT(*) \(sources)",
                unfiltered ? [query.viewerID] : values)
        }
    }

    @_specialize(where Session == SQLiteConnection)
    func artist(id: UUID, viewerID: UUID?) throws -> Artist? {
        try artists([id], viewerID: viewerID).first
    }

    /// The artists `ids` the viewer sees, in that order.
    private func artists(_ ids: [UUID], viewerID: UUID?) throws -> [Artist] {
        try items(statements.artistRows, ids: ids, viewerID: viewerID, row: Self.artist, id: \.id)
    }

    /// The name without a leading article (`"the beatles"` → `"beatles"`), as an SQL expression over `name_key`
    /// with the articles bound as values, never spliced into the SQL.
    private static func sortName(ignoring articles: [String]) -> (String, [any SQLBindable]) {
        let words = articles.compactMap(LibraryKey.normalized)
        guard !words.isEmpty else { return ("ar.name_key", []) }
        let position = Session.dialect.typed("?", "int4")
        var values: [any SQLBindable] = []
        var cases = "CASE"
        for word in words {
            cases += " WHEN substr(ar.name_key, 1, \(position)) = ? THEN substr(ar.name_key, \(position))"
            values += [word.count + 1, word + " ", word.count + 2]
        }
        return (cases + " ELSE ar.name_key END", values)
    }

    private static func artist(_ row: Session.Row) throws -> Artist {
        Artist(
            id: try row.uuid(named: "id"), name: try row.string(named: "name") ?? "",
            albumCount: try row.int(named: "album_count"), trackCount: try row.int(named: "track_count"),
            coverHash: try row.string(named: "cover_hash"), createdAt: try row.date(named: "created_at"),
            starredAt: try row.optionalDate(named: "starred_at"))
    }
}
