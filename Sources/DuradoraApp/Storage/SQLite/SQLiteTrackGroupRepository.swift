import Foundation

/// `TrackGroupRepository` on one SQLite connection: GROUP BY over the tracks' text columns (see the protocol for
/// why this is temporary). Names group case-insensitively for ASCII, as `COLLATE NOCASE` does everywhere else.
struct SQLiteTrackGroupRepository: TrackGroupRepository {
    let connection: SQLiteConnection

    private static let artistKey = "COALESCE(t.artist, '')"
    private static let albumKey = "COALESCE(t.album, '')"
    private static let albumColumns = """
        MIN(\(artistKey)) AS artist, MIN(\(albumKey)) AS album, COUNT(*) AS track_count, \
        TOTAL(t.duration_seconds) AS duration, MIN(t.created_at) AS created_at, MAX(t.year) AS year, \
        MIN(t.genre) AS genre
        """
    private static let albumGrouping = "GROUP BY \(artistKey) COLLATE NOCASE, \(albumKey) COLLATE NOCASE"

    /// Ready tracks that `scope` may list.
    private static func visible(_ scope: TrackScope) -> (sql: String, bindings: [any SQLiteBindable]) {
        if scope.viewerIsAdmin { return ("t.status = 'ready'", []) }
        if let viewer = scope.viewerID {
            return ("t.status = 'ready' AND (t.visibility = 'public' OR t.owner_id = ?)", [viewer])
        }
        return ("t.status = 'ready' AND t.visibility = 'public'", [])
    }

    /// `visible`, and the artist (or album) name contains `text` (case-insensitive for ASCII; nil: any name).
    private static func visible(_ scope: TrackScope, artistContaining text: String?, albumContaining: String?)
        -> (sql: String, bindings: [any SQLiteBindable])
    {
        var (condition, bindings) = visible(scope)
        for (key, text) in [(artistKey, text), (albumKey, albumContaining)] {
            guard let pattern = PlaylistQuery(text: text).likePattern else { continue }
            condition += " AND \(key) LIKE ? ESCAPE '\\'"
            bindings.append(pattern)
        }
        return (condition, bindings)
    }

    func artists(_ scope: TrackScope, matching text: String?, limit: Int, offset: Int) throws -> [ArtistGroup] {
        let (condition, bindings) = Self.visible(scope, artistContaining: text, albumContaining: nil)
        return try connection.query(
            """
            SELECT MIN(\(Self.artistKey)) AS artist, COUNT(DISTINCT lower(\(Self.albumKey))) AS album_count,
                   COUNT(*) AS track_count
            FROM tracks AS t WHERE \(condition)
            GROUP BY \(Self.artistKey) COLLATE NOCASE ORDER BY artist COLLATE NOCASE LIMIT ? OFFSET ?
            """,
            bindings + [max(limit, 0), max(offset, 0)]
        ) { row in
            ArtistGroup(name: try row.string(named: "artist") ?? "", albumCount: try row.int(named: "album_count"),
                        trackCount: try row.int(named: "track_count"))
        }
    }

    func albums(_ scope: TrackScope, order: AlbumGroupOrder, limit: Int, offset: Int) throws -> [AlbumGroup] {
        var (condition, bindings) = Self.visible(scope)
        var having = ""
        let orderBy: String
        switch order {
        case .newest: orderBy = "MAX(t.created_at) DESC"
        case .name: orderBy = "album COLLATE NOCASE, artist COLLATE NOCASE"
        case .artist: orderBy = "artist COLLATE NOCASE, album COLLATE NOCASE"
        case .random: orderBy = "random()"
        case .years(let from, let to):
            having = "HAVING MAX(t.year) BETWEEN ? AND ?"
            orderBy = from <= to ? "year, album COLLATE NOCASE" : "year DESC, album COLLATE NOCASE"
        case .genre(let genre):
            condition += " AND t.genre = ? COLLATE NOCASE"
            bindings.append(genre)
            orderBy = "album COLLATE NOCASE"
        }
        var havingBindings: [any SQLiteBindable] = []
        if case .years(let from, let to) = order { havingBindings = [min(from, to), max(from, to)] }
        return try connection.query(
            """
            SELECT \(Self.albumColumns) FROM tracks AS t WHERE \(condition) \(Self.albumGrouping) \(having)
            ORDER BY \(orderBy) LIMIT ? OFFSET ?
            """,
            bindings + havingBindings + [max(limit, 0), max(offset, 0)], row: Self.album)
    }

    func albums(_ scope: TrackScope, matching text: String?, limit: Int, offset: Int) throws -> [AlbumGroup] {
        let (condition, bindings) = Self.visible(scope, artistContaining: nil, albumContaining: text)
        return try connection.query(
            """
            SELECT \(Self.albumColumns) FROM tracks AS t WHERE \(condition) \(Self.albumGrouping)
            ORDER BY album COLLATE NOCASE, artist COLLATE NOCASE LIMIT ? OFFSET ?
            """,
            bindings + [max(limit, 0), max(offset, 0)], row: Self.album)
    }

