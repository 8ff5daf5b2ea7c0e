/// Applies `Migration`s to a SQLite file, recording progress in `PRAGMA user_version`.
struct SQLiteMigrator {
    let migrations: [Migration]

    init(migrations: [Migration]) {
        precondition(
            migrations.enumerated().allSatisfy { $0.element.version == $0.offset + 1 },
            "migration versions must be 1, 2, 3, … in order"
        )
        self.migrations = migrations
    }

    var latestVersion: Int { migrations.last?.version ?? 0 }

    func currentVersion(of connection: SQLiteConnection) throws -> Int {
        try connection.scalarInt("PRAGMA user_version")
    }

    /// Throws `StorageError.schemaTooNew` when the file was written by a newer binary.
    func refuseNewerSchema(of connection: SQLiteConnection) throws {
        let found = try currentVersion(of: connection)
        if found > latestVersion { throw StorageError.schemaTooNew(found: found, supported: latestVersion) }
    }

    /// Applies every missing step, each in its own `BEGIN IMMEDIATE` transaction together with its version bump,
    /// so a failed step leaves the schema at the previous version.
    func migrate(_ connection: SQLiteConnection) throws -> MigrationReport {
        try refuseNewerSchema(of: connection)
        let start = try currentVersion(of: connection)
        var applied: [String] = []
        for migration in migrations where migration.version > start {
            let didApply = try connection.transaction(.immediate) { () throws -> Bool in
                // Read again under the write lock: another process may have migrated meanwhile.
                try refuseNewerSchema(of: connection)
                guard try currentVersion(of: connection) < migration.version else { return false }
                try connection.executeScript(migration.sql)
                try migration.backfill?(connection)
                try connection.executeScript("PRAGMA user_version = \(migration.version)")
                return true
            }
            if didApply { applied.append(migration.name) }
        }
        return MigrationReport(fromVersion: start, toVersion: try currentVersion(of: connection), applied: applied)
    }
}
