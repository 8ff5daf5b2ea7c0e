import CSQLite
import Foundation

/// Column readers for the types the repositories store (see `SQLiteValue.swift` for how they are bound).
extension SQLiteStatement {
    /// A UUID column; anything else is reported as corruption.
    func uuid(named name: String) throws -> UUID {
        guard let text = try string(named: name), let id = UUID.parse(text) else {
            throw SQLiteError(code: SQLITE_CORRUPT, message: "column \(name) is not a UUID", sql: sql)
        }
        return id
    }

    func optionalUUID(named name: String) throws -> UUID? {
        try isNull(named: name) ? nil : try uuid(named: name)
    }

    func date(named name: String) throws -> Date {
        Date(sqliteMilliseconds: try int64(named: name))
    }

    func optionalDate(named name: String) throws -> Date? {
        try isNull(named: name) ? nil : try date(named: name)
    }
}

extension Date {
    /// The date as the database will give it back (whole milliseconds).
    var sqliteRounded: Date {
        guard case .integer(let milliseconds) = sqliteValue else { return self }
        return Date(sqliteMilliseconds: milliseconds)
    }
}
