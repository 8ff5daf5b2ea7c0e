/// One step of the schema, applied once, in its own transaction, and recorded as the schema's version.
public struct Migration: Sendable {
    /// 1, 2, 3, …: a step's version is its position in the list.
    public let version: Int
    public let name: String
    public let sql: String
    /// Runs after `sql`, in the same transaction, for what SQL alone cannot compute (Unicode normalisation).
    public let backfill: (@Sendable (SQLiteConnection) throws -> Void)?

    public init(version: Int, name: String, sql: String, backfill: (@Sendable (SQLiteConnection) throws -> Void)? = nil) {
        self.version = version
        self.name = name
        self.sql = sql
        self.backfill = backfill
    }
}

/// The ordered schema steps. Append only: never edit or reorder a step that has shipped.
public enum Migrations {
    public static let sqlite: [Migration] = [
        Migration(version: 1, name: "users and tokens", sql: """
            CREATE TABLE users (
                id            TEXT PRIMARY KEY NOT NULL,                -- UUID v4, lower case
                username      TEXT NOT NULL COLLATE NOCASE,
                role          TEXT NOT NULL CHECK (role IN ('admin', 'user')),
                password_hash TEXT,                                     -- Argon2id string; NULL: token-only user
                created_at    INTEGER NOT NULL                          -- ms since 1970, UTC
            );
            CREATE UNIQUE INDEX users_username ON users (username COLLATE NOCASE);

            CREATE TABLE tokens (
                id           TEXT PRIMARY KEY NOT NULL,
                user_id      TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
                kind         TEXT NOT NULL CHECK (kind IN ('api', 'access', 'refresh')),
                token_hash   BLOB NOT NULL UNIQUE,                      -- SHA-256 of the token; never the token
                family_id    TEXT,                                      -- one login's access and refresh tokens
                expires_at   INTEGER,                                   -- NULL: until revoked
                revoked_at   INTEGER,
                created_at   INTEGER NOT NULL,
                last_used_at INTEGER
            );
            """),
        Migration(version: 2, name: "token indexes", sql: """
            CREATE INDEX tokens_user_id ON tokens (user_id);
            CREATE INDEX tokens_family_id ON tokens (family_id) WHERE family_id IS NOT NULL;
            CREATE INDEX tokens_expires_at ON tokens (expires_at) WHERE expires_at IS NOT NULL;
            """),
        Migration(version: 3, name: "tracks and their full-text index", sql: """
            CREATE TABLE tracks (
                id               TEXT PRIMARY KEY NOT NULL,              -- UUID v4, lower case
                owner_id         TEXT REFERENCES users (id) ON DELETE SET NULL,  -- NULL: owner deleted, track kept
                title            TEXT,
                artist           TEXT,
                album            TEXT,
                genre            TEXT,
                year             INTEGER,
                track_number     INTEGER,
                visibility       TEXT NOT NULL CHECK (visibility IN ('public', 'link', 'private')),
                status           TEXT NOT NULL CHECK (status IN ('empty', 'processing', 'ready', 'failed')),
                error            TEXT,
                duration_seconds REAL,                                   -- NULL until there is audio
                sample_rate      INTEGER,
                channels         INTEGER,
                bitrate          INTEGER,
                size_bytes       INTEGER,
                file_tag         TEXT,                                   -- renewed on every write of the file: the ETag
                created_at       INTEGER NOT NULL,
                updated_at       INTEGER NOT NULL
            );
            CREATE INDEX tracks_owner ON tracks (owner_id, created_at);
            CREATE INDEX tracks_visibility ON tracks (visibility, created_at);

            -- External-content FTS5 index over the searchable columns, kept in step by triggers.
            CREATE VIRTUAL TABLE tracks_fts USING fts5 (
                title, artist, album, genre,
                content = 'tracks', content_rowid = 'rowid', tokenize = 'unicode61 remove_diacritics 2'
            );
            CREATE TRIGGER tracks_fts_insert AFTER INSERT ON tracks BEGIN
                INSERT INTO tracks_fts (rowid, title, artist, album, genre)
                VALUES (new.rowid, new.title, new.artist, new.album, new.genre);
            END;
            CREATE TRIGGER tracks_fts_delete AFTER DELETE ON tracks BEGIN
                INSERT INTO tracks_fts (tracks_fts, rowid, title, artist, album, genre)
                VALUES ('delete', old.rowid, old.title, old.artist, old.album, old.genre);
            END;
            CREATE TRIGGER tracks_fts_update AFTER UPDATE OF title, artist, album, genre ON tracks BEGIN
                INSERT INTO tracks_fts (tracks_fts, rowid, title, artist, album, genre)
                VALUES ('delete', old.rowid, old.title, old.artist, old.album, old.genre);
                INSERT INTO tracks_fts (rowid, title, artist, album, genre)
                VALUES (new.rowid, new.title, new.artist, new.album, new.genre);
            END;
            """),
        Migration(version: 4, name: "playlists and their entries", sql: """
            CREATE TABLE playlists (
                id          TEXT PRIMARY KEY NOT NULL,                  -- UUID v4, lower case
                owner_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
                name        TEXT NOT NULL,
                description TEXT,
                visibility  TEXT NOT NULL CHECK (visibility IN ('public', 'link', 'private')),
                share_token TEXT UNIQUE,                                -- only while visibility = 'link'
                created_at  INTEGER NOT NULL,
                updated_at  INTEGER NOT NULL,
                CHECK ((visibility = 'link') = (share_token IS NOT NULL))
            );
            CREATE INDEX playlists_owner ON playlists (owner_id, created_at);
            CREATE INDEX playlists_visibility ON playlists (visibility, created_at);

            -- One row per entry: the same track may appear twice. Positions are 0, 1, 2, … per playlist (dense);
            -- not a unique index, because shifting a range by one is not checked row by row atomically.
            CREATE TABLE playlist_entries (
                id          TEXT PRIMARY KEY NOT NULL,
                playlist_id TEXT NOT NULL REFERENCES playlists (id) ON DELETE CASCADE,
                track_id    TEXT NOT NULL REFERENCES tracks (id) ON DELETE CASCADE,
                position    INTEGER NOT NULL CHECK (position >= 0),
                added_at    INTEGER NOT NULL
            );
            CREATE INDEX playlist_entries_order ON playlist_entries (playlist_id, position);
            CREATE INDEX playlist_entries_track ON playlist_entries (track_id);

            -- Keeps positions dense whenever an entry goes, including by cascade when its track is deleted.
            -- Skipped when the whole playlist is being deleted (its row is already gone by then).
            CREATE TRIGGER playlist_entries_close_gap AFTER DELETE ON playlist_entries
            WHEN EXISTS (SELECT 1 FROM playlists WHERE id = old.playlist_id) BEGIN
                UPDATE playlist_entries SET position = position - 1
                WHERE playlist_id = old.playlist_id AND position > old.position;
            END;
            """),
        Migration(version: 5, name: "app passwords", sql: """
            -- Per-client passwords for apps that cannot log in (Subsonic). Token auth needs the clear secret on the
            -- server, so it is kept sealed (libsodium secretbox, key in auth.secret_key_file), never as a hash;
            -- lookup_hash (SHA-256 of the password, a 160-bit random secret) finds an apiKey without unsealing all.
            CREATE TABLE app_passwords (
                id          TEXT PRIMARY KEY NOT NULL,                  -- UUID v4, lower case
                user_id     TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
                name        TEXT NOT NULL,
                sealed      BLOB NOT NULL,                              -- nonce || secretbox(password)
                lookup_hash BLOB NOT NULL UNIQUE,
                created_at  INTEGER NOT NULL
            );
            CREATE INDEX app_passwords_user ON app_passwords (user_id, created_at);

            -- Subsonic's saved play queue: one per user, its entries in order.
            CREATE TABLE play_queues (
                user_id     TEXT PRIMARY KEY NOT NULL REFERENCES users (id) ON DELETE CASCADE,
                current_id  TEXT,                                       -- a track id, as the client sent it
                position_ms INTEGER NOT NULL DEFAULT 0,
                changed_at  INTEGER NOT NULL,
                changed_by  TEXT NOT NULL
            );
            CREATE TABLE play_queue_entries (
                user_id  TEXT NOT NULL REFERENCES play_queues (user_id) ON DELETE CASCADE,
                position INTEGER NOT NULL,
                track_id TEXT NOT NULL REFERENCES tracks (id) ON DELETE CASCADE,
                PRIMARY KEY (user_id, position)
            );
            """),
        Migration(version: 6, name: "library: artists, albums, favourites, ratings, plays", sql: LibrarySchema.sql,
                  backfill: LibrarySchema.fileExistingTracks),
        Migration(version: 7, name: "user max_bitrate", sql: """
            -- kbps a user's streams are transcoded down to when the request names no limit; NULL = the original.
            ALTER TABLE users ADD COLUMN max_bitrate INTEGER CHECK (max_bitrate IS NULL OR max_bitrate > 0);
            """),
        Migration(version: 8, name: "external identities", sql: """
            -- An account at an external login provider ([auth.oidc.<name>]) linked to one local user, found by the
            -- provider's stable subject id (never by email, which a provider may let anyone claim).
            CREATE TABLE external_identities (
                provider   TEXT NOT NULL,                               -- the [auth.oidc.<name>] name
                subject    TEXT NOT NULL,                               -- `sub` (OIDC) or the userinfo id (OAuth 2.0)
                user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
                created_at INTEGER NOT NULL,
                PRIMARY KEY (provider, subject)
            );
            CREATE INDEX external_identities_user ON external_identities (user_id);
            """),
        Migration(version: 9, name: "album list indexes", sql: """
            -- Album lists pick a page of albums by name before aggregating their tracks; the covering index lets
            -- that aggregate count visible tracks per album without reading the rows (bench/library.py: a page at
            -- 100 000 tracks from 523 ms to 2.7 ms).
            CREATE INDEX albums_name_key ON albums (name_key);
            CREATE INDEX tracks_album_visibility ON tracks (album_id, visibility, owner_id);
            """),
        Migration(version: 10, name: "subsonic shares", sql: """
            -- Subsonic shares: a public link to a fixed list of tracks (resolved when the share is made).
            CREATE TABLE shares (
                id          TEXT PRIMARY KEY NOT NULL,                  -- UUID v4, lower case
                token       TEXT NOT NULL UNIQUE,                       -- the secret of the public URL
                owner_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
                description TEXT,
                created_at  INTEGER NOT NULL,
                expires_at  INTEGER                                     -- NULL: never
            );
            CREATE INDEX shares_owner ON shares (owner_id, created_at);
            CREATE TABLE share_entries (
                share_id TEXT NOT NULL REFERENCES shares (id) ON DELETE CASCADE,
                position INTEGER NOT NULL,
                track_id TEXT NOT NULL REFERENCES tracks (id) ON DELETE CASCADE,
                PRIMARY KEY (share_id, position)
            );
            CREATE INDEX share_entries_track ON share_entries (track_id);
            """),
        Migration(version: 11, name: "album and artist totals", sql: SQLiteLibraryTotals.sql),
        Migration(version: 12, name: "newest tracks index", sql: """
            -- The track list's order (newest first: `created_at DESC, rowid DESC`, and an index's last column is the
            -- rowid) as an index, so a page walks it backwards and stops after LIMIT + OFFSET visible rows instead
            -- of sorting every track (Subsonic's empty-query search3 sync pages: 611 M instructions a page at
            -- 10 000 tracks before).
            CREATE INDEX tracks_newest ON tracks (created_at);
            """),
        Migration(version: 13, name: "search indexes: track word prefixes, album and artist name trigrams", sql: """
            -- Every search word is a prefix ("tune"*). Without a prefix index FTS5 reads and merges the whole
            -- doclist of every term starting with it before it can intersect the words, so one common word makes
            -- any search slow ("Tune 999" over 10 000 "Tune N" titles: 5.7 M instructions). With one for 2, 3 and
            -- 4 characters a short prefix is a single seekable doclist (0.5 M); longer prefixes match few terms.
            -- The index grows about 4× (15 MB at 100 000 tracks). FTS5 options cannot be altered: rebuild.
            DROP TABLE tracks_fts;
            CREATE VIRTUAL TABLE tracks_fts USING fts5 (
                title, artist, album, genre,
                content = 'tracks', content_rowid = 'rowid', tokenize = 'unicode61 remove_diacritics 2',
                prefix = '2 3 4'
            );
            INSERT INTO tracks_fts (tracks_fts) VALUES ('rebuild');
            """ + SQLiteNameSearch.sql),
        Migration(version: 14, name: "newest tracks index covers the visibility rule", sql: """
            -- A deep page of the newest-first list (Subsonic's empty-query sync at offset 99 000 of 100 000) skipped
            -- its offset by reading each track's row for the visibility rule: 34 ms a page. With the rule's columns
            -- in the index the skipped rows are decided from the index alone (8 ms); the list's order breaks ties
            -- on created_at by these columns before the rowid, so the walk is still the index's order.
            DROP INDEX tracks_newest;
            CREATE INDEX tracks_newest ON tracks (created_at, visibility, owner_id);
            """),
        Migration(version: 15, name: "background encodes claimed by an instance", sql: EncodeClaimSchema.sql),
        Migration(version: 16, name: "login attempts shared by instances", sql: LoginAttemptSchema.sql),
        Migration(version: 17, name: "leases for work one instance does at a time", sql: LeaseSchema.sql),
        // PostgreSQL's step 18 rebuilds its newest-first index; SQLite's (migration 14) already walks as the list sorts.
        Migration(version: 18, name: "newest tracks index in the list's order (PostgreSQL only)", sql: "SELECT 1;"),
    ]
}
