import Foundation
import Synchronization

/// `Database` on one SQLite file in WAL mode: one writer connection and a small pool of reader connections.
///
/// - Writes: `write` holds the writer lock for the whole closure and runs it in `BEGIN IMMEDIATE … COMMIT`
///   (ROLLBACK when it throws), so writers queue up in this process and never deadlock on lock upgrades.
/// - Reads: `read` borrows an idle reader (waiting only when all `readerCount` are busy), and runs the closure in a
///   deferred transaction: a consistent snapshot. In WAL mode readers never wait for the writer, nor it for them.
/// Closures run on the calling thread; the locks only make sure a connection is used by one thread at a time.
public final class SQLiteDatabase: Database, @unchecked Sendable {
    public struct Options: Sendable {
        /// Reader connections at most (opened on demand).
        public var readerCount: Int
        /// How long a connection waits for another process's lock before failing with SQLITE_BUSY.
        public var busyTimeoutMilliseconds: Int32
        public var migrations: [Migration]

        public init(readerCount: Int = 4, busyTimeoutMilliseconds: Int32 = 5000,
                    migrations: [Migration] = Migrations.sqlite) {
            self.readerCount = max(readerCount, 1)
            self.busyTimeoutMilliseconds = busyTimeoutMilliseconds
            self.migrations = migrations
        }
    }

    public let path: String
    private let options: Options
    private let migrator: SQLiteMigrator

    // Recursive, so that a `write` nested in a `write` fails with SQLite's "transaction within a transaction"
    // error instead of deadlocking.
    private let writerLock = NSRecursiveLock()
    private var writer: SQLiteConnection?  // guarded by writerLock

    private let readerSlots: DispatchSemaphore
    private let readersLock = NSLock()
    private var idleReaders: [SQLiteConnection] = []  // guarded by readersLock
    private var isClosed = false  // guarded by readersLock
    private let statementTotal = Atomic<Int>(0)
    private let writeObservers = Mutex<[@Sendable () -> Void]>([])
    /// Started with the first write observer: tells observers of other connections' commits too.
    private let changeWatch = Mutex<SQLiteChangeWatch?>(nil)
    /// Seconds between two looks for other connections' commits (see `SQLiteChangeWatch`).
    static let changeWatchInterval = 1.0

    /// Statements run through `read` and `write` so far, on every connection (BEGIN and COMMIT included).
    /// For tests that count the queries of a request.
    public var statementCount: Int { statementTotal.load(ordering: .relaxed) }

    /// Opens (creating it and its parent directory if needed) the database at `path`. Does not migrate: call
    /// `migrate()`. Throws `StorageError.schemaTooNew` for a file written by a newer binary.
    public init(path: String, options: Options = Options()) throws {
        self.path = path
        self.options = options
        self.migrator = SQLiteMigrator(migrations: options.migrations)
        self.readerSlots = DispatchSemaphore(value: options.readerCount)
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent()
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let writer = try SQLiteConnection(path: path, busyTimeoutMilliseconds: options.busyTimeoutMilliseconds)
        try migrator.refuseNewerSchema(of: writer)
        self.writer = writer
    }

    deinit {
        close()
    }

    /// Opens the database at `path` and migrates it: what `serve` and `migrate` do at start.
    public static func openAndMigrate(path: String, options: Options = Options()) throws -> SQLiteDatabase {
        let database = try SQLiteDatabase(path: path, options: options)
        try database.migrate()
        return database
    }

    // MARK: Database

    public func read<T>(_ body: (any DatabaseTransaction) throws -> T) throws -> T {
        let connection = try checkOutReader()
        let before = connection.statementCount
        defer {
            statementTotal.add(connection.statementCount - before, ordering: .relaxed)
            checkIn(connection)
        }
        return try connection.transaction(.deferred) {
            try body(SQLTransaction(connection: connection))
        }
    }

    public func write<T>(_ body: (any DatabaseTransaction) throws -> T) throws -> T {
        defer { notifyWriteObservers() }
        return try writeUnobserved(body)
    }

    public func writeUnobserved<T>(_ body: (any DatabaseTransaction) throws -> T) throws -> T {
        try withWriterLock { connection in
            let before = connection.statementCount
            defer { statementTotal.add(connection.statementCount - before, ordering: .relaxed) }
            return try connection.transaction(.immediate) {
                try body(SQLTransaction(connection: connection))
            }
        }
    }

    /// Observers hear of this process's writes at once, and of other processes' commits within about
    /// `changeWatchInterval` (see `SQLiteChangeWatch`).
    /// One server per file: whatever another process left unfinished here, it left for good.
    public var isShared: Bool { false }

    public func observeWrites(_ observer: @escaping @Sendable () -> Void) {
        writeObservers.withLock { $0.append(observer) }
        changeWatch.withLock { watch in
            guard watch == nil else { return }
            watch = SQLiteChangeWatch(
                interval: Self.changeWatchInterval,
                readVersion: { [weak self] in
                    guard let self else { throw StorageError.closed }
                    return try withWriterLock { try $0.scalarInt("PRAGMA data_version") }
                },
                onChange: { [weak self] in self?.notifyWriteObservers() })
        }
    }

    private func notifyWriteObservers() {
        for observer in writeObservers.withLock({ $0 }) { observer() }
    }

    @discardableResult
    public func migrate() throws -> MigrationReport {
        try withWriter { try migrator.migrate($0) }
    }

    public func close() {
        changeWatch.withLock { watch in
            watch?.stop()
            watch = nil
        }
        writerLock.withLock {
            writer?.close()
            writer = nil
        }
        let readers = readersLock.withLock {
            isClosed = true
            defer { idleReaders.removeAll() }
            return idleReaders
        }
        for reader in readers { reader.close() }
    }

    /// The schema version recorded in the file.
    public func schemaVersion() throws -> Int {
        try withWriter { try migrator.currentVersion(of: $0) }
    }

    /// The newest schema version this binary knows.
    public var latestSchemaVersion: Int { migrator.latestVersion }

    // MARK: Connections

    /// Runs `body` with the writer connection, holding the writer lock throughout. For SQLite-only tooling.
    /// Write observers are told afterwards, whatever `body` did.
    public func withWriter<T>(_ body: (SQLiteConnection) throws -> T) throws -> T {
        defer { notifyWriteObservers() }
        return try withWriterLock(body)
    }

    /// The writer connection under its lock, telling no observer: for reads that must run on it.
    private func withWriterLock<T>(_ body: (SQLiteConnection) throws -> T) throws -> T {
        writerLock.lock()
        defer { writerLock.unlock() }
        guard let writer else { throw StorageError.closed }
        return try body(writer)
    }

    private func checkOutReader() throws -> SQLiteConnection {
        readerSlots.wait()
        let reused: SQLiteConnection?? = readersLock.withLock {
            isClosed ? nil : .some(idleReaders.popLast())
        }
        guard let reused else {
            readerSlots.signal()
            throw StorageError.closed
        }
        if let reused { return reused }
        do {
            return try SQLiteConnection(
                path: path, mode: .readOnly, busyTimeoutMilliseconds: options.busyTimeoutMilliseconds)
        } catch {
            readerSlots.signal()
            throw error
        }
    }

    private func checkIn(_ connection: SQLiteConnection) {
        let keep = readersLock.withLock {
            if isClosed { return false }
            idleReaders.append(connection)
            return true
        }
        if !keep { connection.close() }
        readerSlots.signal()
    }
}
