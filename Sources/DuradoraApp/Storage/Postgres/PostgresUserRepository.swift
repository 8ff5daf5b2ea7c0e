import Foundation

/// `UserRepository` on one PostgreSQL connection, inside the caller's transaction. Usernames compare through
/// `duradora_nocase` (SQLite's NOCASE rule), which the unique index `users_username_key` also uses.
struct PostgresUserRepository: UserRepository {
    let connection: PostgresConnection

    private static let columnNames = ["id", "username", "role", "created_at", "max_bitrate"]
    private static let columns = columnNames.joined(separator: ", ")
    /// The user columns from a joined `users` table named `alias` (as `SQLiteUserRepository.columns(of:)`).
    static func columns(of alias: String) -> String {
        columnNames.map { "\(alias).\($0) AS \($0)" }.joined(separator: ", ")
    }

    func create(username: String, role: Role, passwordHash: String?, createdAt: Date) throws -> User {
        let user = User(id: UUID(), username: username, role: role, createdAt: createdAt.sqliteRounded)
        try connection.guarded(conflictField: "username") {
            try connection.execute(
                "INSERT INTO users (id, username, role, password_hash, created_at) VALUES ($1, $2, $3, $4, $5)",
                [user.id, user.username, user.role.rawValue, passwordHash, user.createdAt])
        }
        return user
    }

    func find(id: UUID) throws -> User? {
        try connection.queryFirst("SELECT \(Self.columns) FROM users WHERE id = $1", [id], row: Self.user)
    }

    func find(username: String) throws -> User? {
        try connection.queryFirst(
            "SELECT \(Self.columns) FROM users WHERE duradora_nocase(username) = duradora_nocase($1)", [username],
            row: Self.user)
    }

    func credentials(username: String) throws -> UserCredentials? {
        try connection.queryFirst(
            "SELECT \(Self.columns), password_hash FROM users WHERE duradora_nocase(username) = duradora_nocase($1)",
            [username]
        ) { row in
            UserCredentials(user: try Self.user(row), passwordHash: try row.string(named: "password_hash"))
        }
    }

    func list(limit: Int, offset: Int) throws -> Page<User> {
        let items = try connection.query(
            "SELECT \(Self.columns) FROM users ORDER BY created_at, rowid LIMIT $1 OFFSET $2",
            [max(limit, 0), max(offset, 0)], row: Self.user)
        return Page(items: items, total: try count(), limit: limit, offset: offset)
    }

    func updateRole(id: UUID, to role: Role) throws -> User {
        let updated = try connection.queryFirst(
            "UPDATE users SET role = $1 WHERE id = $2 RETURNING \(Self.columns)", [role.rawValue, id], row: Self.user)
        guard let updated else { throw StorageError.notFound }
        return updated
    }

    func updateMaxBitrate(id: UUID, to kbps: Int?) throws -> User {
        guard let user = try connection.queryFirst(
            "UPDATE users SET max_bitrate = $1 WHERE id = $2 RETURNING \(Self.columns)", [kbps, id], row: Self.user)
        else { throw StorageError.notFound }
        return user
    }

    func updatePasswordHash(id: UUID, to passwordHash: String?) throws {
        let changed = try connection.execute("UPDATE users SET password_hash = $1 WHERE id = $2", [passwordHash, id])
        guard changed == 1 else { throw StorageError.notFound }
    }

    func delete(id: UUID) throws {
        let changed = try connection.execute("DELETE FROM users WHERE id = $1", [id])
        guard changed == 1 else { throw StorageError.notFound }
    }

    func count() throws -> Int {
        try connection.scalarInt("SELECT COUNT(*) FROM users")
    }

    func countAdmins() throws -> Int {
        try connection.scalarInt("SELECT COUNT(*) FROM users WHERE role = 'admin'")
    }

    /// Reads the user columns, by name.
    static func user(_ row: PostgresRow) throws -> User {
        User(
            id: try row.uuid(named: "id"),
            username: try row.string(named: "username") ?? "",
            role: try row.enumeration(Role.self, named: "role"),
            createdAt: try row.date(named: "created_at"),
            maxBitrate: try row.optionalInt(named: "max_bitrate"))
    }
}
