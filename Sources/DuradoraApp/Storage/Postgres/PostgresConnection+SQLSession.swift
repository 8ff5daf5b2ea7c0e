import Foundation

/// PostgreSQL as a `SQLSession`: the rows of `query(_:_:)` handed out one `PostgresRow` at a time.
extension PostgresConnection: SQLSession {
    static var dialect: SQLDialect { .postgres }

    /// Runs a statement; the rows it changed.
    @discardableResult
    func execute(_ sql: String, _ parameters: [any SQLBindable] = []) throws -> Int {
        try query(sql, parameters).affected
    }

    /// Runs a query and maps each row.
    func query<T>(_ sql: String, _ parameters: [any SQLBindable] = [], row: (PostgresRow) throws -> T) throws -> [T] {
        let result = try query(sql, parameters)
        var columns: [String: Int32] = [:]
        for (index, name) in result.columns.enumerated() where columns[name] == nil { columns[name] = Int32(index) }
        return try result.rows.map { try row(PostgresRow(values: $0, columns: columns, sql: sql)) }
    }

    func queryFirst<T>(_ sql: String, _ parameters: [any SQLBindable] = [], row: (PostgresRow) throws -> T) throws -> T? {
        try query(sql, parameters, row: row).first
    }

    /// The first column of the first row as an integer (0 for no row or NULL).
    func scalarInt(_ sql: String, _ parameters: [any SQLBindable] = []) throws -> Int {
        try queryFirst(sql, parameters) { try $0.int(at: 0) } ?? 0
    }

    /// Runs `body` inside a savepoint, and maps a violated constraint (`SQLConstraintError.insertError`).
    ///
    /// Why a savepoint: after a failed statement PostgreSQL refuses everything else in the transaction, while
    /// SQLite only undoes the statement. Callers catch `StorageError.conflict`/`.notFound` inside a `write` and
    /// go on (a taken username, a vanished track), so the statements that can fail that way undo only themselves.
    @discardableResult
    func guarded<T>(conflictField: String?, _ body: () throws -> T) throws -> T {
        try simple("SAVEPOINT duradora_guard")
        do {
            let value = try body()
            try simple("RELEASE SAVEPOINT duradora_guard")
            return value
        } catch let error as PostgresError {
            if !error.isConnectionLoss { try simple("ROLLBACK TO SAVEPOINT duradora_guard") }
            throw error.insertError(conflictField: conflictField)
        }
    }
}
