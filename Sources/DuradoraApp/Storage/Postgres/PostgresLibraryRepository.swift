import Foundation

/// `LibraryRepository` on one PostgreSQL connection: the statements of `SQLiteLibraryRepository` (read it for
/// why each is shaped so), in PostgreSQL's dialect. `$1` is always the viewer (NULL when anonymous); the other
/// parameters are numbered after it (`PostgresSQL.numbered(from: 2)`). Artists: `PostgresLibraryRepository+Artists`.
///
/// Dialect notes: SQLite sorts NULL first ascending, PostgreSQL last, so the nullable sort keys say `NULLS FIRST`;
/// `TOTAL` is `COALESCE(SUM(…), 0)`; two-argument `MAX`/`MIN` are `GREATEST`/`LEAST`; name search is `LIKE` on
/// the lower-case `name_key`, which the pg_trgm indexes answer (SQLite's trigram FTS5 tables did the same).
struct PostgresLibraryRepository: LibraryRepository {
    let connection: PostgresConnection

    /// Public tracks and the viewer's own (`SQLiteLibraryRepository.visible`).
    static let visible = "(t.visibility = 'public' OR t.owner_id = $1::text)"

    private static func albumSources(driver: String = "albums AS a") -> String {
        """
        FROM \(driver)
        \(driver == publicAlbums ? "" : "LEFT JOIN album_totals AS s ON s.album_id = a.id")
        LEFT JOIN own AS o ON o.album_id = a.id
        LEFT JOIN artists AS ar ON ar.id = a.artist_id
        WHERE (s.album_id IS NOT NULL OR o.album_id IS NOT NULL)
        """
    }
    private static let publicAlbums = "album_totals AS s JOIN albums AS a ON a.id = s.album_id"
    private static let ownAlbumsCTE = "WITH own AS (\(PostgresLibraryTotals.ownAlbums))"
    private static let viewerPlays = """
        plays AS (SELECT t.album_id, COALESCE(SUM(pc.play_count), 0)::int8 AS play_count,
                         MAX(pc.last_played_at) AS last_played_at
                  FROM play_counts AS pc JOIN tracks AS t ON t.id = pc.track_id
                  WHERE pc.user_id = $1 AND \(visible) AND t.album_id IS NOT NULL GROUP BY t.album_id)
        """
    private static let albumYear = PostgresLibraryTotals.extreme("MAX", "year")

    func albums(_ query: AlbumQuery) throws -> Page<Album> {
        var conditions: [String] = []
        var parameters: [any PostgresBindable] = [query.viewerID]
        if let text = LibraryKey.normalized(query.text) {
            let pattern = LikePattern.containing(text)
            conditions.append("(a.name_key LIKE ? ESCAPE '\\' OR ar.name_key LIKE ? ESCAPE '\\')")
            parameters += [pattern, pattern]
        }
        if let artistID = query.artistID {
            conditions.append("a.artist_id = ?")
            parameters.append(artistID)
        }
        if let genre = query.genre {
            conditions.append("""
                EXISTS (SELECT 1 FROM tracks AS t WHERE t.album_id = a.id AND \(Self.visible)
                        AND duradora_nocase(t.genre) = duradora_nocase(?))
                """)
            parameters.append(genre)
        }
        if let from = query.yearFrom {
            conditions.append("\(Self.albumYear) >= ?")
            parameters.append(from)
        }
        if let to = query.yearTo {
            conditions.append("\(Self.albumYear) <= ?")
            parameters.append(to)
        }
        var with = Self.ownAlbumsCTE
        var driver = "albums AS a"
        let storedYear = try query.sort == .year && conditions.isEmpty && !viewerHasUnlisted(query.viewerID)
        let order: String
        switch query.sort {
        case .name: order = "a.name_key, a.id"
        case .artist: order = "ar.name_key IS NULL, ar.name_key, \(Self.albumYear) NULLS FIRST, a.name_key, a.id"
        case .newest: order = "a.created_at DESC, a.id"
        case .year where storedYear:
            driver = Self.publicAlbums
            order = "s.year IS NULL, s.year, a.name_key, a.id"
        case .year: order = "\(Self.albumYear) IS NULL, \(Self.albumYear), a.name_key, a.id"
        case .random: order = "random()"
        case .recent, .frequent:
            with += ", " + Self.viewerPlays
            driver = "plays AS p JOIN albums AS a ON a.id = p.album_id"
            order = query.sort == .recent ? "p.last_played_at DESC, a.id" : "p.play_count DESC, a.name_key, a.id"
        case .starred:
            driver = "album_stars AS st JOIN albums AS a ON a.id = st.item_id AND st.user_id = $1"
            order = "st.starred_at DESC, a.id"
        }
        let sources = Self.albumSources(driver: driver) + conditions.map { " AND " + $0 }.joined()
        let ids = try connection.query(
            PostgresSQL.numbered("\(with) SELECT a.id \(sources) ORDER BY \(order) LIMIT ? OFFSET ?", from: 2),
            parameters + [max(query.limit, 0), max(query.offset, 0)]) { try $0.uuid(named: "id") }
        let items = try albums(ids, viewerID: query.viewerID)
        let unfiltered = conditions.isEmpty && ["albums AS a", Self.publicAlbums].contains(driver)
        return try Page(items: items, limit: query.limit, offset: query.offset, counted: query.countsTotal) {
            try connection.scalarInt(
                unfiltered ? PostgresLibraryTotals.total(of: "album")
                    : PostgresSQL.numbered("\(with) SELECT COUNT(*) \(sources)", from: 2),
                unfiltered ? [query.viewerID] : parameters)
        }
    }

