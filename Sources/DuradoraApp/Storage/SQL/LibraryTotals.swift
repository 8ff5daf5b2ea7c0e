/// The query-time side of the stored album and artist totals (`album_totals`, `artist_totals`: `SQLiteLibraryTotals`
/// says why they exist, `PostgresLibraryTotals` how PostgreSQL keeps them): what the public totals leave out of what
/// a viewer sees, their own non-public tracks, added per request. `?1` is the viewer.
enum LibraryTotals {
    /// The sums of an album's tracks, as `album_totals` holds them.
    private static func albumSums(_ dialect: SQLDialect) -> String {
        """
        COUNT(*) AS track_count, \(dialect.sumOfReals("duration_seconds")) AS duration_seconds, MAX(year) AS year,
        MIN(genre) AS genre, MAX(cover_hash) AS cover_hash
        """
    }

    /// Per album, the viewer's own non-public tracks.
    static func ownAlbums(_ dialect: SQLDialect) -> String {
        """
        SELECT album_id, \(albumSums(dialect)) FROM tracks
        WHERE owner_id = ?1 AND visibility <> 'public' AND album_id IS NOT NULL GROUP BY album_id
        """
    }

    /// Per artist, the viewer's own non-public tracks; `album_count` counts only albums with no public track
    /// (the others are in `artist_totals` already).
    static var ownArtists: String {
        """
        SELECT t.artist_id, COUNT(*) AS track_count,
               COUNT(DISTINCT CASE WHEN NOT EXISTS (SELECT 1 FROM album_totals AS x WHERE x.album_id = t.album_id)
                                   THEN t.album_id END) AS album_count,
               MAX(COALESCE(a.cover_hash, t.cover_hash)) AS cover_hash
        FROM tracks AS t LEFT JOIN albums AS a ON a.id = t.album_id
        WHERE t.owner_id = ?1 AND t.visibility <> 'public' AND t.artist_id IS NOT NULL GROUP BY t.artist_id
        """
    }

    /// How many albums or artists (`kind`) the viewer `?1` sees: those with a public track, plus their own that
    /// have none. Two counts over small tables, never over the tracks.
    static func total(of kind: String, _ dialect: SQLDialect) -> String {
        """
        WITH own AS (\(kind == "album" ? ownAlbums(dialect) : ownArtists))
        SELECT (SELECT COUNT(*) FROM \(kind)_totals) + (SELECT COUNT(*) FROM own AS o
            WHERE NOT EXISTS (SELECT 1 FROM \(kind)_totals AS s WHERE s.\(kind)_id = o.\(kind)_id))
        """
    }

    /// The sum of a public total `s.column` and an own one `o.column`, either possibly missing.
    static func sum(_ column: String) -> String {
        "COALESCE(s.\(column), 0) + COALESCE(o.\(column), 0) AS \(column)"
    }

    /// The greater (`MAX`) or lesser (`MIN`) of `s.column` and `o.column`, ignoring a missing one.
    static func extreme(_ function: String, _ column: String, _ dialect: SQLDialect) -> String {
        dialect.extreme(function, "s.\(column)", "o.\(column)")
    }
}
