import CSQLite

/// A failed SQLite call, captured at the call site from `sqlite3_errmsg` before anything else can overwrite it.
public struct SQLiteError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The primary result code (`SQLITE_BUSY`, `SQLITE_CONSTRAINT`, …).
    public let code: Int32
    /// The extended result code (`SQLITE_CONSTRAINT_UNIQUE`, …); equal to `code` when there is none.
    public let extendedCode: Int32
    public let message: String
    /// The statement that failed, when there was one.
    public let sql: String?

    public init(code: Int32, extendedCode: Int32? = nil, message: String, sql: String? = nil) {
        self.code = code & 0xFF
        self.extendedCode = extendedCode ?? code
        self.message = message
        self.sql = sql
    }

    /// Reads the message and extended code of the last failure on `handle` (a `sqlite3*`).
    init(handle: OpaquePointer?, resultCode: Int32, sql: String? = nil) {
        let extended = handle.map { sqlite3_extended_errcode($0) } ?? resultCode
        let message: String
        if let handle, let text = sqlite3_errmsg(handle) {
            message = String(cString: text)
        } else {
            message = String(cString: sqlite3_errstr(resultCode))
        }
        self.init(code: resultCode, extendedCode: extended, message: message, sql: sql)
    }

    /// True for a violated UNIQUE constraint or PRIMARY KEY.
    public var isUniqueViolation: Bool {
        extendedCode == SQLiteError.constraintUnique || extendedCode == SQLiteError.constraintPrimaryKey
    }

    /// True for a violated FOREIGN KEY constraint.
    public var isForeignKeyViolation: Bool { extendedCode == SQLiteError.constraintForeignKey }

    public var description: String {
        var text = "SQLite error \(extendedCode): \(message)"
        if let sql { text += " [\(sql)]" }
        return text
    }

    // Extended codes are macros built with `|` and `<<`, which Swift does not import.
    static let constraintForeignKey: Int32 = SQLITE_CONSTRAINT | (3 << 8)
    static let constraintPrimaryKey: Int32 = SQLITE_CONSTRAINT | (6 << 8)
    static let constraintUnique: Int32 = SQLITE_CONSTRAINT | (8 << 8)
}
