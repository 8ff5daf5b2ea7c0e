import Foundation

/// Artist lists and pages: each artist's stored public totals plus the viewer's own non-public tracks.
extension SQLiteLibraryRepository {
    /// Every artist with its public totals `s` and the viewer's own non-public tracks `o`; `driver` as for albums.
    private static func artistSources(driver: String = "artists AS ar") -> String {
        """
        FROM \(driver)
        LEFT JOIN artist_totals AS s ON s.artist_id = ar.id
        LEFT JOIN own AS o ON o.artist_id = ar.id
        WHERE (s.artist_id IS NOT NULL OR o.artist_id IS NOT NULL)
        """
    }
    private static let ownArtistsCTE = "WITH own AS (\(SQLiteLibraryTotals.ownArtists))"

    /// The page's ids, their rows, and the total if asked for.
    func artists(_ query: ArtistQuery) throws -> Page<Artist> {
        var conditions: [String] = []
        var bindings: [any SQLiteBindable] = [query.viewerID]
        if let text = LibraryKey.normalized(query.text) {
            let (condition, values) = SQLiteNameSearch.artists(containing: text)
            conditions.append(condition)
            bindings += values
        }
        var driver = "artists AS ar"
        var orderBindings: [any SQLiteBindable] = []
        let order: String
        if query.starredOnly {
            driver = "artist_stars AS st JOIN artists AS ar ON ar.id = st.item_id AND st.user_id = ?1"
            order = "st.starred_at DESC, ar.id"
        } else {
            switch query.sort {
            case .name:
                let (expression, values) = Self.sortName(ignoring: query.ignoredArticles)
                order = "\(expression), ar.name_key, ar.id"
                orderBindings = values
            case .recent: order = "ar.created_at DESC, ar.id"
            }
        }
        let sources = Self.artistSources(driver: driver) + conditions.map { " AND " + $0 }.joined()
        let ids = try connection.query(
            "\(Self.ownArtistsCTE) SELECT ar.id \(sources) ORDER BY \(order) LIMIT ? OFFSET ?",
            bindings + orderBindings + [max(query.limit, 0), max(query.offset, 0)]) { try $0.uuid(named: "id") }
        let items = try artists(ids, viewerID: query.viewerID)
        let unfiltered = conditions.isEmpty && !query.starredOnly
        return try Page(items: items, limit: query.limit, offset: query.offset, counted: query.countsTotal) {
            try connection.scalarInt(
                unfiltered ? SQLiteLibraryTotals.total(of: "artist") : "\(Self.ownArtistsCTE) SELECT COUNT(*) \(sources)",
                unfiltered ? [query.viewerID] : bindings)
        }
    }

    func artist(id: UUID, viewerID: UUID?) throws -> Artist? {
        try artists([id], viewerID: viewerID).first
    }

    /// The artists `ids` the viewer sees, in that order.
    private func artists(_ ids: [UUID], viewerID: UUID?) throws -> [Artist] {
        guard !ids.isEmpty else { return [] }
        let rows = try connection.query(
            """
            \(Self.ownArtistsCTE)
            SELECT ar.id, ar.name, ar.created_at, \(SQLiteLibraryTotals.sum("album_count")),
                   \(SQLiteLibraryTotals.sum("track_count")),
                   \(SQLiteLibraryTotals.extreme("MAX", "cover_hash")) AS cover_hash,
                   (SELECT st.starred_at FROM artist_stars AS st WHERE st.user_id = ?1 AND st.item_id = ar.id) AS starred_at
            \(Self.artistSources()) AND ar.id IN (SELECT value FROM json_each(?))
            """,
            [viewerID, Self.jsonArray(ids)], row: Self.artist)
        return Self.ordered(rows, as: ids, id: \.id)
    }

    /// The name without a leading article (`"the beatles"` → `"beatles"`), as an SQL expression over `name_key`
    /// with the articles bound as values, never spliced into the SQL.
    private static func sortName(ignoring articles: [String]) -> (String, [any SQLiteBindable]) {
        let words = articles.compactMap(LibraryKey.normalized)
        guard !words.isEmpty else { return ("ar.name_key", []) }
        var values: [any SQLiteBindable] = []
        var cases = "CASE"
        for word in words {
            cases += " WHEN substr(ar.name_key, 1, ?) = ? THEN substr(ar.name_key, ?)"
            values += [word.count + 1, word + " ", word.count + 2]
        }
        return (cases + " ELSE ar.name_key END", values)
    }


    private static func artist(_ row: SQLiteStatement) throws -> Artist {
        Artist(
            id: try row.uuid(named: "id"), name: try row.string(named: "name") ?? "",
            albumCount: try row.int(named: "album_count"), trackCount: try row.int(named: "track_count"),
            coverHash: try row.string(named: "cover_hash"), createdAt: try row.date(named: "created_at"),
            starredAt: try row.optionalDate(named: "starred_at"))
    }
}
