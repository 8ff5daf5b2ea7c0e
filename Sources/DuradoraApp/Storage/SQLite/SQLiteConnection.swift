import CSQLite
import Foundation

/// One `sqlite3*` handle. Opened in `init`, closed in `deinit` or by the idempotent `close()`.
///
/// Opened with `SQLITE_OPEN_NOMUTEX`: SQLite does no locking of its own, so a connection (and every statement it made)
/// must be used by one thread at a time. `SQLiteDatabase` guarantees that; anything else must too.
public final class SQLiteConnection {
    public enum Mode: Sendable {
        /// Read and write, creating the file if missing.
        case readWrite
        /// Reads only (`PRAGMA query_only`), so a reader of the pool can never take the write lock.
        case readOnly
    }

    public enum TransactionKind: String, Sendable {
        /// Takes a snapshot at the first read; fine for readers.
        case deferred = "DEFERRED"
        /// Takes the write lock at once, so a writer never fails half-way with SQLITE_BUSY on upgrade.
        case immediate = "IMMEDIATE"

        /// Literals, not `"BEGIN \(rawValue)"`: every read runs one, and the text is made and hashed each time.
        var begin: String {
            switch self {
            case .deferred: "BEGIN DEFERRED"
            case .immediate: "BEGIN IMMEDIATE"
            }
        }
    }

    public let path: String
    private var handle: OpaquePointer?
    private var statementCache: [SQLiteStatementKey: SQLiteStatement] = [:]
    /// Statements run on this connection so far (each `withStatement` and `executeScript` counts once):
    /// lets tests prove a request runs a fixed number of queries however much data it reads.
    public private(set) var statementCount = 0

    /// Opens `path` and applies the connection PRAGMAs (WAL, foreign keys, busy timeout, synchronous=NORMAL).
    public init(path: String, mode: Mode = .readWrite, busyTimeoutMilliseconds: Int32 = 5000) throws {
        self.path = path
        _ = Self.processSettings
        guard sqlite3_threadsafe() != 0 else {
            throw SQLiteError(code: SQLITE_MISUSE, message: "libsqlite3 was built without thread support")
        }
        var database: OpaquePointer?
        let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX
        let result = sqlite3_open_v2(path, &database, flags, nil)
        guard result == SQLITE_OK, let database else {
            let error = SQLiteError(handle: database, resultCode: result)
            sqlite3_close_v2(database)  // a failed open may still have allocated a handle
            throw error
        }
        handle = database
        sqlite3_extended_result_codes(database, 1)
        do {
            try check(sqlite3_busy_timeout(database, busyTimeoutMilliseconds), sql: nil)
            try configure(mode: mode)
        } catch {
            close()
            throw error
        }
    }

    deinit {
        close()
    }

    /// Process-wide settings, applied once before the first handle opens (see the C shim for why).
    private static let processSettings: Void = {
        _ = duradora_sqlite_disable_memory_statistics()
    }()

    /// Finalizes cached statements and closes the handle. Idempotent.
    public func close() {
        guard let handle else { return }
        for statement in statementCache.values { statement.finalize() }
        statementCache.removeAll()
        sqlite3_close_v2(handle)  // v2: a statement still held elsewhere keeps a zombie handle until it is finalized
        self.handle = nil
    }

    public var isOpen: Bool { handle != nil }

    // MARK: Statements

    /// Prepares a statement that belongs to the caller (not cached).
    public func prepare(_ sql: String) throws -> SQLiteStatement {
        try SQLiteStatement(database: try live(), sql: sql)
    }

    /// Runs `body` with the cached statement for `sql`, bound to `bindings`; resets it afterwards.
    /// If that statement is already in use further up the stack, a fresh one is prepared instead.
    public func withStatement<T>(
        _ sql: String,
        _ bindings: [any SQLBindable] = [],
        _ body: (SQLiteStatement) throws -> T
    ) throws -> T {
        statementCount += 1
        let statement = try cachedStatement(sql)
        if statement.isInUse {
            let fresh = try prepare(sql)
            try fresh.bind(bindings)
            return try body(fresh)
        }
        statement.isInUse = true
        defer {
            statement.reset()
            statement.isInUse = false
        }
        try statement.bind(bindings)
        return try body(statement)
    }

