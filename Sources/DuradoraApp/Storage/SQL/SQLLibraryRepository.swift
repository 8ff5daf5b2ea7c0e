import Foundation

/// `LibraryRepository` on one connection of either backend. An album's or artist's counts are its stored public
/// totals (`LibraryTotals`) plus the viewer's own non-public tracks: a list page reads one row per item shown, a
/// fixed number of statements whatever the library size. `?1` is always the viewer (NULL when anonymous: it then
/// matches no owner, star or play), so each query has one shape for everyone; the fixed texts are made once per
/// dialect (`LibraryStatements`). Artists: `SQLLibraryRepository+Artists`.
struct SQLLibraryRepository<Session: SQLSession>: LibraryRepository {
    let connection: Session

    var statements: LibraryStatements { LibraryStatements.of(Session.dialect) }

    /// An album list in three statements whatever the library size: the page's ids (an index walk for the sorts
    /// on album columns: the totals are stored, nothing is aggregated), their rows, and the total if asked for.
    @_specialize(where Session == SQLiteConnection)
    func albums(_ query: AlbumQuery) throws -> Page<Album> {
        let dialect = Session.dialect
        let sql = statements
        var conditions: [String] = []
        var values: [any SQLBindable] = [query.viewerID]
        if let text = LibraryKey.normalized(query.text) {
            let (condition, searchValues) = dialect.albums(containing: text)
            conditions.append(condition)
            values += searchValues
        }
        if let artistID = query.artistID {
            conditions.append("a.artist_id = ?")
            values.append(artistID)
        }
        if let genre = query.genre {
            conditions.append("""
                EXISTS (SELECT 1 FROM tracks AS t WHERE t.album_id = a.id AND \(sql.visible)
                        AND \(dialect.equalsIgnoringCase("t.genre", "?")))
                """)
            values.append(genre)
        }
        if let from = query.yearFrom {
            conditions.append("\(sql.albumYear) >= ?")
            values.append(from)
        }
        if let to = query.yearTo {
            conditions.append("\(sql.albumYear) <= ?")
            values.append(to)
        }
        var with = sql.ownAlbumsCTE
        var driver = "albums AS a"
        let storedYear = try query.sort == .year && conditions.isEmpty && !viewerHasUnlisted(query.viewerID)
        let order: String
        switch query.sort {
        case .name: order = "a.name_key, a.id"
        case .artist: order = "ar.name_key IS NULL, ar.name_key, \(sql.albumYear)\(dialect.nullsFirst), a.name_key, a.id"
        case .newest: order = "a.created_at DESC, a.id"
        case .year where storedYear:
            // No own tracks to add: the stored year is every album's year, and its index gives the order.
            driver = sql.publicAlbums
            order = "s.year IS NULL, s.year, a.name_key, a.id"
        case .year: order = "\(sql.albumYear) IS NULL, \(sql.albumYear), a.name_key, a.id"
        case .random: order = "RANDOM()"
        case .recent, .frequent:
            with += ", " + sql.viewerPlays
            driver = "plays AS p JOIN albums AS a ON a.id = p.album_id"
            order = query.sort == .recent ? "p.last_played_at DESC, a.id" : "p.play_count DESC, a.name_key, a.id"
        case .starred:
            driver = "album_stars AS st JOIN albums AS a ON a.id = st.item_id AND st.user_id = ?1"
            order = "st.starred_at DESC, a.id"
        }
        let sources = LibraryStatements.albumSources(driver: driver) + conditions.map { " AND " + $0 }.joined()
        let ids = try connection.query(
            "\(with) SELECT a.id \(sources) ORDER BY \(order) LIMIT ? OFFSET ?",
            values + [max(query.limit, 0), max(query.offset, 0)]) { try $0.uuid(named: "id") }
        let items = try albums(ids, viewerID: query.viewerID)
        let unfiltered = conditions.isEmpty && ["albums AS a", sql.publicAlbums].contains(driver)
        return try Page(items: items, limit: query.limit, offset: query.offset, counted: query.countsTotal) {
            try connection.scalarInt(
                unfiltered ? sql.albumTotal : "\(with) SELECT COUNT(*) \(sources)",
                unfiltered ? [query.viewerID] : values)
        }
    }

