import Foundation

/// One row of `PostgresRows`, read by column name or position, with the decoders for the types the repositories
/// store: ids as lower-case text, times as int8 milliseconds since 1970 (as on SQLite, so both backends hand back
/// the same `Date`), booleans, float8 and bytea.
struct PostgresRow {
    let values: [PostgresValue]
    let columns: [String: Int]
    let sql: String

    func index(_ name: String) throws -> Int {
        guard let index = columns[name] else { throw corrupt("no column named \(name)") }
        return index
    }

    func value(_ name: String) throws -> PostgresValue { values[try index(name)] }

    func isNull(named name: String) throws -> Bool { try value(name).isNull }
    func isNull(at index: Int) -> Bool { values[index].isNull }

    func string(named name: String) throws -> String? { string(at: try index(name)) }
    func string(at index: Int) -> String? { values[index].string }

    func int64(named name: String) throws -> Int64 { try int64(at: try index(name)) }
    func int64(at index: Int) throws -> Int64 {
        switch values[index] {
        case .int8(let value): return value
        case .float8(let value): return Int64(value)
        case .bool(let value): return value ? 1 : 0  // `scalarInt` of an EXISTS
        case .null: return 0
        default: throw corrupt("column \(index) is not a number")
        }
    }

    func int(named name: String) throws -> Int { Int(try int64(named: name)) }
    func int(at index: Int) throws -> Int { Int(try int64(at: index)) }
    func optionalInt(named name: String) throws -> Int? { try optionalInt(at: try index(name)) }
    func optionalInt(at index: Int) throws -> Int? { isNull(at: index) ? nil : try int(at: index) }

    func double(named name: String) throws -> Double { try double(at: try index(name)) }
    func double(at index: Int) throws -> Double {
        switch values[index] {
        case .float8(let value): return value
        case .int8(let value): return Double(value)
        case .null: return 0
        default: throw corrupt("column \(index) is not a number")
        }
    }

    func bool(named name: String) throws -> Bool {
        switch try value(name) {
        case .bool(let value): return value
        case .int8(let value): return value != 0
        default: return false
        }
    }

    func bytes(named name: String) throws -> [UInt8]? { try value(name).bytes }

    func uuid(named name: String) throws -> UUID { try uuid(at: try index(name)) }
    func uuid(at index: Int) throws -> UUID {
        guard let text = string(at: index), let id = UUID.parse(text) else { throw corrupt("column \(index) is not a UUID") }
        return id
    }
    func optionalUUID(named name: String) throws -> UUID? { try optionalUUID(at: try index(name)) }
    func optionalUUID(at index: Int) throws -> UUID? { isNull(at: index) ? nil : try uuid(at: index) }

    func date(named name: String) throws -> Date { try date(at: try index(name)) }
    func date(at index: Int) throws -> Date { Date(sqliteMilliseconds: try int64(at: index)) }
    func optionalDate(named name: String) throws -> Date? { try optionalDate(at: try index(name)) }
    func optionalDate(at index: Int) throws -> Date? { isNull(at: index) ? nil : try date(at: index) }

    func enumeration<T: RawRepresentable>(_ type: T.Type, at index: Int) throws -> T where T.RawValue == String {
        guard let text = string(at: index), let value = T(rawValue: text) else {
            throw corrupt("column \(index) holds an unknown value")
        }
        return value
    }

    func enumeration<T: RawRepresentable>(_ type: T.Type, named name: String) throws -> T where T.RawValue == String {
        try enumeration(type, at: try index(name))
    }

    private func corrupt(_ message: String) -> PostgresError {
        PostgresError(sqlState: "XX001", message: message, sql: sql)
    }
}

/// Ids travel as their lower-case text form, as the API shows them and as SQLite stores them.
extension UUID: PostgresBindable {
    public var postgresValue: PostgresValue { .text(lowercasedString) }
}

/// Times travel as whole milliseconds since 1970 (UTC), the SQLite encoding, so rounding is the same everywhere.
extension Date: PostgresBindable {
    public var postgresValue: PostgresValue {
        if case .integer(let milliseconds) = sqliteValue { .int8(milliseconds) } else { .null }
    }
}