    /// Runs one statement to completion and returns the number of rows it changed.
    @discardableResult
    public func execute(_ sql: String, _ bindings: [any SQLBindable] = []) throws -> Int {
        try withStatement(sql, bindings) { statement in
            while try statement.step() {}
            return changes
        }
    }

    /// Runs `sql`, which may hold several statements and no parameters (schema, PRAGMAs).
    public func executeScript(_ sql: String) throws {
        let database = try live()
        statementCount += 1
        var message: UnsafeMutablePointer<CChar>?
        let result = sqlite3_exec(database, sql, nil, nil, &message)
        guard result == SQLITE_OK else {
            let text = message.map { String(cString: $0) } ?? String(cString: sqlite3_errstr(result))
            sqlite3_free(message)
            throw SQLiteError(code: result, extendedCode: sqlite3_extended_errcode(database), message: text, sql: sql)
        }
    }

    /// Maps every result row of `sql`.
    public func query<T>(
        _ sql: String,
        _ bindings: [any SQLBindable] = [],
        row: (SQLiteStatement) throws -> T
    ) throws -> [T] {
        try withStatement(sql, bindings) { statement in
            var rows: [T] = []
            while try statement.step() { rows.append(try row(statement)) }
            return rows
        }
    }

    /// Maps the first result row of `sql`, or returns nil when there is none.
    public func queryFirst<T>(
        _ sql: String,
        _ bindings: [any SQLBindable] = [],
        row: (SQLiteStatement) throws -> T
    ) throws -> T? {
        try withStatement(sql, bindings) { statement in
            try statement.step() ? try row(statement) : nil
        }
    }

    /// The integer in the first column of the first row (for `COUNT(*)`, `PRAGMA user_version`, …).
    public func scalarInt(_ sql: String, _ bindings: [any SQLBindable] = []) throws -> Int {
        try queryFirst(sql, bindings) { $0.int(at: 0) } ?? 0
    }

    /// Rows changed by the most recent INSERT, UPDATE or DELETE.
    public var changes: Int {
        handle.map { Int(sqlite3_changes64($0)) } ?? 0
    }

    public var lastInsertRowID: Int64 {
        handle.map { sqlite3_last_insert_rowid($0) } ?? 0
    }

    public var isInTransaction: Bool {
        handle.map { sqlite3_get_autocommit($0) == 0 } ?? false
    }

    // MARK: Transactions

    /// Runs `body` in a transaction: commits when it returns, rolls back when it (or the commit) throws.
    @discardableResult
    public func transaction<T>(_ kind: TransactionKind = .immediate, _ body: () throws -> T) throws -> T {
        try execute(kind.begin)
        let value: T
        do {
            value = try body()
            try execute("COMMIT")
        } catch {
            rollbackQuietly()
            throw error
        }
        return value
    }

    private func rollbackQuietly() {
        // A failed statement can already have rolled the transaction back; ROLLBACK then fails harmlessly.
        guard isInTransaction else { return }
        _ = try? execute("ROLLBACK")
    }

    // MARK: Private

    private func configure(mode: Mode) throws {
        // journal_mode answers with the mode in force; a file that cannot use WAL answers something else.
        let journal = try queryFirst("PRAGMA journal_mode=WAL") { $0.string(at: 0) ?? "" } ?? ""
        guard journal.lowercased() == "wal" else {
            throw SQLiteError(code: SQLITE_ERROR, message: "cannot enable WAL (journal_mode is \(journal))")
        }
        try executeScript("PRAGMA foreign_keys=ON; PRAGMA synchronous=NORMAL;")
        if mode == .readOnly { try executeScript("PRAGMA query_only=ON;") }
        try SQLiteSearchRank.register(on: live())
    }

    private func cachedStatement(_ sql: String) throws -> SQLiteStatement {
        let key = SQLiteStatementKey(sql: sql)
        if let statement = statementCache[key] { return statement }
        let statement = try prepare(sql)
        statementCache[key] = statement
        return statement
    }

    private func live() throws -> OpaquePointer {
        guard let handle else { throw SQLiteError(code: SQLITE_MISUSE, message: "connection is closed") }
        return handle
    }

    private func check(_ result: Int32, sql: String?) throws {
        guard result == SQLITE_OK else { throw SQLiteError(handle: handle, resultCode: result, sql: sql) }
    }
}

@available(*, unavailable)
extension SQLiteConnection: Sendable {}
