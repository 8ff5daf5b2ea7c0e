import CSQLite
import Foundation

/// A prepared statement. Prepared in `init`, finalized in `deinit`.
///
/// Not thread-safe: it belongs to its `SQLiteConnection` and stays on whichever thread currently owns that connection.
/// Parameters are numbered from 1 (as in SQLite); columns from 0.
public final class SQLiteStatement {
    public let sql: String
    private var handle: OpaquePointer?
    private let database: OpaquePointer
    private lazy var columnIndexes: [String: Int32] = makeColumnIndexes()
    /// Set while `SQLiteConnection.withStatement` runs it: a nested use of the same SQL prepares its own.
    var isInUse = false

    init(database: OpaquePointer, sql: String) throws {
        self.database = database
        self.sql = sql
        var statement: OpaquePointer?
        let result = sqlite3_prepare_v3(database, sql, -1, 0, &statement, nil)
        guard result == SQLITE_OK else {
            let error = SQLiteError(handle: database, resultCode: result, sql: sql)
            sqlite3_finalize(statement)
            throw error
        }
        guard let statement else {
            throw SQLiteError(code: SQLITE_MISUSE, message: "no statement in SQL text", sql: sql)
        }
        handle = statement
    }

    deinit {
        sqlite3_finalize(handle)
    }

    /// Finalizes now; later use throws `SQLITE_MISUSE`. Idempotent.
    public func finalize() {
        sqlite3_finalize(handle)
        handle = nil
    }

    // MARK: Binding

    public var parameterCount: Int32 {
        handle.map { sqlite3_bind_parameter_count($0) } ?? 0
    }

    public func bind(_ value: Int, at index: Int32) throws {
        try check(sqlite3_bind_int64(try live(), index, Int64(value)))
    }

    public func bind(_ value: Int64, at index: Int32) throws {
        try check(sqlite3_bind_int64(try live(), index, value))
    }

    public func bind(_ value: Double, at index: Int32) throws {
        try check(sqlite3_bind_double(try live(), index, value))
    }

    public func bind(_ value: Bool, at index: Int32) throws {
        try check(sqlite3_bind_int64(try live(), index, value ? 1 : 0))
    }

    public func bind(_ value: String, at index: Int32) throws {
        let statement = try live()
        let result = value.withCString { sqlite3_bind_text(statement, index, $0, -1, duradora_sqlite_transient()) }
        try check(result)
    }

    public func bind(_ value: [UInt8], at index: Int32) throws {
        let statement = try live()
        // An empty buffer may have no base address, and a NULL pointer would bind NULL rather than an empty blob.
        let result = value.isEmpty
            ? sqlite3_bind_zeroblob(statement, index, 0)
            : value.withUnsafeBytes {
                sqlite3_bind_blob(statement, index, $0.baseAddress, Int32($0.count), duradora_sqlite_transient())
            }
        try check(result)
    }

    public func bindNull(at index: Int32) throws {
        try check(sqlite3_bind_null(try live(), index))
    }

    public func bind(_ value: SQLiteValue, at index: Int32) throws {
        switch value {
        case .null: try bindNull(at: index)
        case .integer(let number): try bind(number, at: index)
        case .real(let number): try bind(number, at: index)
        case .text(let text): try bind(text, at: index)
        case .blob(let bytes): try bind(bytes, at: index)
        }
    }

    /// Binds `values` to parameters 1…n; the count must match the statement's parameters.
    public func bind(_ values: [any SQLBindable]) throws {
        guard values.count == Int(parameterCount) else {
            throw SQLiteError(
                code: SQLITE_RANGE,
                message: "statement has \(parameterCount) parameters, \(values.count) values given",
                sql: sql
            )
        }
        for (offset, value) in values.enumerated() {
            try bind(value.sqliteValue, at: Int32(offset + 1))
        }
    }

    /// Makes the statement ready to run again and unbinds every parameter.
    public func reset() {
        guard let handle else { return }
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
    }

    // MARK: Stepping

