import CLibPQ
import Foundation

/// A failed libpq call or statement: the server's SQLSTATE and message when it answered, or libpq's own message
/// (with no SQLSTATE) when it could not reach it.
public struct PostgresError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Five characters, e.g. `23505` (unique_violation); nil for client-side failures (connect, lost connection).
    public let sqlState: String?
    public let message: String
    /// The violated constraint and its table, for integrity errors.
    public let constraint: String?
    public let table: String?
    /// The statement, when there was one.
    public let sql: String?
    /// The connection was lost or could not be made: the statement may or may not have run.
    public let isConnectionLoss: Bool

    public init(sqlState: String? = nil, message: String, constraint: String? = nil, table: String? = nil,
                sql: String? = nil, isConnectionLoss: Bool = false) {
        self.sqlState = sqlState
        self.message = message
        self.constraint = constraint
        self.table = table
        self.sql = sql
        self.isConnectionLoss = isConnectionLoss
    }

    /// From a failed result; `connection` tells whether the failure took the connection down.
    init(result: OpaquePointer?, connection: OpaquePointer, sql: String) {
        func field(_ code: Character) -> String? {
            guard let result, let text = PQresultErrorField(result, Int32(code.asciiValue!)) else { return nil }
            return String(cString: text)
        }
        let state = field("C")
        let message = field("M") ?? Self.text(PQerrorMessage(connection))
        // Class 08 is "connection exception"; 57P01-57P03 are the server shutting down or terminating us.
        let lost = PQstatus(connection) != CONNECTION_OK || state?.hasPrefix("08") == true
            || ["57P01", "57P02", "57P03"].contains(state ?? "")
        self.init(sqlState: state, message: message, constraint: field("n"), table: field("t"), sql: sql, isConnectionLoss: lost)
    }

    static func text(_ message: UnsafePointer<CChar>?) -> String {
        message.map { String(cString: $0).trimmingCharacters(in: .whitespacesAndNewlines) } ?? "unknown libpq error"
    }

    public var isUniqueViolation: Bool { sqlState == "23505" }
    public var isForeignKeyViolation: Bool { sqlState == "23503" }
    /// statement_timeout (or a cancel) stopped the statement.
    public var isCanceled: Bool { sqlState == "57014" }
    /// Worth running the whole transaction again: serialization failure or deadlock.
    public var isRetryable: Bool { sqlState == "40001" || sqlState == "40P01" }

    /// What the repositories' callers handle: a missing referenced row (foreign key) is `StorageError.notFound`;
    /// a taken unique key is `.conflict(field:)`, the field named by the constraint as PostgreSQL names a UNIQUE
    /// column's by default, `<table>_<field>_key` (our migrations name expression indexes the same way). Nil for
    /// anything else: an outage or a bug.
    public var storageError: StorageError? {
        if isForeignKeyViolation { return .notFound }
        guard isUniqueViolation, let constraint, let table, constraint.hasPrefix(table + "_"), constraint.hasSuffix("_key"),
              constraint.count > table.count + 1 + "_key".count
        else { return nil }
        return .conflict(field: String(constraint.dropFirst(table.count + 1).dropLast("_key".count)))
    }

    public var description: String {
        var text = "PostgreSQL error"
        if let sqlState { text += " \(sqlState)" }
        text += ": \(message)"
        if let sql { text += " [\(sql)]" }
        return text
    }
}
