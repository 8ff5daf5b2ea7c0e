import Foundation

/// One row of `PostgresRows` as a `SQLRow`: the readers of PostgreSQL's binary values here, the decoders of the
/// stored types (ids as lower-case text, times as int8 milliseconds since 1970, as on SQLite, so both backends
/// hand back the same `Date`) and the reads by name in `SQLRow`'s extension.
struct PostgresRow: SQLRow {
    let values: [PostgresValue]
    let columns: [String: Int32]
    let sql: String

    func columnIndex(named name: String) throws -> Int32 {
        guard let index = columns[name] else { throw corrupt("no column named \(name)") }
        return index
    }

    func isNull(at index: Int32) -> Bool { values[Int(index)].isNull }

    func string(at index: Int32) -> String? { values[Int(index)].string }

    func int64(at index: Int32) throws -> Int64 {
        switch values[Int(index)] {
        case .int8(let value): return value
        case .float8(let value): return Int64(value)
        case .bool(let value): return value ? 1 : 0  // `scalarInt` of an EXISTS
        case .null: return 0
        default: throw corruption("is not a number", at: index)
        }
    }

    func double(at index: Int32) throws -> Double {
        switch values[Int(index)] {
        case .float8(let value): return value
        case .int8(let value): return Double(value)
        case .null: return 0
        default: throw corruption("is not a number", at: index)
        }
    }

    func bool(at index: Int32) throws -> Bool {
        switch values[Int(index)] {
        case .bool(let value): value
        case .int8(let value): value != 0
        default: false
        }
    }

    func blob(at index: Int32) throws -> [UInt8]? { values[Int(index)].bytes }

    func corruption(_ message: String, at index: Int32) -> any Error {
        corrupt("column \(index) \(message)")
    }

    private func corrupt(_ message: String) -> PostgresError {
        PostgresError(sqlState: "XX001", message: message, sql: sql)
    }
}
