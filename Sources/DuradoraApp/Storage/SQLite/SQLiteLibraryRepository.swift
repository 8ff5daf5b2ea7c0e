import Foundation

/// `LibraryRepository` on one SQLite connection. Albums and artists are aggregates over the viewer's visible tracks
/// (`visible`), joined through the `tracks_album` / `tracks_artist` indexes: one statement for a page and one for
/// its total, whatever the library size. `?1` is always the viewer (NULL when anonymous: it then matches no owner,
/// star or play), so each query has one shape for everyone.
struct SQLiteLibraryRepository: LibraryRepository {
    let connection: SQLiteConnection

    /// What every listing shows — tracks, albums, artists, genres, favourites, history, random — to every role:
    /// public tracks, and the viewer's own (`?1`; NULL for anonymous matches no owner). Admins too: the contract
    /// lists "public tracks, plus the caller's own", and an admin is also a listener whose browsing should not
    /// fill with other people's private uploads and unlisted `link` tracks. An admin reaches any track by its id
    /// (`TrackController.canSee`) and all of one user's with the `owner` filter of `GET /api/v1/tracks`.
    static let visible = "(t.visibility = 'public' OR t.owner_id = ?1)"

    private static let albumColumns = """
        SELECT a.id, a.name, a.artist_id, ar.name AS artist_name, a.created_at,
               COUNT(*) AS track_count, TOTAL(t.duration_seconds) AS duration_seconds, MAX(t.year) AS year,
               MIN(t.genre) AS genre, COALESCE(a.cover_hash, MAX(t.cover_hash)) AS cover_hash,
               (SELECT s.starred_at FROM album_stars AS s WHERE s.user_id = ?1 AND s.item_id = a.id) AS starred_at,
               TOTAL(pc.play_count) AS play_count, MAX(pc.last_played_at) AS last_played_at, ?1 AS viewer
        """
    private static let albumJoins = """
        JOIN albums AS a ON a.id = t.album_id
        LEFT JOIN artists AS ar ON ar.id = a.artist_id
        LEFT JOIN play_counts AS pc ON pc.user_id = ?1 AND pc.track_id = t.id
        WHERE \(visible)
        """
    private static let albumSelect = albumColumns + " FROM tracks AS t " + albumJoins
    /// The albums with a track the viewer may see, as a FROM … WHERE clause over `albums AS a` and `artists AS ar`.
    private static let visibleAlbums = """
        FROM albums AS a LEFT JOIN artists AS ar ON ar.id = a.artist_id
        WHERE EXISTS (SELECT 1 FROM tracks AS t WHERE t.album_id = a.id AND \(visible))
        """

    func albums(_ query: AlbumQuery) throws -> Page<Album> {
        var conditions: [String] = []
        var having: [String] = []
        var bindings: [any SQLiteBindable] = [query.viewerID]
        if let text = LibraryKey.normalized(query.text) {
            conditions.append("(a.name_key LIKE ? ESCAPE '\\' OR ar.name_key LIKE ? ESCAPE '\\')")
            let pattern = "%" + Self.escapedForLike(text) + "%"
            bindings += [pattern, pattern]
        }
        if let artistID = query.artistID {
            conditions.append("a.artist_id = ?")
            bindings.append(artistID)
        }
        if let genre = query.genre {
            having.append("SUM(t.genre = ? COLLATE NOCASE) > 0")
            bindings.append(genre)
        }
        if let from = query.yearFrom {
            having.append("MAX(t.year) >= ?")
            bindings.append(from)
        }
        if let to = query.yearTo {
            having.append("MAX(t.year) <= ?")
            bindings.append(to)
        }
        let order: String
        switch query.sort {
        case .name: order = "a.name_key, a.id"
        case .artist: order = "ar.name_key IS NULL, ar.name_key, year, a.name_key, a.id"
        case .newest: order = "a.created_at DESC, a.id"
        case .year: order = "year IS NULL, year, a.name_key, a.id"
        case .random: order = "RANDOM()"
        case .recent:
            having.append("last_played_at IS NOT NULL")
            order = "last_played_at DESC, a.id"
        case .frequent:
            having.append("play_count > 0")
            order = "play_count DESC, a.name_key, a.id"
        case .starred:
            having.append("starred_at IS NOT NULL")
            order = "starred_at DESC, a.id"
        }
        let filters = conditions.map { " AND " + $0 }.joined()
        let paging: [any SQLiteBindable] = [max(query.limit, 0), max(query.offset, 0)]
        if having.isEmpty && [.name, .newest].contains(query.sort) {
            // Ordered and filtered on album columns alone: pick the page's albums first (one existence probe per
            // album, walked in index order), then aggregate only their tracks — not the whole library's.
            let total = try connection.scalarInt("SELECT COUNT(*) " + Self.visibleAlbums + filters, bindings)
            let items = try connection.query(
                Self.albumColumns + " FROM (SELECT a.id " + Self.visibleAlbums + filters
                    + " ORDER BY \(order) LIMIT ? OFFSET ?) AS p CROSS JOIN tracks AS t ON t.album_id = p.id "
                    + Self.albumJoins + " GROUP BY a.id ORDER BY \(order)",
                bindings + paging, row: Self.album)
            return Page(items: items, total: total, limit: query.limit, offset: query.offset)
        }
        let grouped = Self.albumSelect + filters + " GROUP BY a.id"
            + (having.isEmpty ? "" : " HAVING " + having.joined(separator: " AND "))
        let total = try connection.scalarInt("SELECT COUNT(*) FROM (\(grouped))", bindings)
        let items = try connection.query(grouped + " ORDER BY \(order) LIMIT ? OFFSET ?", bindings + paging,
                                         row: Self.album)
        return Page(items: items, total: total, limit: query.limit, offset: query.offset)
    }

