import Foundation

/// `LibraryRepository` on one SQLite connection. An album's or artist's counts are its stored public totals
/// (`SQLiteLibraryTotals`) plus the viewer's own non-public tracks: a list page reads one row per item shown, a fixed
/// number of statements whatever the library size. `?1` is always the viewer (NULL when anonymous: it then matches
/// no owner, star or play), so each query has one shape for everyone. Artists: `SQLiteLibraryRepository+Artists`.
struct SQLiteLibraryRepository: LibraryRepository {
    let connection: SQLiteConnection

    /// What every listing shows — tracks, albums, artists, genres, favourites, history, random — to every role:
    /// public tracks, and the viewer's own (`?1`; NULL for anonymous matches no owner). Admins too: the contract
    /// lists "public tracks, plus the caller's own", and an admin is also a listener whose browsing should not
    /// fill with other people's private uploads and unlisted `link` tracks. An admin reaches any track by its id
    /// (`TrackController.canSee`) and all of one user's with the `owner` filter of `GET /api/v1/tracks`.
    static let visible = "(t.visibility = 'public' OR t.owner_id = ?1)"

    /// Every album with its public totals `s`, the viewer's own non-public tracks `o` (the `own` CTE of
    /// `ownAlbumsCTE`) and its artist; `driver` names a table to start from (the viewer's stars or plays) joined to
    /// `albums AS a`, else `albums AS a` alone.
    private static func albumSources(driver: String = "albums AS a") -> String {
        """
        FROM \(driver)
        \(driver == publicAlbums ? "" : "LEFT JOIN album_totals AS s ON s.album_id = a.id")
        LEFT JOIN own AS o ON o.album_id = a.id
        LEFT JOIN artists AS ar ON ar.id = a.artist_id
        WHERE (s.album_id IS NOT NULL OR o.album_id IS NOT NULL)
        """
    }
    /// The albums with a public track, from their totals (`album_totals_year` walks them by year).
    private static let publicAlbums = "album_totals AS s JOIN albums AS a ON a.id = s.album_id"
    private static let ownAlbumsCTE = "WITH own AS (\(SQLiteLibraryTotals.ownAlbums))"
    /// Per album, the viewer's plays of the tracks they see (sorts `recent` and `frequent` start from these).
    private static let viewerPlays = """
        plays AS (SELECT t.album_id, TOTAL(pc.play_count) AS play_count, MAX(pc.last_played_at) AS last_played_at
                  FROM play_counts AS pc JOIN tracks AS t ON t.id = pc.track_id
                  WHERE pc.user_id = ?1 AND \(visible) AND t.album_id IS NOT NULL GROUP BY t.album_id)
        """
    private static let albumYear = SQLiteLibraryTotals.extreme("MAX", "year")

