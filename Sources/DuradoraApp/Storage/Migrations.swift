/// One step of the schema, applied once, in its own transaction, and recorded as the schema's version.
public struct Migration: Sendable {
    /// 1, 2, 3, …: a step's version is its position in the list.
    public let version: Int
    public let name: String
    public let sql: String

    public init(version: Int, name: String, sql: String) {
        self.version = version
        self.name = name
        self.sql = sql
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
    ]
}
