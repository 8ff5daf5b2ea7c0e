/// The fixed statements and pieces of `SQLLibraryRepository`, in each dialect, made once: a library page runs the
/// same texts on every request, and on SQLite each text is also the statement cache's key (`SQLiteStatementKey`),
/// on PostgreSQL the prepared statement's. (A generic type has no stored statics, hence this value per dialect.)
/// `?1` is always the viewer (NULL when anonymous: it then matches no owner, star or play).
struct LibraryStatements: Sendable {
    static func of(_ dialect: SQLDialect) -> LibraryStatements {
        switch dialect {
        case .sqlite: sqlite
        case .postgres: postgres
        }
    }

    private static let sqlite = LibraryStatements(.sqlite)
    private static let postgres = LibraryStatements(.postgres)

    /// `LibrarySQL.visible`.
    let visible: String
    /// The albums with a public track, from their totals (`album_totals_year` walks them by year).
    let publicAlbums = "album_totals AS s JOIN albums AS a ON a.id = s.album_id"
    let ownAlbumsCTE: String
    let ownArtistsCTE: String
    /// Per album, the viewer's plays of the tracks they see (sorts `recent` and `frequent` start from these).
    let viewerPlays: String
    /// An album's year: the greatest of its public and own tracks'.
    let albumYear: String
    /// The rows of the albums whose ids are the JSON array `?2`, with their counts, the viewer's star and plays.
    let albumRows: String
    /// The rows of the artists whose ids are the JSON array `?2`.
    let artistRows: String
    let albumTotal: String
    let artistTotal: String
    /// The tracks of album `?2` the viewer sees, in disc and track order.
    let albumTracks: String
    let genres: String

    private init(_ dialect: SQLDialect) {
        let visible = LibrarySQL.visible(dialect)
        self.visible = visible
        ownAlbumsCTE = "WITH own AS (\(LibraryTotals.ownAlbums(dialect)))"
        ownArtistsCTE = "WITH own AS (\(LibraryTotals.ownArtists))"
        viewerPlays = """
            plays AS (SELECT t.album_id, \(dialect.sumOfIntegers("pc.play_count")) AS play_count,
                             MAX(pc.last_played_at) AS last_played_at
                      FROM play_counts AS pc JOIN tracks AS t ON t.id = pc.track_id
                      WHERE pc.user_id = ?1 AND \(visible) AND t.album_id IS NOT NULL GROUP BY t.album_id)
            """
        albumYear = LibraryTotals.extreme("MAX", "year", dialect)
        // The viewer's plays of the tracks of album `a` they see: `play_counts`' primary key probed per track of
        // the album (on SQLite the CROSS JOIN keeps that order: its planner would rather scan all the viewer's
        // plays, which is cheaper only while they have few).
        let albumPlays = """
            FROM tracks AS t \(dialect.orderedJoin) play_counts AS pc ON pc.user_id = ?1 AND pc.track_id = t.id
            WHERE t.album_id = a.id AND \(visible)
            """
        albumRows = """
            \(ownAlbumsCTE)
            SELECT a.id, a.name, a.artist_id, ar.name AS artist_name, a.created_at,
                   \(LibraryTotals.sum("track_count")), \(LibraryTotals.sum("duration_seconds")),
                   \(albumYear) AS year, \(LibraryTotals.extreme("MIN", "genre", dialect)) AS genre,
                   COALESCE(a.cover_hash, \(LibraryTotals.extreme("MAX", "cover_hash", dialect))) AS cover_hash,
                   (SELECT st.starred_at FROM album_stars AS st WHERE st.user_id = ?1 AND st.item_id = a.id) AS starred_at,
                   (SELECT \(dialect.sumOfIntegers("pc.play_count")) \(albumPlays)) AS play_count,
                   (SELECT MAX(pc.last_played_at) \(albumPlays)) AS last_played_at, \(dialect.text("?1")) AS viewer
            \(Self.albumSources()) AND a.id IN (SELECT j.value FROM \(dialect.jsonTextElements("?2")))
            """
        artistRows = """
            \(ownArtistsCTE)
            SELECT ar.id, ar.name, ar.created_at, \(LibraryTotals.sum("album_count")),
                   \(LibraryTotals.sum("track_count")),
                   \(LibraryTotals.extreme("MAX", "cover_hash", dialect)) AS cover_hash,
                   (SELECT st.starred_at FROM artist_stars AS st WHERE st.user_id = ?1 AND st.item_id = ar.id) AS starred_at
            \(Self.artistSources()) AND ar.id IN (SELECT j.value FROM \(dialect.jsonTextElements("?2")))
            """
        albumTotal = LibraryTotals.total(of: "album", dialect)
        artistTotal = LibraryTotals.total(of: "artist", dialect)
        albumTracks = """
            SELECT \(TrackColumn.selectList) FROM tracks AS t WHERE \(visible) AND t.album_id = ?2
            ORDER BY COALESCE(t.disc_number, 1), t.track_number IS NULL, t.track_number, t.title\(dialect.nullsFirst),
                     t.rowid
            """
        genres = """
            SELECT MIN(t.genre) AS name, COUNT(*) AS track_count, COUNT(DISTINCT t.album_id) AS album_count
            FROM tracks AS t WHERE \(visible) AND t.genre IS NOT NULL
            GROUP BY \(dialect.caseFolded("t.genre")) ORDER BY \(dialect.caseFolded("t.genre"))
            """
    }

    /// Every album with its public totals `s`, the viewer's own non-public tracks `o` (the `own` CTE of
    /// `ownAlbumsCTE`) and its artist; `driver` names a table to start from (the viewer's stars or plays) joined to
    /// `albums AS a`, else `albums AS a` alone.
    static func albumSources(driver: String = "albums AS a") -> String {
        """
        FROM \(driver)
        \(driver.hasPrefix("album_totals AS s ") ? "" : "LEFT JOIN album_totals AS s ON s.album_id = a.id")
        LEFT JOIN own AS o ON o.album_id = a.id
        LEFT JOIN artists AS ar ON ar.id = a.artist_id
        WHERE (s.album_id IS NOT NULL OR o.album_id IS NOT NULL)
        """
    }

    /// Every artist with its public totals `s` and the viewer's own non-public tracks `o`; `driver` as for albums.
    static func artistSources(driver: String = "artists AS ar") -> String {
        """
        FROM \(driver)
        LEFT JOIN artist_totals AS s ON s.artist_id = ar.id
        LEFT JOIN own AS o ON o.artist_id = ar.id
        WHERE (s.artist_id IS NOT NULL OR o.artist_id IS NOT NULL)
        """
    }
}
