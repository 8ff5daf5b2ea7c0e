import Foundation

/// One SQLite value, as bound to a parameter or read from a column.
public enum SQLiteValue: Sendable, Hashable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
    case blob([UInt8])
}
