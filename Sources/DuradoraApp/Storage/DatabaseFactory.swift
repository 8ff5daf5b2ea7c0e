/// Opens the `Database` that `storage.database` names: PostgreSQL for a `postgresql://` URL, else the SQLite file
/// at that path (the default). The one place that picks a backend.
public enum DatabaseFactory {
    /// Pooled PostgreSQL connections: one per worker thread (`server.worker_threads`, set by the caller) plus a
    /// couple for housekeeping (token sweeps, scans) so they never wait behind requests.
    public static let housekeepingConnections = 2

    /// Opens without migrating (a newer schema is refused).
    public static func open(_ storage: Configuration.Storage, workers: Int = 8) throws -> any Database {
        if let url = storage.postgreSQL {
            return try PostgresDatabase(url: url, options: .init(poolSize: workers + housekeepingConnections))
        }
        return try SQLiteDatabase(path: storage.database)
    }

    /// Opens and migrates: what `serve`, `user` and `import` do at start.
    public static func openAndMigrate(_ storage: Configuration.Storage, workers: Int = 8) throws -> any Database {
        let database = try open(storage, workers: workers)
        do {
            try database.migrate()
        } catch {
            database.close()
            throw error
        }
        return database
    }

    /// The database for messages and logs: a PostgreSQL URL without its password, or the SQLite path.
    public static func displayName(_ storage: Configuration.Storage) -> String {
        storage.postgreSQL?.description ?? storage.database
    }
}
