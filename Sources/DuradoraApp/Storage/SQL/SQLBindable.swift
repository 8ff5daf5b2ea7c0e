import Foundation

/// A Swift value that can be bound to a statement parameter on either backend: one conformance per type says how
/// each backend stores it, so a repository written once (`SQLSession`) binds the same values to both.
///
/// The encodings are the stored formats of the two schemas and must not change: ids are lower-case text, times
/// whole milliseconds since 1970 (UTC) as a 64-bit integer, booleans 0/1 on SQLite and `bool` on PostgreSQL.
public protocol SQLBindable {
    var sqliteValue: SQLiteValue { get }
    var postgresValue: PostgresValue { get }
}

extension SQLiteValue: SQLBindable {
    public var sqliteValue: SQLiteValue { self }

    /// As `duradora migrate-data` copies a SQLite value into PostgreSQL.
    public var postgresValue: PostgresValue {
        switch self {
        case .null: .null
        case .integer(let integer): .int8(integer)
        case .real(let real): .float8(real)
        case .text(let text): .text(text)
        case .blob(let bytes): .bytea(bytes)
        }
    }
}

extension PostgresValue: SQLBindable {
    public var postgresValue: PostgresValue { self }

    public var sqliteValue: SQLiteValue {
        switch self {
        case .null: .null
        case .int8(let integer): .integer(integer)
        case .float8(let real): .real(real)
        case .bool(let flag): .integer(flag ? 1 : 0)
        case .text(let text): .text(text)
        case .bytea(let bytes): .blob(bytes)
        }
    }
}

extension Int: SQLBindable {
    public var sqliteValue: SQLiteValue { .integer(Int64(self)) }
    public var postgresValue: PostgresValue { .int8(Int64(self)) }
}

extension Int64: SQLBindable {
    public var sqliteValue: SQLiteValue { .integer(self) }
    public var postgresValue: PostgresValue { .int8(self) }
}

extension Double: SQLBindable {
    public var sqliteValue: SQLiteValue { .real(self) }
    public var postgresValue: PostgresValue { .float8(self) }
}

extension String: SQLBindable {
    public var sqliteValue: SQLiteValue { .text(self) }
    public var postgresValue: PostgresValue { .text(self) }
}

extension Array: SQLBindable where Element == UInt8 {
    public var sqliteValue: SQLiteValue { .blob(self) }
    public var postgresValue: PostgresValue { .bytea(self) }
}

extension Bool: SQLBindable {
    public var sqliteValue: SQLiteValue { .integer(self ? 1 : 0) }
    public var postgresValue: PostgresValue { .bool(self) }
}

/// Ids are stored as their lower-case text form, as the API shows them.
extension UUID: SQLBindable {
    public var sqliteValue: SQLiteValue { .text(lowercasedString) }
    public var postgresValue: PostgresValue { .text(lowercasedString) }
}

/// Times are stored as whole milliseconds since 1970 (UTC), which sort and compare as integers, on both backends
/// (so rounding is the same everywhere).
extension Date: SQLBindable {
    public var sqliteValue: SQLiteValue { .integer(milliseconds) }
    public var postgresValue: PostgresValue { .int8(milliseconds) }

    private var milliseconds: Int64 { Int64((timeIntervalSince1970 * 1000).rounded(.down)) }

    /// The date as the database will give it back (whole milliseconds).
    var sqliteRounded: Date { Date(sqliteMilliseconds: milliseconds) }

    init(sqliteMilliseconds milliseconds: Int64) {
        self.init(timeIntervalSince1970: Double(milliseconds) / 1000)
    }
}

extension Optional: SQLBindable where Wrapped: SQLBindable {
    public var sqliteValue: SQLiteValue { self?.sqliteValue ?? .null }
    public var postgresValue: PostgresValue { self?.postgresValue ?? .null }
}
