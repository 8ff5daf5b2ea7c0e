import Foundation

/// `LoginAttemptRepository` on one PostgreSQL connection, inside the caller's transaction.
struct PostgresLoginAttemptRepository: LoginAttemptRepository {
    let connection: PostgresConnection

    func attempts(key: String, after horizon: Date) throws -> [Date] {
        try connection.execute("DELETE FROM login_attempts WHERE key = $1 AND at <= $2", [key, horizon])
        return try connection.query("SELECT at FROM login_attempts WHERE key = $1 ORDER BY at", [key]) {
            Date(sqliteMilliseconds: try $0.int64(at: 0))
        }
    }

    func record(key: String, at date: Date) throws {
        try connection.execute("INSERT INTO login_attempts (key, at) VALUES ($1, $2)", [key, date])
    }
}
