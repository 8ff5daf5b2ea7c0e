/// The library's schema step (see `Migrations.sqlite`): artists and albums grouped from the tracks' tags, the
/// columns imported files need, and the per-user tables (favourites, ratings, plays).
enum LibrarySchema {
    static let sql = """
        -- Ids are LibraryKey's, derived from name_key: the same tags always give the same row.
        CREATE TABLE artists (
            id         TEXT PRIMARY KEY NOT NULL,
            name       TEXT NOT NULL,                          -- the spelling of the first track filed here
            name_key   TEXT NOT NULL UNIQUE,                   -- trimmed, NFC, lower case
            created_at INTEGER NOT NULL
        );
        CREATE TABLE albums (
            id         TEXT PRIMARY KEY NOT NULL,
            artist_id  TEXT REFERENCES artists (id),           -- NULL: tagged with an album but no artist
            name       TEXT NOT NULL,
            name_key   TEXT NOT NULL,
            cover_hash TEXT,                                   -- an uploaded cover (SHA-256 hex of the image)
            created_at INTEGER NOT NULL
        );
        CREATE INDEX albums_artist ON albums (artist_id);
        CREATE INDEX albums_created ON albums (created_at);

        ALTER TABLE tracks ADD COLUMN album_id TEXT REFERENCES albums (id);
        ALTER TABLE tracks ADD COLUMN artist_id TEXT REFERENCES artists (id);
        ALTER TABLE tracks ADD COLUMN album_artist TEXT;
        ALTER TABLE tracks ADD COLUMN disc_number INTEGER;
        ALTER TABLE tracks ADD COLUMN format TEXT NOT NULL DEFAULT 'mp3';
        ALTER TABLE tracks ADD COLUMN source_path TEXT;          -- an imported file, used in place
        ALTER TABLE tracks ADD COLUMN source_size INTEGER;       -- its size and mtime (ms) when last read:
        ALTER TABLE tracks ADD COLUMN source_mtime INTEGER;      -- a rescan skips a file whose pair is unchanged
        ALTER TABLE tracks ADD COLUMN cover_hash TEXT;           -- its embedded or folder picture
        CREATE INDEX tracks_album ON tracks (album_id, disc_number, track_number);
        CREATE INDEX tracks_artist ON tracks (artist_id);
        CREATE INDEX tracks_genre ON tracks (genre COLLATE NOCASE);
        CREATE UNIQUE INDEX tracks_source_path ON tracks (source_path) WHERE source_path IS NOT NULL;

        \(starTables)
        CREATE TABLE ratings (
            user_id  TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
            track_id TEXT NOT NULL REFERENCES tracks (id) ON DELETE CASCADE,
            rating   INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 5),
            PRIMARY KEY (user_id, track_id)
        ) WITHOUT ROWID;
        CREATE INDEX ratings_track ON ratings (track_id);

        -- Every finished play (history), and per (user, track) the running count and last time (sorting by
        -- "most played" and "recently played" reads these, never the whole history).
        CREATE TABLE plays (
            user_id   TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
            track_id  TEXT NOT NULL REFERENCES tracks (id) ON DELETE CASCADE,
            played_at INTEGER NOT NULL
        );
        CREATE INDEX plays_user ON plays (user_id, played_at);
        CREATE INDEX plays_track ON plays (track_id);
        CREATE TABLE play_counts (
            user_id        TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
            track_id       TEXT NOT NULL REFERENCES tracks (id) ON DELETE CASCADE,
            play_count     INTEGER NOT NULL,
            last_played_at INTEGER NOT NULL,
            PRIMARY KEY (user_id, track_id)
        ) WITHOUT ROWID;
        CREATE INDEX play_counts_track ON play_counts (track_id);
        """

    /// One star table per kind of item (`SQLListeningRepository` picks the table), each cascading with its item.
    private static let starTables = [("track_stars", "tracks"), ("album_stars", "albums"), ("artist_stars", "artists")]
        .map { table, items in
            """
            CREATE TABLE \(table) (
                user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
                item_id    TEXT NOT NULL REFERENCES \(items) (id) ON DELETE CASCADE,
                starred_at INTEGER NOT NULL,
                PRIMARY KEY (user_id, item_id)
            ) WITHOUT ROWID;
            CREATE INDEX \(table)_item ON \(table) (item_id);
            """
        }.joined(separator: "\n")

    /// Files every track that has tags into its artist and album (tracks from before this step).
    @Sendable static func fileExistingTracks(_ connection: SQLiteConnection) throws {
        let rows = try connection.query("SELECT id, artist, album, album_artist, created_at FROM tracks") { row in
            (id: try row.uuid(named: "id"),
             metadata: TrackMetadata(artist: try row.string(named: "artist"), album: try row.string(named: "album"),
                                     albumArtist: try row.string(named: "album_artist")),
             createdAt: try row.date(named: "created_at"))
        }
        let grouping = SQLLibraryGrouping(connection: connection)
        for row in rows {
            let (albumID, artistID) = try grouping.file(row.metadata, at: row.createdAt)
            _ = try connection.execute("UPDATE tracks SET album_id = ?, artist_id = ? WHERE id = ?",
                                       [albumID, artistID, row.id])
        }
    }
}