    /// Runs to the next row: `true` when a row is ready to read, `false` when the statement is done.
    @discardableResult
    public func step() throws -> Bool {
        let result = sqlite3_step(try live())
        switch result {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        default: throw SQLiteError(handle: database, resultCode: result, sql: sql)
        }
    }

    // MARK: Columns

    public var columnCount: Int32 {
        handle.map { sqlite3_column_count($0) } ?? 0
    }

    public func columnName(at index: Int32) -> String? {
        guard let handle, let name = sqlite3_column_name(handle, index) else { return nil }
        return String(cString: name)
    }

    /// The index of the result column called `name` (as written in the SQL or its `AS` alias).
    public func columnIndex(named name: String) throws -> Int32 {
        guard let index = columnIndexes[name] else {
            throw SQLiteError(code: SQLITE_RANGE, message: "no column named \(name)", sql: sql)
        }
        return index
    }

    public func isNull(at index: Int32) -> Bool {
        guard let handle else { return true }
        return sqlite3_column_type(handle, index) == SQLITE_NULL
    }

    /// The column as an integer; NULL reads as 0 (as in SQLite).
    public func int64(at index: Int32) -> Int64 {
        handle.map { sqlite3_column_int64($0, index) } ?? 0
    }

    public func int(at index: Int32) -> Int { Int(int64(at: index)) }

    public func double(at index: Int32) -> Double {
        handle.map { sqlite3_column_double($0, index) } ?? 0
    }

    public func bool(at index: Int32) -> Bool { int64(at: index) != 0 }

    /// The column as text, or nil when it is NULL.
    public func string(at index: Int32) -> String? {
        withText(at: index) { String(decoding: $0, as: UTF8.self) }
    }

    /// The column's bytes, valid during `body`, or nil when it is NULL. `sqlite3_column_text` answers NULL for a
    /// NULL value (and a pointer to an empty string for ''), so no `sqlite3_column_type` call is needed.
    func withText<R>(at index: Int32, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R? {
        guard let handle, let text = sqlite3_column_text(handle, index) else { return nil }
        let count = Int(sqlite3_column_bytes(handle, index))
        return body(UnsafeBufferPointer(start: text, count: count))
    }

    /// The column as bytes, or nil when it is NULL.
    public func blob(at index: Int32) -> [UInt8]? {
        guard let handle, !isNull(at: index) else { return nil }
        let bytes = sqlite3_column_blob(handle, index)
        let count = Int(sqlite3_column_bytes(handle, index))
        guard let bytes, count > 0 else { return [] }
        return Array(UnsafeRawBufferPointer(start: bytes, count: count))
    }

    public func value(at index: Int32) -> SQLiteValue {
        guard let handle else { return .null }
        switch sqlite3_column_type(handle, index) {
        case SQLITE_INTEGER: return .integer(int64(at: index))
        case SQLITE_FLOAT: return .real(double(at: index))
        case SQLITE_TEXT: return .text(string(at: index) ?? "")
        case SQLITE_BLOB: return .blob(blob(at: index) ?? [])
        default: return .null
        }
    }

    // Reads by name (and the decoders of ids, times and enumerations): `SQLRow`.
    public func value(named name: String) throws -> SQLiteValue { value(at: try columnIndex(named: name)) }

    // MARK: Private

    private func live() throws -> OpaquePointer {
        guard let handle else {
            throw SQLiteError(code: SQLITE_MISUSE, message: "statement is finalized", sql: sql)
        }
        return handle
    }

    private func check(_ result: Int32) throws {
        guard result == SQLITE_OK else { throw SQLiteError(handle: database, resultCode: result, sql: sql) }
    }

    private func makeColumnIndexes() -> [String: Int32] {
        var indexes: [String: Int32] = [:]
        for index in 0..<columnCount {
            if let name = columnName(at: index), indexes[name] == nil { indexes[name] = index }
        }
        return indexes
    }
}

@available(*, unavailable)
extension SQLiteStatement: Sendable {}