    /// An album list in three statements whatever the library size: the page's ids (an index walk for the sorts
    /// on album columns: the totals are stored, nothing is aggregated), their rows, and the total if asked for.
    func albums(_ query: AlbumQuery) throws -> Page<Album> {
        var conditions: [String] = []
        var bindings: [any SQLiteBindable] = [query.viewerID]
        if let text = LibraryKey.normalized(query.text) {
            let (condition, values) = SQLiteNameSearch.albums(containing: text)
            conditions.append(condition)
            bindings += values
        }
        if let artistID = query.artistID {
            conditions.append("a.artist_id = ?")
            bindings.append(artistID)
        }
        if let genre = query.genre {
            conditions.append(
                "EXISTS (SELECT 1 FROM tracks AS t WHERE t.album_id = a.id AND \(Self.visible) AND t.genre = ? COLLATE NOCASE)")
            bindings.append(genre)
        }
        if let from = query.yearFrom {
            conditions.append("\(Self.albumYear) >= ?")
            bindings.append(from)
        }
        if let to = query.yearTo {
            conditions.append("\(Self.albumYear) <= ?")
            bindings.append(to)
        }
        var with = Self.ownAlbumsCTE
        var driver = "albums AS a"
        let storedYear = try query.sort == .year && conditions.isEmpty && !viewerHasUnlisted(query.viewerID)
        let order: String
        switch query.sort {
        case .name: order = "a.name_key, a.id"
        case .artist: order = "ar.name_key IS NULL, ar.name_key, \(Self.albumYear), a.name_key, a.id"
        case .newest: order = "a.created_at DESC, a.id"
        case .year where storedYear:
            // No own tracks to add: the stored year is every album's year, and its index gives the order.
            driver = Self.publicAlbums
            order = "s.year IS NULL, s.year, a.name_key, a.id"
        case .year: order = "\(Self.albumYear) IS NULL, \(Self.albumYear), a.name_key, a.id"
        case .random: order = "RANDOM()"
        case .recent, .frequent:
            with += ", " + Self.viewerPlays
            driver = "plays AS p JOIN albums AS a ON a.id = p.album_id"
            order = query.sort == .recent ? "p.last_played_at DESC, a.id" : "p.play_count DESC, a.name_key, a.id"
        case .starred:
            driver = "album_stars AS st JOIN albums AS a ON a.id = st.item_id AND st.user_id = ?1"
            order = "st.starred_at DESC, a.id"
        }
        let sources = Self.albumSources(driver: driver) + conditions.map { " AND " + $0 }.joined()
        let ids = try connection.query(
            "\(with) SELECT a.id \(sources) ORDER BY \(order) LIMIT ? OFFSET ?",
            bindings + [max(query.limit, 0), max(query.offset, 0)]) { try $0.uuid(named: "id") }
        let items = try albums(ids, viewerID: query.viewerID)
        let unfiltered = conditions.isEmpty && ["albums AS a", Self.publicAlbums].contains(driver)
        return try Page(items: items, limit: query.limit, offset: query.offset, counted: query.countsTotal) {
            try connection.scalarInt(
                unfiltered ? SQLiteLibraryTotals.total(of: "album") : "\(with) SELECT COUNT(*) \(sources)",
                unfiltered ? [query.viewerID] : bindings)
        }
    }

    /// Whether the viewer owns a track that is not public (the `tracks_unlisted` index: one probe).
    private func viewerHasUnlisted(_ viewerID: UUID?) throws -> Bool {
        try connection.scalarInt(
            "SELECT EXISTS (SELECT 1 FROM tracks WHERE owner_id = ? AND visibility <> 'public')", [viewerID]) == 1
    }

    func album(id: UUID, viewerID: UUID?) throws -> Album? {
        try albums([id], viewerID: viewerID).first
    }

    /// The albums `ids` the viewer sees, in that order, with their counts, the viewer's star and plays.
    private func albums(_ ids: [UUID], viewerID: UUID?) throws -> [Album] {
        guard !ids.isEmpty else { return [] }
        let rows = try connection.query(
            """
            \(Self.ownAlbumsCTE)
            SELECT a.id, a.name, a.artist_id, ar.name AS artist_name, a.created_at,
                   \(SQLiteLibraryTotals.sum("track_count")), \(SQLiteLibraryTotals.sum("duration_seconds")),
                   \(Self.albumYear) AS year, \(SQLiteLibraryTotals.extreme("MIN", "genre")) AS genre,
                   COALESCE(a.cover_hash, \(SQLiteLibraryTotals.extreme("MAX", "cover_hash"))) AS cover_hash,
                   (SELECT st.starred_at FROM album_stars AS st WHERE st.user_id = ?1 AND st.item_id = a.id) AS starred_at,
                   (SELECT TOTAL(pc.play_count) \(Self.albumPlays)) AS play_count,
                   (SELECT MAX(pc.last_played_at) \(Self.albumPlays)) AS last_played_at, ?1 AS viewer
            \(Self.albumSources()) AND a.id IN (SELECT value FROM json_each(?))
            """,
            [viewerID, Self.jsonArray(ids)], row: Self.album)
        return Self.ordered(rows, as: ids, id: \.id)
    }

