/// The whole schema of SQLite's version 14 (`Migrations.sqlite` 1–14) as PostgreSQL DDL: the first step of
/// `PostgresMigrations`. Every table, CHECK, foreign key (with its cascade), unique index and trigger of the SQLite
/// steps is here; what SQLite does with its own machinery is done with PostgreSQL's:
///
/// - `COLLATE NOCASE` (ASCII-only case folding) is `duradora_nocase(text)`, an immutable `translate` of A–Z, so
///   usernames and genres compare and are unique by exactly SQLite's rule (not by a locale's `lower`).
/// - Text columns that are sorted or range-scanned are `COLLATE "C"`: byte order, as SQLite's BINARY.
/// - `rowid` (insertion order, the lists' tie-breaker) is an identity column of that name where a list uses it.
/// - FTS5 over tracks is a stored `tsvector` (`search`), words unaccented as `remove_diacritics` does, the four
///   columns weighted A–D for ranking, under a GIN index; the trigram FTS5 tables over album and artist names
///   are pg_trgm GIN indexes.
/// - Triggers (positions kept dense, album and artist totals) are PL/pgSQL functions doing the same statements.
enum PostgresSchema {
    /// Text in byte order.
    private static let text = "text COLLATE \"C\""

    static let sql = """
        CREATE EXTENSION IF NOT EXISTS pg_trgm;
        CREATE EXTENSION IF NOT EXISTS unaccent;

        -- SQLite's NOCASE: folds A-Z only. Immutable, so indexes may use it; plain SQL, so the planner inlines it.
        CREATE FUNCTION duradora_nocase(text) RETURNS text LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
            AS $$ SELECT translate($1 COLLATE "C", 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz') $$;
        -- unaccent() with its dictionary named, which makes it immutable (the stored search column needs that).
        CREATE FUNCTION duradora_unaccent(text) RETURNS text LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
            AS $$ SELECT public.unaccent('public.unaccent'::regdictionary, $1) $$;

        CREATE TABLE users (
            rowid         bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
            id            \(text) PRIMARY KEY,
            username      \(text) NOT NULL,
            role          \(text) NOT NULL CHECK (role IN ('admin', 'user')),
            password_hash text,
            created_at    bigint NOT NULL,
            max_bitrate   bigint CHECK (max_bitrate IS NULL OR max_bitrate > 0)
        );
        CREATE UNIQUE INDEX users_username_key ON users (duradora_nocase(username));

        CREATE TABLE tokens (
            id           \(text) PRIMARY KEY,
            user_id      \(text) NOT NULL REFERENCES users (id) ON DELETE CASCADE,
            kind         \(text) NOT NULL CHECK (kind IN ('api', 'access', 'refresh')),
            token_hash   bytea NOT NULL UNIQUE,
            family_id    \(text),
            expires_at   bigint,
            revoked_at   bigint,
            created_at   bigint NOT NULL,
            last_used_at bigint
        );
        CREATE INDEX tokens_user_id ON tokens (user_id);
        CREATE INDEX tokens_family_id ON tokens (family_id) WHERE family_id IS NOT NULL;
        CREATE INDEX tokens_expires_at ON tokens (expires_at) WHERE expires_at IS NOT NULL;

        CREATE TABLE artists (
            rowid      bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
            id         \(text) PRIMARY KEY,
            name       \(text) NOT NULL,
            name_key   \(text) NOT NULL UNIQUE,
            created_at bigint NOT NULL
        );
        CREATE TABLE albums (
            rowid      bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
            id         \(text) PRIMARY KEY,
            artist_id  \(text) REFERENCES artists (id),
            name       \(text) NOT NULL,
            name_key   \(text) NOT NULL,
            cover_hash \(text),
            created_at bigint NOT NULL
        );
        CREATE INDEX albums_artist ON albums (artist_id);
        CREATE INDEX albums_created ON albums (created_at);
        CREATE INDEX albums_name ON albums (name_key, id);
        CREATE INDEX albums_newest ON albums (created_at DESC, id);
        CREATE INDEX artists_newest ON artists (created_at DESC, id);
        CREATE INDEX albums_names ON albums USING gin (name_key gin_trgm_ops);
        CREATE INDEX artists_names ON artists USING gin (name_key gin_trgm_ops);

        CREATE TABLE tracks (
            rowid            bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
            id               \(text) PRIMARY KEY,
            owner_id         \(text) REFERENCES users (id) ON DELETE SET NULL,
            title            \(text),
            artist           \(text),
            album            \(text),
            genre            \(text),
            year             bigint,
            track_number     bigint,
            visibility       \(text) NOT NULL CHECK (visibility IN ('public', 'link', 'private')),
            status           \(text) NOT NULL CHECK (status IN ('empty', 'processing', 'ready', 'failed')),
            error            text,
            duration_seconds double precision,
            sample_rate      bigint,
            channels         bigint,
            bitrate          bigint,
            size_bytes       bigint,
            file_tag         text,
            created_at       bigint NOT NULL,
            updated_at       bigint NOT NULL,
            album_id         \(text) REFERENCES albums (id),
            artist_id        \(text) REFERENCES artists (id),
            album_artist     \(text),
            disc_number      bigint,
            format           \(text) NOT NULL DEFAULT 'mp3',
            source_path      \(text),
            source_size      bigint,
            source_mtime     bigint,
            cover_hash       \(text),
            search           tsvector GENERATED ALWAYS AS (
                setweight(to_tsvector('simple', duradora_unaccent(coalesce(title, ''))), 'A')
                || setweight(to_tsvector('simple', duradora_unaccent(coalesce(artist, ''))), 'B')
                || setweight(to_tsvector('simple', duradora_unaccent(coalesce(album, ''))), 'C')
                || setweight(to_tsvector('simple', duradora_unaccent(coalesce(genre, ''))), 'D')) STORED
        );
        CREATE INDEX tracks_owner ON tracks (owner_id, created_at);
        CREATE INDEX tracks_visibility ON tracks (visibility, created_at);
        CREATE INDEX tracks_search ON tracks USING gin (search);
        CREATE INDEX tracks_album ON tracks (album_id, disc_number, track_number);
        CREATE INDEX tracks_artist ON tracks (artist_id);
        CREATE INDEX tracks_genre ON tracks (duradora_nocase(genre));
        CREATE UNIQUE INDEX tracks_source_path_key ON tracks (source_path) WHERE source_path IS NOT NULL;
        CREATE INDEX tracks_album_visibility ON tracks (album_id, visibility, owner_id);
        CREATE INDEX tracks_newest ON tracks (created_at, visibility, owner_id);
        CREATE INDEX tracks_unlisted ON tracks (owner_id, album_id) WHERE visibility <> 'public';
        CREATE INDEX tracks_loose ON tracks (artist_id) WHERE album_id IS NULL;

        CREATE TABLE playlists (
            rowid       bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
            id          \(text) PRIMARY KEY,
            owner_id    \(text) NOT NULL REFERENCES users (id) ON DELETE CASCADE,
            name        \(text) NOT NULL,
            description text,
            visibility  \(text) NOT NULL CHECK (visibility IN ('public', 'link', 'private')),
            share_token \(text) UNIQUE,
            created_at  bigint NOT NULL,
            updated_at  bigint NOT NULL,
            CHECK ((visibility = 'link') = (share_token IS NOT NULL))
        );
        CREATE INDEX playlists_owner ON playlists (owner_id, created_at);
        CREATE INDEX playlists_visibility ON playlists (visibility, created_at);

        CREATE TABLE playlist_entries (
            id          \(text) PRIMARY KEY,
            playlist_id \(text) NOT NULL REFERENCES playlists (id) ON DELETE CASCADE,
            track_id    \(text) NOT NULL REFERENCES tracks (id) ON DELETE CASCADE,
            position    bigint NOT NULL CHECK (position >= 0),
            added_at    bigint NOT NULL
        );
        CREATE INDEX playlist_entries_order ON playlist_entries (playlist_id, position);
        CREATE INDEX playlist_entries_track ON playlist_entries (track_id);

        -- Keeps positions dense whenever entries go, including by cascade with their track. Per statement, over
        -- all the rows it deleted: a row trigger per entry would shift by stale positions when one statement
        -- deletes several entries of a playlist (PostgreSQL fires them after the statement, SQLite one by one).
        -- A whole playlist being deleted has no rows left to shift.
        CREATE FUNCTION playlist_entries_close_gap() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            UPDATE playlist_entries AS e
            SET position = e.position - (SELECT COUNT(*) FROM gone AS g
                                         WHERE g.playlist_id = e.playlist_id AND g.position < e.position)
            WHERE e.playlist_id IN (SELECT playlist_id FROM gone);
            RETURN NULL;
        END $$;
        CREATE TRIGGER playlist_entries_close_gap AFTER DELETE ON playlist_entries
            REFERENCING OLD TABLE AS gone FOR EACH STATEMENT EXECUTE FUNCTION playlist_entries_close_gap();

        CREATE TABLE app_passwords (
            rowid       bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
            id          \(text) PRIMARY KEY,
            user_id     \(text) NOT NULL REFERENCES users (id) ON DELETE CASCADE,
            name        text NOT NULL,
            sealed      bytea NOT NULL,
            lookup_hash bytea NOT NULL UNIQUE,
            created_at  bigint NOT NULL
        );
        CREATE INDEX app_passwords_user ON app_passwords (user_id, created_at);

        CREATE TABLE play_queues (
            user_id     \(text) PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
            current_id  \(text),
            position_ms bigint NOT NULL DEFAULT 0,
            changed_at  bigint NOT NULL,
            changed_by  text NOT NULL
        );
        CREATE TABLE play_queue_entries (
            user_id  \(text) NOT NULL REFERENCES play_queues (user_id) ON DELETE CASCADE,
            position bigint NOT NULL,
            track_id \(text) NOT NULL REFERENCES tracks (id) ON DELETE CASCADE,
            PRIMARY KEY (user_id, position)
        );

        \(starTables)
        CREATE TABLE ratings (
            user_id  \(text) NOT NULL REFERENCES users (id) ON DELETE CASCADE,
            track_id \(text) NOT NULL REFERENCES tracks (id) ON DELETE CASCADE,
            rating   bigint NOT NULL CHECK (rating BETWEEN 1 AND 5),
            PRIMARY KEY (user_id, track_id)
        );
        CREATE INDEX ratings_track ON ratings (track_id);
        CREATE TABLE plays (
            rowid     bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
            user_id   \(text) NOT NULL REFERENCES users (id) ON DELETE CASCADE,
            track_id  \(text) NOT NULL REFERENCES tracks (id) ON DELETE CASCADE,
            played_at bigint NOT NULL
        );
        CREATE INDEX plays_user ON plays (user_id, played_at);
        CREATE INDEX plays_track ON plays (track_id);
        CREATE TABLE play_counts (
            user_id        \(text) NOT NULL REFERENCES users (id) ON DELETE CASCADE,
            track_id       \(text) NOT NULL REFERENCES tracks (id) ON DELETE CASCADE,
            play_count     bigint NOT NULL,
            last_played_at bigint NOT NULL,
            PRIMARY KEY (user_id, track_id)
        );
        CREATE INDEX play_counts_track ON play_counts (track_id);

        CREATE TABLE external_identities (
            provider   \(text) NOT NULL,
            subject    \(text) NOT NULL,
            user_id    \(text) NOT NULL REFERENCES users (id) ON DELETE CASCADE,
            created_at bigint NOT NULL,
            PRIMARY KEY (provider, subject)
        );
        CREATE INDEX external_identities_user ON external_identities (user_id);

        CREATE TABLE shares (
            id          \(text) PRIMARY KEY,
            token       \(text) NOT NULL UNIQUE,
            owner_id    \(text) NOT NULL REFERENCES users (id) ON DELETE CASCADE,
            description text,
            created_at  bigint NOT NULL,
            expires_at  bigint
        );
        CREATE INDEX shares_owner ON shares (owner_id, created_at);
        CREATE TABLE share_entries (
            share_id \(text) NOT NULL REFERENCES shares (id) ON DELETE CASCADE,
            position bigint NOT NULL,
            track_id \(text) NOT NULL REFERENCES tracks (id) ON DELETE CASCADE,
            PRIMARY KEY (share_id, position)
        );
        CREATE INDEX share_entries_track ON share_entries (track_id);

        \(PostgresLibraryTotals.sql)
        """

    /// One star table per kind of item, each cascading with its item (as `LibrarySchema.starTables`).
    private static let starTables = [("track_stars", "tracks"), ("album_stars", "albums"), ("artist_stars", "artists")]
        .map { table, items in
            """
            CREATE TABLE \(table) (
                user_id    \(text) NOT NULL REFERENCES users (id) ON DELETE CASCADE,
                item_id    \(text) NOT NULL REFERENCES \(items) (id) ON DELETE CASCADE,
                starred_at bigint NOT NULL,
                PRIMARY KEY (user_id, item_id)
            );
            CREATE INDEX \(table)_item ON \(table) (item_id);
            """
        }.joined(separator: "\n")
}
