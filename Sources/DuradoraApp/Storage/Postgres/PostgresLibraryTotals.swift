/// `album_totals` and `artist_totals` on PostgreSQL: the same tables and the same recount statements as
/// `SQLiteLibraryTotals` (read it for why they exist), kept by PL/pgSQL triggers on `tracks` and `albums`.
///
/// Row triggers here fire at the end of the statement rather than per row as in SQLite; each recount reads the
/// tables as they are then, so the result is the same whatever the order.
enum PostgresLibraryTotals {
    static let sql = """
        CREATE TABLE album_totals (
            album_id         text COLLATE "C" PRIMARY KEY REFERENCES albums (id) ON DELETE CASCADE,
            artist_id        text COLLATE "C",
            track_count      bigint NOT NULL,
            duration_seconds double precision NOT NULL,
            year             bigint,
            genre            text COLLATE "C",
            cover_hash       text COLLATE "C"
        );
        CREATE INDEX album_totals_artist ON album_totals (artist_id);
        CREATE INDEX album_totals_year ON album_totals ((year IS NULL), year);
        CREATE TABLE artist_totals (
            artist_id   text COLLATE "C" PRIMARY KEY REFERENCES artists (id) ON DELETE CASCADE,
            album_count bigint NOT NULL,
            track_count bigint NOT NULL,
            cover_hash  text COLLATE "C"
        );

        -- Recounts one album (from its public tracks) and then one artist (from its albums' totals and its public
        -- album-less tracks); NULL skips either.
        CREATE FUNCTION duradora_recount(p_album text, p_artist text) RETURNS void LANGUAGE plpgsql AS $$
        BEGIN
            IF p_album IS NOT NULL THEN
                DELETE FROM album_totals WHERE album_id = p_album;
                INSERT INTO album_totals (album_id, artist_id, track_count, duration_seconds, year, genre, cover_hash)
                    SELECT album_id, MIN(artist_id), \(albumSums)
                    FROM tracks WHERE album_id = p_album AND visibility = 'public' GROUP BY album_id;
            END IF;
            IF p_artist IS NOT NULL THEN
                DELETE FROM artist_totals WHERE artist_id = p_artist;
                INSERT INTO artist_totals (artist_id, album_count, track_count, cover_hash)
                    SELECT artist_id, COUNT(album_id), SUM(track_count), MAX(cover_hash) FROM (
                        SELECT s.artist_id, s.album_id, s.track_count, COALESCE(a.cover_hash, s.cover_hash) AS cover_hash
                        FROM album_totals AS s JOIN albums AS a ON a.id = s.album_id WHERE s.artist_id = p_artist
                        UNION ALL
                        SELECT artist_id, NULL, 1, cover_hash FROM tracks
                        WHERE artist_id = p_artist AND album_id IS NULL AND visibility = 'public'
                    ) AS items GROUP BY artist_id;
            END IF;
        END $$;

        CREATE FUNCTION tracks_totals() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP IN ('DELETE', 'UPDATE') THEN PERFORM duradora_recount(OLD.album_id, OLD.artist_id); END IF;
            IF TG_OP IN ('INSERT', 'UPDATE') THEN PERFORM duradora_recount(NEW.album_id, NEW.artist_id); END IF;
            RETURN NULL;
        END $$;
        CREATE TRIGGER tracks_totals_insert AFTER INSERT ON tracks
            FOR EACH ROW WHEN (NEW.visibility = 'public') EXECUTE FUNCTION tracks_totals();
        CREATE TRIGGER tracks_totals_delete AFTER DELETE ON tracks
            FOR EACH ROW WHEN (OLD.visibility = 'public') EXECUTE FUNCTION tracks_totals();
        -- The repository's update sets every column: only a change of what the totals read recounts.
        CREATE TRIGGER tracks_totals_update
            AFTER UPDATE OF album_id, artist_id, visibility, duration_seconds, year, genre, cover_hash ON tracks
            FOR EACH ROW WHEN ((OLD.visibility = 'public' OR NEW.visibility = 'public') AND (\(changed)))
            EXECUTE FUNCTION tracks_totals();

        CREATE FUNCTION albums_totals_cover() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            PERFORM duradora_recount(NULL, NEW.artist_id);
            RETURN NULL;
        END $$;
        CREATE TRIGGER albums_totals_cover AFTER UPDATE OF cover_hash ON albums
            FOR EACH ROW WHEN (OLD.cover_hash IS DISTINCT FROM NEW.cover_hash) EXECUTE FUNCTION albums_totals_cover();
        """

    private static let counted = ["album_id", "artist_id", "visibility", "duration_seconds", "year", "genre",
                                  "cover_hash"]
    private static let changed = counted.map { "OLD.\($0) IS DISTINCT FROM NEW.\($0)" }.joined(separator: " OR ")

    /// The sums of an album's tracks, as `album_totals` and `ownAlbums` hold them (SQLite's `TOTAL` is a float
    /// that is 0 for no rows: `COALESCE(SUM(…), 0)` of a double column).
    private static let albumSums = """
        COUNT(*) AS track_count, COALESCE(SUM(duration_seconds), 0)::float8 AS duration_seconds, MAX(year) AS year,
        MIN(genre) AS genre, MAX(cover_hash) AS cover_hash
        """
}
