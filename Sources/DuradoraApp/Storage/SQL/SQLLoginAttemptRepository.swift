import Foundation

/// `LoginAttemptRepository` on one connection of either backend, inside the caller's transaction.
struct SQLLoginAttemptRepository<Session: SQLSession>: LoginAttemptRepository {
    let connection: Session

    @_specialize(where Session == SQLiteConnection)
    func attempts(key: String, after horizon: Date) throws -> [Date] {
        try connection.execute("DELETE FROM login_attempts WHERE key = ? AND at <= ?", [key, horizon])
        return try connection.query("SELECT at FROM login_attempts WHERE key = ? ORDER BY at", [key]) {
            try $0.date(at: 0)
        }
    }

    @_specialize(where Session == SQLiteConnection)
    func record(key: String, at date: Date) throws {
        try connection.execute("INSERT INTO login_attempts (key, at) VALUES (?, ?)", [key, date])
    }
}
