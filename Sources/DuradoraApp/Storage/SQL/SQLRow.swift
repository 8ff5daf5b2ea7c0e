import Foundation

/// A result row as the shared repositories read it, on either backend: `SQLiteStatement` (the row the statement
/// stands on) and `PostgresRow`. Positions count from 0. The requirements are each backend's own readers; the
/// decoders of the stored types (ids, times, enumerations) and the reads by name are written once below, so both
/// backends decode a row by the same rule.
protocol SQLRow: SendableMetatype {
    func isNull(at index: Int32) -> Bool
    /// The column as text, or nil when it is NULL.
    func string(at index: Int32) -> String?
    /// The column's UTF-8 bytes handed to `body` without a `String` made of them, or nil when it is NULL.
    func withText<R>(at index: Int32, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R?
    /// The column as an integer; NULL reads as 0 (as in SQLite).
    func int64(at index: Int32) throws -> Int64
    func double(at index: Int32) throws -> Double
    func bool(at index: Int32) throws -> Bool
    /// The column as bytes, or nil when it is NULL.
    func blob(at index: Int32) throws -> [UInt8]?
    /// The position of the result column called `name` (as written in the SQL or its `AS` alias).
    func columnIndex(named name: String) throws -> Int32
    /// The backend's error for a value the schema cannot have produced (a corrupt or mismatched column).
    func corruption(_ message: String, at index: Int32) -> any Error
}

extension SQLRow {
    func int(at index: Int32) throws -> Int { Int(try int64(at: index)) }

    func optionalInt(at index: Int32) throws -> Int? {
        isNull(at: index) ? nil : try int(at: index)
    }

    /// The column's text as a `String`, for backends whose rows hold strings anyway.
    func withText<R>(at index: Int32, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R? {
        guard var text = string(at: index) else { return nil }
        return text.withUTF8(body)
    }

    /// A UUID column; anything else is reported as corruption.
    func uuid(at index: Int32) throws -> UUID {
        guard let id = try optionalUUID(at: index) else { throw corruption("is not a UUID", at: index) }
        return id
    }

    /// Parsed from the column's bytes: a 36-character `String` per id was an allocation, three a track.
    func optionalUUID(at index: Int32) throws -> UUID? {
        guard let parsed = withText(at: index, { UUID.parse(utf8: $0) }) else { return nil }
        guard let id = parsed else { throw corruption("is not a UUID", at: index) }
        return id
    }

    /// Times are stored as whole milliseconds (`Date.sqliteValue`).
    func date(at index: Int32) throws -> Date {
        Date(sqliteMilliseconds: try int64(at: index))
    }

    func optionalDate(at index: Int32) throws -> Date? {
        isNull(at: index) ? nil : try date(at: index)
    }

    /// A text column holding one of `T`'s raw values.
    func enumeration<T: RawRepresentable>(_ type: T.Type, at index: Int32) throws -> T where T.RawValue == String {
        guard let text = string(at: index), let value = T(rawValue: text) else {
            throw corruption("holds an unknown value", at: index)
        }
        return value
    }

    // By name: for the rows read now and then. The rows read on every request go by position
    // (`TrackColumn` says why).

    func isNull(named name: String) throws -> Bool { isNull(at: try columnIndex(named: name)) }
    func string(named name: String) throws -> String? { string(at: try columnIndex(named: name)) }
    func int64(named name: String) throws -> Int64 { try int64(at: try columnIndex(named: name)) }
    func int(named name: String) throws -> Int { try int(at: try columnIndex(named: name)) }
    func optionalInt(named name: String) throws -> Int? { try optionalInt(at: try columnIndex(named: name)) }
    func double(named name: String) throws -> Double { try double(at: try columnIndex(named: name)) }
    func bool(named name: String) throws -> Bool { try bool(at: try columnIndex(named: name)) }
    func blob(named name: String) throws -> [UInt8]? { try blob(at: try columnIndex(named: name)) }
    func uuid(named name: String) throws -> UUID { try uuid(at: try columnIndex(named: name)) }
    func optionalUUID(named name: String) throws -> UUID? { try optionalUUID(at: try columnIndex(named: name)) }
    func date(named name: String) throws -> Date { try date(at: try columnIndex(named: name)) }
    func optionalDate(named name: String) throws -> Date? { try optionalDate(at: try columnIndex(named: name)) }

    func enumeration<T: RawRepresentable>(_ type: T.Type, named name: String) throws -> T where T.RawValue == String {
        try enumeration(type, at: try columnIndex(named: name))
    }
}