    /// FROM … WHERE of the viewer's plays of the tracks of album `a` they see: `play_counts`' primary key probed
    /// per track of the album (CROSS JOIN keeps that order: the planner would rather scan all the viewer's plays,
    /// which is cheaper only while they have few).
    private static let albumPlays = """
        FROM tracks AS t CROSS JOIN play_counts AS pc ON pc.user_id = ?1 AND pc.track_id = t.id
        WHERE t.album_id = a.id AND \(visible)
        """

    /// `ids` as a JSON array, bound as one value (`json_each`): one statement text for any number of ids.
    static func jsonArray(_ ids: [UUID]) -> String {
        "[" + ids.map { "\"\($0.lowercasedString)\"" }.joined(separator: ",") + "]"
    }

    /// `rows` in the order of `ids` (a page's order, chosen by the statement that picked them).
    static func ordered<Row>(_ rows: [Row], as ids: [UUID], id: (Row) -> UUID) -> [Row] {
        let byID = Dictionary(rows.map { (id($0), $0) }) { first, _ in first }
        return ids.compactMap { byID[$0] }
    }

    func tracks(inAlbum id: UUID, viewerID: UUID?) throws -> [Track] {
        try connection.query(
            """
            SELECT \(SQLiteTrackRepository.columns) FROM tracks AS t WHERE \(Self.visible) AND t.album_id = ?
            ORDER BY COALESCE(t.disc_number, 1), t.track_number IS NULL, t.track_number, t.title, t.rowid
            """,
            [viewerID, id], row: SQLiteTrackRepository.track)
    }

    func genres(viewerID: UUID?) throws -> [Genre] {
        try connection.query(
            """
            SELECT MIN(t.genre) AS name, COUNT(*) AS track_count, COUNT(DISTINCT t.album_id) AS album_count
            FROM tracks AS t WHERE \(Self.visible) AND t.genre IS NOT NULL
            GROUP BY t.genre COLLATE NOCASE ORDER BY t.genre COLLATE NOCASE
            """,
            [viewerID]
        ) { row in
            Genre(name: try row.string(named: "name") ?? "", trackCount: try row.int(named: "track_count"),
                  albumCount: try row.int(named: "album_count"))
        }
    }

    func setCover(_ hash: String?, ofAlbum id: UUID) throws {
        guard try connection.execute("UPDATE albums SET cover_hash = ? WHERE id = ?", [hash, id]) == 1 else {
            throw StorageError.notFound
        }
    }

    func owners(ofAlbum id: UUID) throws -> Set<UUID> {
        Set(try connection.query("SELECT DISTINCT owner_id FROM tracks WHERE album_id = ? AND owner_id IS NOT NULL",
                                 [id]) { try $0.uuid(named: "owner_id") })
    }

    func coverHashes() throws -> Set<String> {
        Set(try connection.query(
            """
            SELECT cover_hash FROM tracks WHERE cover_hash IS NOT NULL
            UNION SELECT cover_hash FROM albums WHERE cover_hash IS NOT NULL
            """) { try $0.string(named: "cover_hash") ?? "" })
    }

    func importedFiles(under root: String) throws -> [String: ImportedFile] {
        // A range over the `tracks_source_path` index: every path starting with "root/" ("0" follows "/").
        let prefix = root.hasSuffix("/") ? String(root.dropLast()) : root
        let rows = try connection.query(
            """
            SELECT id, source_path, source_size, source_mtime FROM tracks
            WHERE source_path >= ? AND source_path < ?
            """,
            [prefix + "/", prefix + "0"]
        ) { row in
            (try row.string(named: "source_path") ?? "",
             ImportedFile(trackID: try row.uuid(named: "id"), size: try row.int64(named: "source_size"),
                          modifiedAt: try row.date(named: "source_mtime")))
        }
        return Dictionary(rows) { first, _ in first }
    }

    func stampImport(trackID: UUID, size: Int64, modifiedAt: Date) throws {
        try connection.execute("UPDATE tracks SET source_size = ?, source_mtime = ? WHERE id = ?",
                               [size, modifiedAt, trackID])
    }

    // MARK: Rows

    private static func album(_ row: SQLiteStatement) throws -> Album {
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
