import CSQLite

/// SQLite as a `SQLSession`: `execute`, `query`, `queryFirst` and `scalarInt` are the connection's own.
extension SQLiteConnection: SQLSession {
    static var dialect: SQLDialect { .sqlite }

    /// No savepoint needed: a failed SQLite statement undoes only itself, and the transaction goes on.
    @discardableResult
    func guarded<T>(conflictField: String?, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as SQLiteError {
            throw error.insertError(conflictField: conflictField)
        }
    }
}

extension SQLiteStatement: SQLRow {
    func corruption(_ message: String, at index: Int32) -> any Error {
        SQLiteError(code: SQLITE_CORRUPT, message: "column \(columnName(at: index) ?? "\(index)") \(message)", sql: sql)
    }
}
