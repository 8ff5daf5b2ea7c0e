import CSQLite
import Foundation

/// Column readers for the types the repositories store (see `SQLiteValue.swift` for how they are bound).
extension SQLiteStatement {
    /// A UUID column; anything else is reported as corruption.
    func uuid(named name: String) throws -> UUID {
        try uuid(at: try columnIndex(named: name))
    }

    func optionalUUID(named name: String) throws -> UUID? {
        try optionalUUID(at: try columnIndex(named: name))
    }

    func date(named name: String) throws -> Date {
        date(at: try columnIndex(named: name))
    }

    func optionalDate(named name: String) throws -> Date? {
        optionalDate(at: try columnIndex(named: name))
    }

    // By position, for the rows read on every request (`SQLiteTrackColumn` says why).

    func uuid(at index: Int32) throws -> UUID {
        guard let text = string(at: index), let id = UUID.parse(text) else {
            let name = columnName(at: index) ?? "\(index)"
            throw SQLiteError(code: SQLITE_CORRUPT, message: "column \(name) is not a UUID", sql: sql)
        }
        return id
    }

    func optionalUUID(at index: Int32) throws -> UUID? {
        isNull(at: index) ? nil : try uuid(at: index)
    }

    func date(at index: Int32) -> Date {
        Date(sqliteMilliseconds: int64(at: index))
    }

    func optionalDate(at index: Int32) -> Date? {
        isNull(at: index) ? nil : date(at: index)
    }
}

extension Date {
    /// The date as the database will give it back (whole milliseconds).
    var sqliteRounded: Date {
        guard case .integer(let milliseconds) = sqliteValue else { return self }
        return Date(sqliteMilliseconds: milliseconds)
    }
}
