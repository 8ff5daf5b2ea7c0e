/// Opens the `Database` that `storage.database` names: PostgreSQL for a `postgresql://` URL, else the SQLite file
/// at that path (the default). The one place that picks a backend.
public enum DatabaseFactory {
    /// Pooled PostgreSQL connections: one per worker thread plus a couple for housekeeping (token sweeps, scans),
    /// at most `maxPoolSize`: on a many-core machine (8 workers a core) that would take most of a server's default
    /// `max_connections` (100) for one instance; beyond it requests wait for a connection (the pool's checkout
    /// timeout) instead.
    public static let housekeepingConnections = 2
    public static let maxPoolSize = 32

    /// Opens without migrating (a newer schema is refused).
    public static func open(_ storage: Configuration.Storage, workers: Int = 8) throws -> any Database {
        if let url = storage.postgreSQL {
            return try PostgresDatabase(url: url, options: .init(poolSize: min(workers + housekeepingConnections, maxPoolSize)))
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