    func album(id: UUID, viewerID: UUID?) throws -> Album? {
        try connection.queryFirst(Self.albumSelect + " AND t.album_id = ? GROUP BY a.id", [viewerID, id], row: Self.album)
    }

    func tracks(inAlbum id: UUID, viewerID: UUID?) throws -> [Track] {
        try connection.query(
            """
            SELECT \(SQLiteTrackRepository.columns) FROM tracks AS t WHERE \(Self.visible) AND t.album_id = ?
            ORDER BY COALESCE(t.disc_number, 1), t.track_number IS NULL, t.track_number, t.title, t.rowid
            """,
            [viewerID, id], row: SQLiteTrackRepository.track)
    }

    func artists(_ query: ArtistQuery) throws -> Page<Artist> {
        var conditions: [String] = []
        var bindings: [any SQLiteBindable] = [query.viewerID]
        if let text = LibraryKey.normalized(query.text) {
            conditions.append("ar.name_key LIKE ? ESCAPE '\\'")
            bindings.append("%" + Self.escapedForLike(text) + "%")
        }
        let grouped = Self.artistSelect + conditions.map { " AND " + $0 }.joined() + " GROUP BY ar.id"
            + (query.starredOnly ? " HAVING starred_at IS NOT NULL" : "")
        let total = try connection.scalarInt("SELECT COUNT(*) FROM (\(grouped))", bindings)
        var orderBindings: [any SQLiteBindable] = []
        let order: String
        if query.starredOnly {
            order = "starred_at DESC, ar.id"
        } else {
            switch query.sort {
            case .name:
                let (expression, values) = Self.sortName(ignoring: query.ignoredArticles)
                order = "\(expression), ar.name_key, ar.id"
                orderBindings = values
            case .recent: order = "ar.created_at DESC, ar.id"
            }
        }
        let items = try connection.query(
            grouped + " ORDER BY \(order) LIMIT ? OFFSET ?",
            bindings + orderBindings + [max(query.limit, 0), max(query.offset, 0)], row: Self.artist)
        return Page(items: items, total: total, limit: query.limit, offset: query.offset)
    }

    func artist(id: UUID, viewerID: UUID?) throws -> Artist? {
        try connection.queryFirst(Self.artistSelect + " AND t.artist_id = ? GROUP BY ar.id", [viewerID, id],
                                  row: Self.artist)
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

    private static let artistSelect = """
        SELECT ar.id, ar.name, ar.created_at, COUNT(DISTINCT t.album_id) AS album_count, COUNT(*) AS track_count,
               MAX(COALESCE(a.cover_hash, t.cover_hash)) AS cover_hash,
               (SELECT s.starred_at FROM artist_stars AS s WHERE s.user_id = ?1 AND s.item_id = ar.id) AS starred_at
        FROM tracks AS t
        JOIN artists AS ar ON ar.id = t.artist_id
        LEFT JOIN albums AS a ON a.id = t.album_id
        WHERE \(visible)
        """

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

    static func escapedForLike(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%")
            .replacingOccurrences(of: "_", with: "\\_")
    }

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

    private static func artist(_ row: SQLiteStatement) throws -> Artist {
        Artist(
            id: try row.uuid(named: "id"), name: try row.string(named: "name") ?? "",
            albumCount: try row.int(named: "album_count"), trackCount: try row.int(named: "track_count"),
            coverHash: try row.string(named: "cover_hash"), createdAt: try row.date(named: "created_at"),
            starredAt: try row.optionalDate(named: "starred_at"))
    }
}