    /// Whether the viewer owns a track that is not public (the `tracks_unlisted` index: one probe).
    private func viewerHasUnlisted(_ viewerID: UUID?) throws -> Bool {
        try connection.scalarInt(
            """
            SELECT EXISTS (SELECT 1 FROM tracks WHERE owner_id = \(Session.dialect.text("?")) AND visibility <> 'public')
            """,
            [viewerID]) == 1
    }

    @_specialize(where Session == SQLiteConnection)
    func album(id: UUID, viewerID: UUID?) throws -> Album? {
        try albums([id], viewerID: viewerID).first
    }

    /// The albums `ids` the viewer sees, in that order, with their counts, the viewer's star and plays.
    private func albums(_ ids: [UUID], viewerID: UUID?) throws -> [Album] {
        try items(statements.albumRows, ids: ids, viewerID: viewerID, row: Self.album, id: \.id)
    }

    /// The rows of `sql` for `ids` (bound as one JSON array, `?2`), in the order of `ids`.
    func items<Item>(_ sql: String, ids: [UUID], viewerID: UUID?, row: (Session.Row) throws -> Item,
                     id: (Item) -> UUID) throws -> [Item] {
        guard !ids.isEmpty else { return [] }
        let rows = try connection.query(sql, [viewerID, LibrarySQL.jsonArray(ids)], row: row)
        // In the page's order, chosen by the statement that picked the ids.
        let byID = Dictionary(rows.map { (id($0), $0) }) { first, _ in first }
        return ids.compactMap { byID[$0] }
    }

    @_specialize(where Session == SQLiteConnection)
    func tracks(inAlbum id: UUID, viewerID: UUID?) throws -> [Track] {
        try connection.query(statements.albumTracks, [viewerID, id]) { try TrackColumn.track($0) }
    }

    @_specialize(where Session == SQLiteConnection)
    func genres(viewerID: UUID?) throws -> [Genre] {
        try connection.query(statements.genres, [viewerID]) { row in
            Genre(name: try row.string(named: "name") ?? "", trackCount: try row.int(named: "track_count"),
                  albumCount: try row.int(named: "album_count"))
        }
    }

    @_specialize(where Session == SQLiteConnection)
    func setCover(_ hash: String?, ofAlbum id: UUID) throws {
        guard try connection.execute("UPDATE albums SET cover_hash = ? WHERE id = ?", [hash, id]) == 1 else {
            throw StorageError.notFound
        }
    }

    @_specialize(where Session == SQLiteConnection)
    func owners(ofAlbum id: UUID) throws -> Set<UUID> {
        Set(try connection.query(
            "SELECT DISTINCT owner_id FROM tracks WHERE album_id = ? AND owner_id IS NOT NULL", [id]
        ) { try $0.uuid(named: "owner_id") })
    }

    @_specialize(where Session == SQLiteConnection)
    func coverHashes() throws -> Set<String> {
        Set(try connection.query(
            """
            SELECT cover_hash FROM tracks WHERE cover_hash IS NOT NULL
            UNION SELECT cover_hash FROM albums WHERE cover_hash IS NOT NULL
            """) { try $0.string(named: "cover_hash") ?? "" })
    }

    @_specialize(where Session == SQLiteConnection)
    func importedFiles(under root: String) throws -> [String: ImportedFile] {
        // A range over the source path index in byte order (SQLite's BINARY, PostgreSQL's COLLATE "C"): every
        // path starting with "root/" ("0" follows "/").
        let prefix = root.hasSuffix("/") ? String(root.dropLast()) : root
        let rows = try connection.query(
            "SELECT id, source_path, source_size, source_mtime FROM tracks WHERE source_path >= ? AND source_path < ?",
            [prefix + "/", prefix + "0"]
        ) { row in
            (try row.string(named: "source_path") ?? "",
             ImportedFile(trackID: try row.uuid(named: "id"), size: try row.int64(named: "source_size"),
                          modifiedAt: try row.date(named: "source_mtime")))
        }
        return Dictionary(rows) { first, _ in first }
    }

    @_specialize(where Session == SQLiteConnection)
    func stampImport(trackID: UUID, size: Int64, modifiedAt: Date) throws {
        try connection.execute("UPDATE tracks SET source_size = ?, source_mtime = ? WHERE id = ?",
                               [size, modifiedAt, trackID])
    }

    // MARK: Rows

    private static func album(_ row: Session.Row) throws -> Album {
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
