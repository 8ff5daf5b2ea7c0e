import Foundation

/// One schema step on PostgreSQL. Versions follow SQLite's (`Migrations.sqlite`): the first step brings an empty
/// database to the equivalent of SQLite's version 14 at once; every later step is numbered from 15, the same
/// number in both backends, so `schemaTooNew` means the same thing on either.
public struct PostgresMigration: Sendable {
    public let version: Int
    public let name: String
    public let sql: String

    public init(version: Int, name: String, sql: String) {
        self.version = version
        self.name = name
        self.sql = sql
    }
}

/// The ordered PostgreSQL steps. Append only: never edit or reorder a step that has shipped.
public enum PostgresMigrations {
    public static let all: [PostgresMigration] = [
        PostgresMigration(version: 14, name: "schema of SQLite version 14", sql: PostgresSchema.sql),
        PostgresMigration(version: 15, name: "background encodes claimed by an instance", sql: EncodeClaimSchema.sql),
        PostgresMigration(version: 16, name: "login attempts shared by instances", sql: LoginAttemptSchema.sql),
        PostgresMigration(version: 17, name: "leases for work one instance does at a time", sql: LeaseSchema.sql),
        PostgresMigration(version: 18, name: "newest tracks index in the list's order (PostgreSQL only)", sql: """
            -- The newest-first list orders `created_at DESC, visibility DESC, owner_id DESC NULLS LAST, rowid DESC`
            -- (SQLite's order). An index of exactly that, walked backwards, lets a deep page (Subsonic's empty-query
            -- sync) skip its offset in the index: 27 -> 17 ms at offset 50 000 of 100 000 tracks.
            DROP INDEX tracks_newest;
            CREATE INDEX tracks_newest ON tracks (created_at, visibility, owner_id NULLS FIRST, rowid);
            """),
    ]
}

/// Applies `PostgresMigration`s, recording each in `duradora_schema` (the version is its greatest row).
///
/// The whole run holds a session-level advisory lock: instances starting together against one database queue
/// up here, and each after the first finds the schema current. DDL is transactional in PostgreSQL, so each step
/// and its version row commit together or not at all.
struct PostgresMigrator {
    let migrations: [PostgresMigration]

    /// `pg_advisory_lock` key of migrations ("duradora" in ASCII, then 1); writes use another.
    static let lockKey: Int64 = 0x6475_7261_646f_7201

    init(migrations: [PostgresMigration]) {
        precondition(zip(migrations, migrations.dropFirst()).allSatisfy { $0.version + 1 == $1.version },
                     "migration versions must follow each other")
        self.migrations = migrations
    }

    var latestVersion: Int { migrations.last?.version ?? 0 }

    /// The recorded version; 0 for a database Duradora never migrated.
    func currentVersion(of connection: PostgresConnection) throws -> Int {
        let exists = try connection.scalarInt("SELECT to_regclass('duradora_schema') IS NOT NULL")
        guard exists == 1 else { return 0 }
        return try connection.scalarInt("SELECT COALESCE(MAX(version), 0) FROM duradora_schema")
    }

    func refuseNewerSchema(of connection: PostgresConnection) throws {
        let found = try currentVersion(of: connection)
        if found > latestVersion { throw StorageError.schemaTooNew(found: found, supported: latestVersion) }
    }

    func migrate(_ connection: PostgresConnection) throws -> MigrationReport {
        try connection.query("SELECT pg_advisory_lock($1)", [Self.lockKey])
        defer { _ = try? connection.query("SELECT pg_advisory_unlock($1)", [Self.lockKey]) }
        try connection.simple("""
            CREATE TABLE IF NOT EXISTS duradora_schema (
                version    bigint PRIMARY KEY,
                name       text NOT NULL,
                applied_at bigint NOT NULL
            )
            """)
        try refuseNewerSchema(of: connection)
        let start = try currentVersion(of: connection)
        var applied: [String] = []
        for migration in migrations where migration.version > start {
            try connection.transaction {
                try connection.simple(migration.sql)
                try connection.execute("INSERT INTO duradora_schema (version, name, applied_at) VALUES ($1, $2, $3)",
                                       [migration.version, migration.name, Date()])
            }
            applied.append(migration.name)
        }
        return MigrationReport(fromVersion: start, toVersion: try currentVersion(of: connection), applied: applied)
    }
}
