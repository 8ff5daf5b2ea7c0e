/// One connection inside the caller's transaction, as the shared repositories (`SQL<Name>Repository`) use it:
/// `SQLiteConnection` and `PostgresConnection` both are one. SQL is written once, with `?` placeholders (and
/// SQLite's `?NNN` to use a value twice); PostgreSQL numbers them `$n` when it first prepares the text. Where the
/// two dialects differ, a repository asks `Session.dialect` (`SQLDialect`) for the piece of SQL, never which backend it is on.
///
/// The repositories are generic over the session (not `any SQLSession`), so that a SQLite read goes straight to
/// its cached statement and reads its columns with direct calls, as the SQLite-only code did. A caller reaches a
/// repository through `DatabaseTransaction`'s existentials, whose witnesses are the generic code itself; so each
/// repository method says `@_specialize(where Session == SQLiteConnection)`, which compiles a SQLite copy and has
/// the generic entry jump to it (one metadata compare). PostgreSQL, a network round trip per statement, runs the
/// generic code.
///
/// `SendableMetatype`: a repository passes `Self.decoder` functions as row closures, which capture the metatype.
protocol SQLSession: SendableMetatype {
    associatedtype Row: SQLRow

    static var dialect: SQLDialect { get }

    /// Runs one statement to completion; the rows it changed.
    @discardableResult
    func execute(_ sql: String, _ values: [any SQLBindable]) throws -> Int

    /// Maps every result row of `sql`.
    func query<T>(_ sql: String, _ values: [any SQLBindable], row: (Row) throws -> T) throws -> [T]

    /// Maps the first result row of `sql`, or returns nil when there is none.
    func queryFirst<T>(_ sql: String, _ values: [any SQLBindable], row: (Row) throws -> T) throws -> T?

    /// The integer in the first column of the first row (0 for no row or NULL).
    func scalarInt(_ sql: String, _ values: [any SQLBindable]) throws -> Int

    /// Runs `body` and maps a violated constraint to what the repositories' callers handle: a row it refers to is
    /// missing (foreign key) is `StorageError.notFound`; a key already taken is `.conflict(field: conflictField)`
    /// when the caller names the field; anything else is thrown as it is. On PostgreSQL `body` runs inside a
    /// savepoint, so that a failure undoes only its statements and the transaction can go on, as on SQLite.
    @discardableResult
    func guarded<T>(conflictField: String?, _ body: () throws -> T) throws -> T
}

extension SQLSession {
    @discardableResult
    func execute(_ sql: String) throws -> Int { try execute(sql, []) }

    func query<T>(_ sql: String, row: (Row) throws -> T) throws -> [T] { try query(sql, [], row: row) }

    func scalarInt(_ sql: String) throws -> Int { try scalarInt(sql, []) }
}