    func albums(_ scope: TrackScope, artist: String) throws -> [AlbumGroup] {
        let (condition, bindings) = Self.visible(scope)
        return try connection.query(
            """
            SELECT \(Self.albumColumns) FROM tracks AS t
            WHERE \(condition) AND \(Self.artistKey) = ? COLLATE NOCASE \(Self.albumGrouping)
            ORDER BY year, album COLLATE NOCASE
            """,
            bindings + [artist], row: Self.album)
    }

    func tracks(_ scope: TrackScope, artist: String, album: String) throws -> [Track] {
        let (condition, bindings) = Self.visible(scope)
        return try connection.query(
            """
            SELECT \(SQLiteTrackRepository.columns) FROM tracks AS t
            WHERE \(condition) AND \(Self.artistKey) = ? COLLATE NOCASE AND \(Self.albumKey) = ? COLLATE NOCASE
            ORDER BY t.track_number IS NULL, t.track_number, t.title COLLATE NOCASE, t.rowid
            """,
            bindings + [artist, album], row: SQLiteTrackRepository.track)
    }

    func tracks(_ scope: TrackScope, matching text: String?, limit: Int, offset: Int) throws -> [Track] {
        var (condition, bindings) = Self.visible(scope)
        var from = "tracks AS t"
        var order = "t.created_at DESC, t.rowid DESC"
        if let match = TrackQuery(text: text).matchExpression {
            from = "tracks_fts JOIN tracks AS t ON t.rowid = tracks_fts.rowid"
            condition += " AND tracks_fts MATCH ?"
            bindings.append(match)
            order = "bm25(tracks_fts, 10.0, 5.0, 3.0, 1.0), t.created_at DESC, t.rowid DESC"
        } else if text != nil {
            condition += " AND 0"  // words made only of punctuation match nothing, as in the REST search
        }
        return try connection.query(
            "SELECT \(SQLiteTrackRepository.columns) FROM \(from) WHERE \(condition) ORDER BY \(order) LIMIT ? OFFSET ?",
            bindings + [max(limit, 0), max(offset, 0)], row: SQLiteTrackRepository.track)
    }

    func tracks(_ scope: TrackScope, genre: String, limit: Int, offset: Int) throws -> [Track] {
        let (condition, bindings) = Self.visible(scope)
        return try connection.query(
            """
            SELECT \(SQLiteTrackRepository.columns) FROM tracks AS t WHERE \(condition) AND t.genre = ? COLLATE NOCASE
            ORDER BY t.artist COLLATE NOCASE, t.album COLLATE NOCASE, t.track_number, t.rowid LIMIT ? OFFSET ?
            """,
            bindings + [genre, max(limit, 0), max(offset, 0)], row: SQLiteTrackRepository.track)
    }

    func randomTracks(_ scope: TrackScope, genre: String?, years: ClosedRange<Int>?, limit: Int) throws -> [Track] {
        var (condition, bindings) = Self.visible(scope)
        if let genre {
            condition += " AND t.genre = ? COLLATE NOCASE"
            bindings.append(genre)
        }
        if let years {
            condition += " AND t.year BETWEEN ? AND ?"
            bindings += [years.lowerBound, years.upperBound]
        }
        return try connection.query(
            "SELECT \(SQLiteTrackRepository.columns) FROM tracks AS t WHERE \(condition) ORDER BY random() LIMIT ?",
            bindings + [max(limit, 0)], row: SQLiteTrackRepository.track)
    }

    func genres(_ scope: TrackScope) throws -> [GenreGroup] {
        let (condition, bindings) = Self.visible(scope)
        return try connection.query(
            """
            SELECT MIN(t.genre) AS genre, COUNT(*) AS track_count,
                   COUNT(DISTINCT lower(\(Self.artistKey)) || x'1f' || lower(\(Self.albumKey))) AS album_count
            FROM tracks AS t WHERE \(condition) AND t.genre IS NOT NULL AND t.genre <> ''
            GROUP BY t.genre COLLATE NOCASE ORDER BY genre COLLATE NOCASE
            """,
            bindings
        ) { row in
            GenreGroup(name: try row.string(named: "genre") ?? "", trackCount: try row.int(named: "track_count"),
                       albumCount: try row.int(named: "album_count"))
        }
    }

    private static func album(_ row: SQLiteStatement) throws -> AlbumGroup {
        AlbumGroup(
            artist: try row.string(named: "artist") ?? "", name: try row.string(named: "album") ?? "",
            trackCount: try row.int(named: "track_count"), durationSeconds: try row.double(named: "duration"),
            createdAt: try row.date(named: "created_at"),
            year: try row.isNull(named: "year") ? nil : try row.int(named: "year"),
            genre: try row.string(named: "genre"))
    }
}
