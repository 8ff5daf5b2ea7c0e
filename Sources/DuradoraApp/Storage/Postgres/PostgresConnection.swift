import CLibPQ
import Foundation

/// The rows of a statement, decoded from PostgreSQL's binary format.
public struct PostgresRows: Sendable, Equatable {
    public let columns: [String]
    public let rows: [[PostgresValue]]
    /// For INSERT/UPDATE/DELETE: the rows they touched.
    public let affected: Int
}

/// One libpq connection (`PGconn`). Not thread-safe: one owner at a time, which `PostgresPool` hands out.
///
/// Every statement is prepared once per connection and parameter types (`PQprepare`), then run with
/// `PQexecPrepared`, binary parameters and binary results. A broken connection (the server restarted, the backend
/// was terminated, the network dropped) fails the statement that met it with `isConnectionLoss`; the next
/// statement reconnects and prepares again. A statement is never re-sent by itself: it may have run.
public final class PostgresConnection {
    public struct Options: Sendable {
        public var connectTimeoutSeconds = 5
        /// Server-side limit per statement, so a stuck query ends with an error instead of holding a worker.
        public var statementTimeoutMilliseconds = 30_000
        public var applicationName = "duradora"
        public init() {}
    }

    public let url: PostgresURL
    public let options: Options
    private var handle: OpaquePointer?
    /// SQL as the caller wrote it + parameter types → server-side statement name; emptied on reconnect (the
    /// server forgot them). Keyed by the `?` text, so a statement is numbered (`PostgresSQL.numbered`) only when it
    /// is first prepared, not on every run.
    private var prepared: [PreparedKey: String] = [:]
    private var inTransaction = false
    /// How many times `PQprepare` ran, for tests of re-preparation.
    public private(set) var prepareCount = 0
    /// Statements sent (`query` and `simple`), for `Database.statementCount`.
    public private(set) var statementCount = 0

    public init(url: PostgresURL, options: Options = Options()) throws {
        self.url = url
        self.options = options
        try connect()
    }

    deinit { close() }

    /// The server process serving this connection (0 when not connected).
    public var backendPID: Int32 { handle.map(PQbackendPID) ?? 0 }

    /// Connected and outside any transaction: safe to hand to the next caller.
    var isIdle: Bool { handle.map { PQtransactionStatus($0) == PQTRANS_IDLE } ?? true }

    public func close() {
        if let handle { PQfinish(handle) }
        handle = nil
        prepared = [:]
    }

    // MARK: - Statements

    /// Runs `sql` with its placeholders (`?`, `?NNN` or `$n`) bound to `parameters`; its rows.
    @discardableResult
    public func query(_ sql: String, _ parameters: [any SQLBindable] = []) throws -> PostgresRows {
        statementCount += 1
        let values = parameters.map(\.postgresValue)
        let encoded = try values.map { try $0.encoded() }
        let connection = try live()
        let name = try statement(sql, types: values.map(\.typeOID), on: connection)
        let pointers = encoded.map { bytes -> UnsafeMutablePointer<CChar>? in
            guard let bytes else { return nil }
            let pointer = UnsafeMutablePointer<CChar>.allocate(capacity: max(bytes.count, 1))
            bytes.withUnsafeBytes { source in
                if let base = source.baseAddress { UnsafeMutableRawPointer(pointer).copyMemory(from: base, byteCount: source.count) }
            }
            return pointer
        }
        defer { pointers.forEach { $0?.deallocate() } }
        let lengths = encoded.map { Int32($0?.count ?? 0) }
        let formats = values.map(\.format)
        let result = pointers.map { UnsafePointer($0) }.withUnsafeBufferPointer { values in
            PQexecPrepared(connection, name, Int32(values.count), values.baseAddress, lengths, formats, 1)
        }
        defer { PQclear(result) }
        return try rows(of: result, on: connection, sql: sql)
    }

    /// Runs `body` between `begin` (BEGIN, or BEGIN with an isolation level and access mode) and COMMIT;
    /// ROLLBACK when it throws.
    @discardableResult
    public func transaction<T>(begin: String = "BEGIN", _ body: () throws -> T) throws -> T {
        try simple(begin)
        inTransaction = true
        defer { inTransaction = false }
        let value: T
        do {
            value = try body()
        } catch {
            if handle.map(PQstatus) == CONNECTION_OK { try? simple("ROLLBACK") }
            throw error
        }
        try simple("COMMIT")
        return value
    }

    /// A statement without parameters through the simple protocol (transaction control, session settings).
    public func simple(_ sql: String) throws {
        statementCount += 1
        let connection = try live()
        let result = PQexec(connection, sql)
        defer { PQclear(result) }
        _ = try rows(of: result, on: connection, sql: sql)
    }

    /// `pg_notify(channel, payload)`: delivered to every listener when the surrounding transaction commits, and
    /// never if it rolls back. Call it inside the transaction that makes the change.
    public func notify(channel: String, payload: String) throws {
        try query("SELECT pg_notify($1, $2)", [channel, payload])
    }

    // MARK: - Notifications (PostgresListener's side)

    /// The socket to watch for notifications; -1 when not connected.
    var socket: Int32 { handle.map(PQsocket) ?? -1 }

