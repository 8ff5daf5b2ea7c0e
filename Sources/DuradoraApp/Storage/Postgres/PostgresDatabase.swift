import Foundation
import Synchronization

/// `Database` on a PostgreSQL database that several Duradora instances may share.
///
/// - Reads: `read` runs the closure in a `REPEATABLE READ READ ONLY` transaction on a pooled connection: one
///   snapshot for the whole closure, never waiting for a writer (MVCC).
/// - Writes: `write` runs it in a `READ WRITE` transaction that first takes a transaction-level advisory lock, so
///   there is one write transaction at a time across every instance, as the protocol promises and as callers
///   rely on (read-then-write without lost updates, dense playlist positions). READ COMMITTED after the lock:
///   each statement then sees everything committed before the lock was granted.
/// - Other instances' commits: every write sends `pg_notify('duradora_writes', <instance id>)` inside its
///   transaction (delivered only if it commits); one `PostgresListener` per database calls the write observers.
///   When that connection drops, nothing tells us what was missed, so observers run (caches flush) at the loss
///   and again once listening resumes.
public final class PostgresDatabase: Database, @unchecked Sendable {
    public struct Options: Sendable {
        /// Pooled connections at most: the worker threads, plus a few for housekeeping.
        public var poolSize: Int
        public var checkoutTimeoutSeconds: Double
        public var connection: PostgresConnection.Options
        public var migrations: [PostgresMigration]

        public init(poolSize: Int = 8, checkoutTimeoutSeconds: Double = 5,
                    connection: PostgresConnection.Options = PostgresConnection.Options(),
                    migrations: [PostgresMigration] = PostgresMigrations.all) {
            self.poolSize = max(poolSize, 1)
            self.checkoutTimeoutSeconds = checkoutTimeoutSeconds
            self.connection = connection
            self.migrations = migrations
        }
    }

    /// The channel every write transaction notifies.
    public static let channel = "duradora_writes"
    /// `pg_advisory_xact_lock` key of write transactions ("duradora" in ASCII, then 2).
    static let writeLockKey: Int64 = 0x6475_7261_646f_7202

    public let url: PostgresURL
    private let options: Options
    private let pool: PostgresPool
    private let migrator: PostgresMigrator
    /// Sent as the payload of our own notifications, which the listener then ignores (our observers were told).
    private let instanceID = UUID().lowercasedString
    private let writeObservers = Mutex<[@Sendable () -> Void]>([])
    private let listener = Mutex<PostgresListener?>(nil)
    private let isClosed = Atomic<Bool>(false)
    private let statementTotal = Atomic<Int>(0)

    public var statementCount: Int { statementTotal.load(ordering: .relaxed) }

    /// Connects once (a wrong URL or a stopped server fails here) and refuses a schema newer than this binary.
    /// Does not migrate: call `migrate()`.
    public init(url: PostgresURL, options: Options = Options()) throws {
        self.url = url
        self.options = options
        self.migrator = PostgresMigrator(migrations: options.migrations)
        self.pool = PostgresPool(url: url, size: options.poolSize, checkoutTimeoutSeconds: options.checkoutTimeoutSeconds,
                                 options: options.connection)
        try pool.withConnection { try migrator.refuseNewerSchema(of: $0) }
    }

    deinit { close() }

    /// Opens and migrates: what `serve` and `migrate` do at start.
    public static func openAndMigrate(url: PostgresURL, options: Options = Options()) throws -> PostgresDatabase {
        let database = try PostgresDatabase(url: url, options: options)
        try database.migrate()
        return database
    }

    // MARK: Database

    public func read<T>(_ body: (any DatabaseTransaction) throws -> T) throws -> T {
        try checkOpen()
        return try pool.withConnection { connection in
            let before = connection.statementCount
            defer { statementTotal.add(connection.statementCount - before, ordering: .relaxed) }
            return try connection.transaction(begin: "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY") {
                try body(SQLTransaction(connection: connection))
            }
        }
    }

    public func write<T>(_ body: (any DatabaseTransaction) throws -> T) throws -> T {
        try write(notifying: true, body)
    }

