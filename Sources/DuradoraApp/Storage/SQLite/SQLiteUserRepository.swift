import CSQLite
import Foundation

/// `UserRepository` on one SQLite connection, inside the caller's transaction.
struct SQLiteUserRepository: UserRepository {
    let connection: SQLiteConnection

    private static let columnNames = ["id", "username", "role", "created_at", "max_bitrate"]
    private static let columns = columnNames.joined(separator: ", ")
    /// The columns `user(_:)` reads, from a joined `users` table named `alias`: other repositories' queries that
    /// return a row with its user (tokens, app passwords) select them this way, so a new user column is added once.
    static func columns(of alias: String) -> String {
        columnNames.map { "\(alias).\($0) AS \($0)" }.joined(separator: ", ")
    }

    func create(username: String, role: Role, passwordHash: String?, createdAt: Date) throws -> User {
        let user = User(id: UUID(), username: username, role: role, createdAt: createdAt.sqliteRounded)
        do {
            try connection.execute(
                "INSERT INTO users (id, username, role, password_hash, created_at) VALUES (?, ?, ?, ?, ?)",
                [user.id, user.username, user.role.rawValue, passwordHash, user.createdAt]
            )
        } catch let error as SQLiteError {
            throw error.insertError(conflictField: "username")
        }
        return user
    }

    func find(id: UUID) throws -> User? {
        try connection.queryFirst("SELECT \(Self.columns) FROM users WHERE id = ?", [id], row: Self.user)
    }

    func find(username: String) throws -> User? {
        try connection.queryFirst(
            "SELECT \(Self.columns) FROM users WHERE username = ? COLLATE NOCASE", [username], row: Self.user)
    }

    func credentials(username: String) throws -> UserCredentials? {
        try connection.queryFirst(
            "SELECT \(Self.columns), password_hash FROM users WHERE username = ? COLLATE NOCASE", [username]
        ) { row in
            UserCredentials(user: try Self.user(row), passwordHash: try row.string(named: "password_hash"))
        }
    }

    func list(limit: Int, offset: Int) throws -> Page<User> {
        let items = try connection.query(
            "SELECT \(Self.columns) FROM users ORDER BY created_at, rowid LIMIT ? OFFSET ?",
            [max(limit, 0), max(offset, 0)],
            row: Self.user
        )
        return Page(items: items, total: try count(), limit: limit, offset: offset)
    }

    func updateRole(id: UUID, to role: Role) throws -> User {
        let updated = try connection.queryFirst(
            "UPDATE users SET role = ? WHERE id = ? RETURNING \(Self.columns)", [role.rawValue, id], row: Self.user)
        guard let updated else { throw StorageError.notFound }
        return updated
    }

    func updatePasswordHash(id: UUID, to passwordHash: String?) throws {
        let changed = try connection.execute("UPDATE users SET password_hash = ? WHERE id = ?", [passwordHash, id])
        guard changed == 1 else { throw StorageError.notFound }
    }

    func delete(id: UUID) throws {
        let changed = try connection.execute("DELETE FROM users WHERE id = ?", [id])
        guard changed == 1 else { throw StorageError.notFound }
    }

    func count() throws -> Int {
        try connection.scalarInt("SELECT COUNT(*) FROM users")
    }

    func countAdmins() throws -> Int {
        try connection.scalarInt("SELECT COUNT(*) FROM users WHERE role = 'admin'")
    }

    func updateMaxBitrate(id: UUID, to kbps: Int?) throws -> User {
        guard let user = try connection.queryFirst(
            "UPDATE users SET max_bitrate = ? WHERE id = ? RETURNING \(Self.columns)", [kbps, id], row: Self.user)
        else { throw StorageError.notFound }
        return user
    }

    /// Reads the user columns, by name.
    static func user(_ row: SQLiteStatement) throws -> User {
        User(
            id: try row.uuid(named: "id"),
            username: try row.string(named: "username") ?? "",
            role: try row.role(named: "role"),
            createdAt: try row.date(named: "created_at"),
            maxBitrate: try row.isNull(named: "max_bitrate") ? nil : try row.int(named: "max_bitrate")
        )
    }
}

extension SQLiteStatement {
    fileprivate func role(named name: String) throws -> Role {
        guard let text = try string(named: name), let role = Role(rawValue: text) else {
            throw SQLiteError(code: SQLITE_CORRUPT, message: "column \(name) is not a role", sql: sql)
        }
        return role
    }
}
