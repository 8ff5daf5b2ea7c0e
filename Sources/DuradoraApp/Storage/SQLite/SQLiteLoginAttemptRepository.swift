import Foundation

/// `LoginAttemptRepository` on one SQLite connection, inside the caller's transaction.
struct SQLiteLoginAttemptRepository: LoginAttemptRepository {
    let connection: SQLiteConnection

    func attempts(key: String, after horizon: Date) throws -> [Date] {
        try connection.execute("DELETE FROM login_attempts WHERE key = ? AND at <= ?", [key, horizon])
        return try connection.query("SELECT at FROM login_attempts WHERE key = ? ORDER BY at", [key]) {
            Date(sqliteMilliseconds: $0.int64(at: 0))
        }
    }

    func record(key: String, at date: Date) throws {
        try connection.execute("INSERT INTO login_attempts (key, at) VALUES (?, ?)", [key, date])
    }
}