    /// Reads what arrived and returns the notifications it held, as (channel, payload). Throws
    /// `isConnectionLoss` when the connection is gone (EOF, reset, terminated backend); it stays open, since a
    /// read source may still watch its socket: the owner closes it once that source is cancelled.
    func receiveNotifications() throws -> [(channel: String, payload: String)] {
        guard let handle else { throw PostgresError(message: "not connected", isConnectionLoss: true) }
        guard PQconsumeInput(handle) == 1, PQstatus(handle) == CONNECTION_OK else {
            throw PostgresError(message: PostgresError.text(PQerrorMessage(handle)), isConnectionLoss: true)
        }
        var notifications: [(channel: String, payload: String)] = []
        while let notification = PQnotifies(handle) {
            notifications.append((String(cString: notification.pointee.relname), String(cString: notification.pointee.extra)))
            PQfreemem(notification)
        }
        return notifications
    }

    // MARK: - Connection state

    private func connect() throws {
        let keywords = ["connect_timeout", "keepalives", "keepalives_idle", "keepalives_interval", "keepalives_count",
                        "application_name", "dbname"]
        // The URL (expanded from `dbname`) comes last, so what the operator wrote there wins over these defaults.
        let values = [String(options.connectTimeoutSeconds), "1", "30", "10", "3", options.applicationName, url.conninfo]
        let connection = withCStrings(keywords) { keywords in
            withCStrings(values) { values in PQconnectdbParams(keywords, values, 1) }
        }
        guard let connection else { throw PostgresError(message: "libpq could not allocate a connection") }
        guard PQstatus(connection) == CONNECTION_OK else {
            let message = PostgresError.text(PQerrorMessage(connection))
            PQfinish(connection)
            throw PostgresError(message: "cannot connect to \(url): \(message)", isConnectionLoss: true)
        }
        // libpq prints the server's notices ("relation … already exists, skipping") and the error it sends as it
        // ends an idle session ("terminating connection due to administrator command") to stderr by default, past
        // our log format. Both are also seen where they matter: a loss fails the next statement, a DDL its result.
        PQsetNoticeProcessor(connection, { _, _ in }, nil)
        handle = connection
        prepared = [:]
        try simple("SET statement_timeout = \(options.statementTimeoutMilliseconds)")
    }

    /// The connection, reconnected first when it is known to be broken. Between transactions it also checks
    /// whether the server sent anything meanwhile (one `poll` with no wait), so a backend terminated while we were
    /// idle is noticed here and the statement goes to a fresh one instead of failing.
    private func live() throws -> OpaquePointer {
        if let handle, !inTransaction, !Self.isHealthyWhileIdle(handle) { close() }
        if let handle { return handle }
        if inTransaction { throw PostgresError(message: "the connection was lost inside a transaction", isConnectionLoss: true) }
        try connect()
        return handle!
    }

    /// An idle connection of ours has nothing to read: it does not LISTEN, and every answer to what it sent has
    /// been read. Anything there is the server's goodbye: a terminated backend sends a FATAL message (which libpq
    /// only passes to the notice processor) and then closes, possibly a moment later. So readable means broken.
    private static func isHealthyWhileIdle(_ handle: OpaquePointer) -> Bool {
        var descriptor = pollfd(fd: PQsocket(handle), events: Int16(POLLIN), revents: 0)
        return poll(&descriptor, 1, 0) == 0 && PQstatus(handle) == CONNECTION_OK
    }

    private func statement(_ sql: String, types: [Oid], on connection: OpaquePointer) throws -> String {
        let key = PreparedKey(sql: sql, types: types)
        if let name = prepared[key] { return name }
        let name = "d\(prepared.count + 1)"
        let numbered = PostgresSQL.numbered(sql)
        let result = PQprepare(connection, name, numbered, Int32(types.count), types)
        defer { PQclear(result) }
        _ = try rows(of: result, on: connection, sql: numbered)
        prepareCount += 1
        prepared[key] = name
        return name
    }

    private func rows(of result: OpaquePointer?, on connection: OpaquePointer, sql: String) throws -> PostgresRows {
        let status = result.map(PQresultStatus) ?? PGRES_FATAL_ERROR
        guard status == PGRES_TUPLES_OK || status == PGRES_COMMAND_OK else {
            let error = PostgresError(result: result, connection: connection, sql: sql)
            if error.isConnectionLoss { close() }
            throw error
        }
        guard let result else { return PostgresRows(columns: [], rows: [], affected: 0) }
        let columnCount = PQnfields(result)
        let columns = (0..<columnCount).map { String(cString: PQfname(result, $0)) }
        let types = (0..<columnCount).map { PQftype(result, $0) }
        var rows: [[PostgresValue]] = []
        rows.reserveCapacity(Int(PQntuples(result)))
        for row in 0..<PQntuples(result) {
            rows.append(try (0..<columnCount).map { column in
                if PQgetisnull(result, row, column) == 1 { return .null }
                let bytes = UnsafeRawBufferPointer(start: PQgetvalue(result, row, column),
                                                   count: Int(PQgetlength(result, row, column)))
                return try PostgresValue.decode(bytes, oid: types[Int(column)])
            })
        }
        return PostgresRows(columns: columns, rows: rows, affected: Int(String(cString: PQcmdTuples(result))) ?? 0)
    }
}

/// What a prepared statement is known by: its text and its parameters' types (a NULL is untyped, so the same text
/// with a NULL where a value was is another statement).
private struct PreparedKey: Hashable {
    let sql: String
    let types: [Oid]
}

/// `strings` as a NULL-terminated `char *[]` for the duration of `body`.
private func withCStrings<T>(_ strings: [String], _ body: (UnsafePointer<UnsafePointer<CChar>?>) -> T) -> T {
    let pointers = strings.map { strdup($0) } + [nil]
    defer { pointers.forEach { free($0) } }
    return pointers.map { UnsafePointer($0) }.withUnsafeBufferPointer { body($0.baseAddress!) }
}