    /// Without `pg_notify`: other instances keep their caches.
    public func writeUnobserved<T>(_ body: (any DatabaseTransaction) throws -> T) throws -> T {
        try write(notifying: false, body)
    }

    private func write<T>(notifying: Bool, _ body: (any DatabaseTransaction) throws -> T) throws -> T {
        try checkOpen()
        // A nested write would wait forever for the advisory lock its own caller holds on another connection.
        let thread = Thread.current.threadDictionary
        guard thread[Self.writingKey] == nil else {
            throw PostgresError(message: "write called inside a write transaction: that would wait for itself")
        }
        thread[Self.writingKey] = true
        defer {
            thread[Self.writingKey] = nil
            if notifying { notifyWriteObservers() }
        }
        return try pool.withConnection { connection in
            let before = connection.statementCount
            defer { statementTotal.add(connection.statementCount - before, ordering: .relaxed) }
            return try connection.transaction(begin: "BEGIN ISOLATION LEVEL READ COMMITTED READ WRITE") {
                try connection.query("SELECT pg_advisory_xact_lock($1)", [Self.writeLockKey])
                let value = try body(SQLTransaction(connection: connection))
                if notifying { try connection.notify(channel: Self.channel, payload: instanceID) }
                return value
            }
        }
    }

    private static let writingKey = "duradora.postgres.writing"

    /// Observers hear of this process's writes when they end, and of other instances' commits as soon as the
    /// notification arrives (well under a second). The listener starts with the first observer.
    /// Several instances share one database.
    public var isShared: Bool { true }

    public func observeWrites(_ observer: @escaping @Sendable () -> Void) {
        writeObservers.withLock { $0.append(observer) }
        startListening()
    }

    private func startListening() {
        listener.withLock { listener in
            guard listener == nil, !isClosed.load(ordering: .acquiring) else { return }
            let instanceID = instanceID
            let started = PostgresListener(url: url, channels: [Self.channel], options: options.connection) { [weak self] event in
                switch event {
                case .notification(_, let payload) where payload == instanceID: return
                // Another instance committed; or the connection went (what happens until it is back is unknown)
                // or came back (what happened while it was gone is unknown): every cache entry may be stale.
                case .notification, .lost, .listening: self?.notifyWriteObservers()
                }
            }
            do {
                try started.start()
                listener = started
            } catch {
                // The database is unreachable right now (reads and writes report that themselves): try again
                // shortly, and tell the observers, since nothing reports other instances' commits until then.
                DispatchQueue.global().asyncAfter(deadline: .now() + Self.listenRetrySeconds) { [weak self] in
                    self?.notifyWriteObservers()
                    self?.startListening()
                }
            }
        }
    }

    /// Seconds between attempts to start the listener when the first one failed.
    static let listenRetrySeconds = 1.0

    private func notifyWriteObservers() {
        for observer in writeObservers.withLock({ $0 }) { observer() }
    }

    @discardableResult
    public func migrate() throws -> MigrationReport {
        try checkOpen()
        return try pool.withConnection { try migrator.migrate($0) }
    }

    public func close() {
        guard !isClosed.exchange(true, ordering: .acquiringAndReleasing) else { return }
        listener.withLock { listener in
            listener?.stop()
            listener = nil
        }
        pool.close()
    }

    /// The recorded schema version.
    public func schemaVersion() throws -> Int {
        try pool.withConnection { try migrator.currentVersion(of: $0) }
    }

    /// The newest schema version this binary knows.
    public var latestSchemaVersion: Int { migrator.latestVersion }

    /// The server process of the LISTEN connection (0 when not listening), for tests and diagnostics.
    public var listenerBackendPID: Int32 { listener.withLock { $0?.backendPID ?? 0 } }

    /// Whether notifications are arriving now.
    public var isListening: Bool { listener.withLock { $0?.isListening ?? false } }

    private func checkOpen() throws {
        if isClosed.load(ordering: .acquiring) { throw StorageError.closed }
    }
}