    private func viewerHasUnlisted(_ viewerID: UUID?) throws -> Bool {
        try connection.scalarInt(
            "SELECT EXISTS (SELECT 1 FROM tracks WHERE owner_id = $1::text AND visibility <> 'public')",
            [viewerID]) == 1
    }

    func album(id: UUID, viewerID: UUID?) throws -> Album? {
        try albums([id], viewerID: viewerID).first
    }

    private func albums(_ ids: [UUID], viewerID: UUID?) throws -> [Album] {
        guard !ids.isEmpty else { return [] }
        let rows = try connection.query(
            """
            \(Self.ownAlbumsCTE)
            SELECT a.id, a.name, a.artist_id, ar.name AS artist_name, a.created_at,
                   \(PostgresLibraryTotals.sum("track_count")), \(PostgresLibraryTotals.sum("duration_seconds")),
                   \(Self.albumYear) AS year, \(PostgresLibraryTotals.extreme("MIN", "genre")) AS genre,
                   COALESCE(a.cover_hash, \(PostgresLibraryTotals.extreme("MAX", "cover_hash"))) AS cover_hash,
                   (SELECT st.starred_at FROM album_stars AS st WHERE st.user_id = $1 AND st.item_id = a.id) AS starred_at,
                   (SELECT COALESCE(SUM(pc.play_count), 0)::int8 \(Self.albumPlays)) AS play_count,
                   (SELECT MAX(pc.last_played_at) \(Self.albumPlays)) AS last_played_at, $1::text AS viewer
            \(Self.albumSources()) AND a.id IN (SELECT json_array_elements_text($2::json))
            """,
            [viewerID, SQLiteLibraryRepository.jsonArray(ids)], row: Self.album)
        return SQLiteLibraryRepository.ordered(rows, as: ids, id: \.id)
    }

    private static let albumPlays = """
        FROM tracks AS t JOIN play_counts AS pc ON pc.user_id = $1 AND pc.track_id = t.id
        WHERE t.album_id = a.id AND \(visible)
        """

    func tracks(inAlbum id: UUID, viewerID: UUID?) throws -> [Track] {
        try connection.query(
            """
            SELECT \(PostgresTrackColumn.selectList) FROM tracks AS t WHERE \(Self.visible) AND t.album_id = $2
            ORDER BY COALESCE(t.disc_number, 1), t.track_number IS NULL, t.track_number, t.title NULLS FIRST, t.rowid
            """,
            [viewerID, id], row: PostgresTrackRepository.track)
    }

    func genres(viewerID: UUID?) throws -> [Genre] {
        try connection.query(
            """
            SELECT MIN(t.genre) AS name, COUNT(*) AS track_count, COUNT(DISTINCT t.album_id) AS album_count
            FROM tracks AS t WHERE \(Self.visible) AND t.genre IS NOT NULL
            GROUP BY duradora_nocase(t.genre) ORDER BY duradora_nocase(t.genre)
            """,
            [viewerID]
        ) { row in
            Genre(name: try row.string(named: "name") ?? "", trackCount: try row.int(named: "track_count"),
                  albumCount: try row.int(named: "album_count"))
        }
    }

    func setCover(_ hash: String?, ofAlbum id: UUID) throws {
        guard try connection.execute("UPDATE albums SET cover_hash = $1 WHERE id = $2", [hash, id]) == 1 else {
            throw StorageError.notFound
        }
    }

    func owners(ofAlbum id: UUID) throws -> Set<UUID> {
        Set(try connection.query(
            "SELECT DISTINCT owner_id FROM tracks WHERE album_id = $1 AND owner_id IS NOT NULL", [id]
        ) { try $0.uuid(named: "owner_id") })
    }

    func coverHashes() throws -> Set<String> {
        Set(try connection.query(
            """
            SELECT cover_hash FROM tracks WHERE cover_hash IS NOT NULL
            UNION SELECT cover_hash FROM albums WHERE cover_hash IS NOT NULL
            """) { try $0.string(named: "cover_hash") ?? "" })
    }

    func importedFiles(under root: String) throws -> [String: ImportedFile] {
        // A range over the `tracks_source_path_key` index in byte order (the column is COLLATE "C").
        let prefix = root.hasSuffix("/") ? String(root.dropLast()) : root
        let rows = try connection.query(
            "SELECT id, source_path, source_size, source_mtime FROM tracks WHERE source_path >= $1 AND source_path < $2",
            [prefix + "/", prefix + "0"]
        ) { row in
            (try row.string(named: "source_path") ?? "",
             ImportedFile(trackID: try row.uuid(named: "id"), size: try row.int64(named: "source_size"),
                          modifiedAt: try row.date(named: "source_mtime")))
        }
        return Dictionary(rows) { first, _ in first }
    }

    func stampImport(trackID: UUID, size: Int64, modifiedAt: Date) throws {
        try connection.execute("UPDATE tracks SET source_size = $1, source_mtime = $2 WHERE id = $3",
                               [size, modifiedAt, trackID])
    }

    private static func album(_ row: PostgresRow) throws -> Album {
        let isSignedIn = try !row.isNull(named: "viewer")
        return Album(
            id: try row.uuid(named: "id"), name: try row.string(named: "name") ?? "",
            artistID: try row.optionalUUID(named: "artist_id"), artistName: try row.string(named: "artist_name"),
            year: try row.optionalInt(named: "year"), genre: try row.string(named: "genre"),
            trackCount: try row.int(named: "track_count"), durationSeconds: try row.double(named: "duration_seconds"),
            coverHash: try row.string(named: "cover_hash"), createdAt: try row.date(named: "created_at"),
            starredAt: try row.optionalDate(named: "starred_at"),
            playCount: isSignedIn ? try row.int(named: "play_count") : nil,
            lastPlayedAt: try row.optionalDate(named: "last_played_at"))
    }
}
