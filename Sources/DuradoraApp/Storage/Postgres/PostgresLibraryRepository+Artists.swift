import Foundation

/// Artist lists and pages (as `SQLiteLibraryRepository+Artists`): stored public totals plus the viewer's own.
extension PostgresLibraryRepository {
    private static func artistSources(driver: String = "artists AS ar") -> String {
        """
        FROM \(driver)
        LEFT JOIN artist_totals AS s ON s.artist_id = ar.id
        LEFT JOIN own AS o ON o.artist_id = ar.id
        WHERE (s.artist_id IS NOT NULL OR o.artist_id IS NOT NULL)
        """
    }
    private static let ownArtistsCTE = "WITH own AS (\(PostgresLibraryTotals.ownArtists))"

    func artists(_ query: ArtistQuery) throws -> Page<Artist> {
        var conditions: [String] = []
        var parameters: [any PostgresBindable] = [query.viewerID]
        if let text = LibraryKey.normalized(query.text) {
            conditions.append("ar.name_key LIKE ? ESCAPE '\\'")
            parameters.append(LikePattern.containing(text))
        }
        var driver = "artists AS ar"
        var orderParameters: [any PostgresBindable] = []
        let order: String
        if query.starredOnly {
            driver = "artist_stars AS st JOIN artists AS ar ON ar.id = st.item_id AND st.user_id = $1"
            order = "st.starred_at DESC, ar.id"
        } else {
            switch query.sort {
            case .name:
                let (expression, values) = Self.sortName(ignoring: query.ignoredArticles)
                order = "\(expression), ar.name_key, ar.id"
                orderParameters = values
            case .recent: order = "ar.created_at DESC, ar.id"
            }
        }
        let sources = Self.artistSources(driver: driver) + conditions.map { " AND " + $0 }.joined()
        let ids = try connection.query(
            PostgresSQL.numbered("\(Self.ownArtistsCTE) SELECT ar.id \(sources) ORDER BY \(order) LIMIT ? OFFSET ?", from: 2),
            parameters + orderParameters + [max(query.limit, 0), max(query.offset, 0)]) { try $0.uuid(named: "id") }
        let items = try artists(ids, viewerID: query.viewerID)
        let unfiltered = conditions.isEmpty && !query.starredOnly
        return try Page(items: items, limit: query.limit, offset: query.offset, counted: query.countsTotal) {
            try connection.scalarInt(
                unfiltered ? PostgresLibraryTotals.total(of: "artist")
                    : PostgresSQL.numbered("\(Self.ownArtistsCTE) SELECT COUNT(*) \(sources)", from: 2),
                unfiltered ? [query.viewerID] : parameters)
        }
    }

    func artist(id: UUID, viewerID: UUID?) throws -> Artist? {
        try artists([id], viewerID: viewerID).first
    }

    private func artists(_ ids: [UUID], viewerID: UUID?) throws -> [Artist] {
        guard !ids.isEmpty else { return [] }
        let rows = try connection.query(
            """
            \(Self.ownArtistsCTE)
            SELECT ar.id, ar.name, ar.created_at, \(PostgresLibraryTotals.sum("album_count")),
                   \(PostgresLibraryTotals.sum("track_count")),
                   \(PostgresLibraryTotals.extreme("MAX", "cover_hash")) AS cover_hash,
                   (SELECT st.starred_at FROM artist_stars AS st WHERE st.user_id = $1 AND st.item_id = ar.id) AS starred_at
            \(Self.artistSources()) AND ar.id IN (SELECT json_array_elements_text($2::json))
            """,
            [viewerID, SQLiteLibraryRepository.jsonArray(ids)], row: Self.artist)
        return SQLiteLibraryRepository.ordered(rows, as: ids, id: \.id)
    }

    /// The name without a leading article, as an SQL expression over `name_key` with the articles as parameters.
    private static func sortName(ignoring articles: [String]) -> (String, [any PostgresBindable]) {
        let words = articles.compactMap(LibraryKey.normalized)
        guard !words.isEmpty else { return ("ar.name_key", []) }
        var values: [any PostgresBindable] = []
        var cases = "CASE"
        for word in words {
            cases += " WHEN substr(ar.name_key, 1, ?::int4) = ? THEN substr(ar.name_key, ?::int4)"
            values += [word.count + 1, word + " ", word.count + 2]
        }
        return (cases + " ELSE ar.name_key END", values)
    }

    private static func artist(_ row: PostgresRow) throws -> Artist {
        Artist(
            id: try row.uuid(named: "id"), name: try row.string(named: "name") ?? "",
            albumCount: try row.int(named: "album_count"), trackCount: try row.int(named: "track_count"),
            coverHash: try row.string(named: "cover_hash"), createdAt: try row.date(named: "created_at"),
            starredAt: try row.optionalDate(named: "starred_at"))
    }
}
