/// What the public tracks of each album and artist add up to, stored (`album_totals`, `artist_totals`, migration 11)
/// so that a list page reads one row per album instead of aggregating the whole library per request.
///
/// Kept by triggers on `tracks` (and on an album's uploaded cover), in the writing transaction: every write path —
/// uploads, edits, imports, deletes, foreign-key cascades — goes through them, so the totals cannot drift from the
/// tracks, and no repository code has to remember them. A trigger recomputes the one album (an index range over
/// its tracks, ~10 rows) and then its artist (a range over the artist's album totals plus its album-less tracks),
/// never the library. The caller's own private and `link` tracks are added at query time (`LibraryTotals`: a
/// partial index holds only non-public tracks, usually none).
enum SQLiteLibraryTotals {
    /// Migration 11.
    static let sql = """
        CREATE TABLE album_totals (
            album_id         TEXT PRIMARY KEY NOT NULL REFERENCES albums (id) ON DELETE CASCADE,
            artist_id        TEXT,                        -- the tracks' (the same as the album's)
            track_count      INTEGER NOT NULL,            -- > 0: an album without public tracks has no row
            duration_seconds REAL NOT NULL,
            year             INTEGER,                     -- the greatest
            genre            TEXT,                        -- the least, as the list pages show one
            cover_hash       TEXT                         -- the greatest embedded or folder picture
        ) WITHOUT ROWID;
        CREATE INDEX album_totals_artist ON album_totals (artist_id);
        CREATE INDEX album_totals_year ON album_totals (year IS NULL, year);  -- sort=year, nulls last
        CREATE TABLE artist_totals (
            artist_id   TEXT PRIMARY KEY NOT NULL REFERENCES artists (id) ON DELETE CASCADE,
            album_count INTEGER NOT NULL,
            track_count INTEGER NOT NULL,
            cover_hash  TEXT                              -- the greatest of its albums' covers and loose tracks'
        ) WITHOUT ROWID;

        -- Every list sort on album or artist columns is an index walk that stops after the page.
        DROP INDEX albums_name_key;
        CREATE INDEX albums_name ON albums (name_key, id);
        CREATE INDEX albums_newest ON albums (created_at DESC, id);
        CREATE INDEX artists_newest ON artists (created_at DESC, id);
        -- The caller's own non-public tracks (added to the public totals at query time), and the tracks filed
        -- under an artist but no album (an artist's recount reads these rather than all its tracks).
        CREATE INDEX tracks_unlisted ON tracks (owner_id, album_id) WHERE visibility <> 'public';
        CREATE INDEX tracks_loose ON tracks (artist_id) WHERE album_id IS NULL;

        \(albumRecount(album: "album_id IS NOT NULL"))
        \(artistRecount(artist: "IS NOT NULL"))

        CREATE TRIGGER tracks_totals_insert AFTER INSERT ON tracks WHEN new.visibility = 'public' BEGIN
            \(recount("new"))
        END;
        CREATE TRIGGER tracks_totals_delete AFTER DELETE ON tracks WHEN old.visibility = 'public' BEGIN
            \(recount("old"))
        END;
        -- The repository's update sets every column: only a change of what the totals read recounts.
        CREATE TRIGGER tracks_totals_update
        AFTER UPDATE OF album_id, artist_id, visibility, duration_seconds, year, genre, cover_hash ON tracks
        WHEN (old.visibility = 'public' OR new.visibility = 'public') AND (\(changed)) BEGIN
            \(recount("old"))
            \(recount("new"))
        END;
        CREATE TRIGGER albums_totals_cover AFTER UPDATE OF cover_hash ON albums
        WHEN old.cover_hash IS NOT new.cover_hash BEGIN
            DELETE FROM artist_totals WHERE artist_id = new.artist_id;
            \(artistRecount(artist: "= new.artist_id"))
        END;
        """

    private static let counted = ["album_id", "artist_id", "visibility", "duration_seconds", "year", "genre",
                                  "cover_hash"]
    private static let changed = counted.map { "old.\($0) IS NOT new.\($0)" }.joined(separator: " OR ")

    /// Recounts the album and then the artist of the `row` ("old" or "new") of a trigger.
    private static func recount(_ row: String) -> String {
        """
        DELETE FROM album_totals WHERE album_id = \(row).album_id;
            \(albumRecount(album: "album_id = \(row).album_id"))
            DELETE FROM artist_totals WHERE artist_id = \(row).artist_id;
            \(artistRecount(artist: "= \(row).artist_id"))
        """
    }

    /// The sums of an album's tracks, as `album_totals` holds them (`LibraryTotals` adds the same at query time).
    private static let albumSums = """
        COUNT(*) AS track_count, TOTAL(duration_seconds) AS duration_seconds, MAX(year) AS year,
        MIN(genre) AS genre, MAX(cover_hash) AS cover_hash
        """

    /// Inserts the totals of the albums whose public tracks match `album` (a condition on `tracks`).
    private static func albumRecount(album: String) -> String {
        """
        INSERT INTO album_totals (album_id, artist_id, track_count, duration_seconds, year, genre, cover_hash)
            SELECT album_id, MIN(artist_id), \(albumSums)
            FROM tracks WHERE \(album) AND visibility = 'public' GROUP BY album_id;
        """
    }

    /// Inserts the totals of the artists whose id matches `artist` ("= new.artist_id", "IS NOT NULL"): from their
    /// albums' totals (an uploaded album cover counts for every track of it) and their public album-less tracks.
    private static func artistRecount(artist: String) -> String {
        """
        INSERT INTO artist_totals (artist_id, album_count, track_count, cover_hash)
            SELECT artist_id, COUNT(album_id), SUM(track_count), MAX(cover_hash) FROM (
                SELECT s.artist_id, s.album_id, s.track_count, COALESCE(a.cover_hash, s.cover_hash) AS cover_hash
                FROM album_totals AS s JOIN albums AS a ON a.id = s.album_id WHERE s.artist_id \(artist)
                UNION ALL
                SELECT artist_id, NULL, 1, cover_hash FROM tracks
                WHERE artist_id \(artist) AND album_id IS NULL AND visibility = 'public'
            ) GROUP BY artist_id;
        """
    }
}
