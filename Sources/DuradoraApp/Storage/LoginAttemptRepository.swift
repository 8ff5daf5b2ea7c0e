import Foundation

/// Migration 16, the same statements on both backends: the login throttle's attempts, where several instances
/// count them together (`LoginThrottle` with a shared database). One row per key and attempt, gone once old.
enum LoginAttemptSchema {
    static let sql = """
        CREATE TABLE login_attempts (
            key TEXT NOT NULL,        -- "user:<name>" or "addr:<client address>"
            at  BIGINT NOT NULL       -- ms since 1970
        );
        CREATE INDEX login_attempts_key ON login_attempts (key, at);
        """
}

/// Login attempts by key, whatever the backend. Get one from `DatabaseTransaction.loginAttempts`.
public protocol LoginAttemptRepository {
    /// When `key` was tried after `horizon`, oldest first; drops its attempts from before.
    func attempts(key: String, after horizon: Date) throws -> [Date]

    func record(key: String, at date: Date) throws
}
