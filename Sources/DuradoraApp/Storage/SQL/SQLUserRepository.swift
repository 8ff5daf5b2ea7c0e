import Foundation

/// `UserRepository` on one connection of either backend, inside the caller's transaction. Usernames compare by
/// SQLite's NOCASE rule (`SQLDialect.equalsIgnoringCase`), which the unique index on them also uses.
struct SQLUserRepository<Session: SQLSession>: UserRepository {
    let connection: Session

    private static var columns: String { UserColumns.list }
    private static var byUsername: String { Session.dialect.equalsIgnoringCase("username", "?") }

    @_specialize(where Session == SQLiteConnection)
    func create(username: String, role: Role, passwordHash: String?, createdAt: Date) throws -> User {
        let user = User(id: UUID(), username: username, role: role, createdAt: createdAt.sqliteRounded)
        try connection.guarded(conflictField: "username") {
            try connection.execute(
                "INSERT INTO users (id, username, role, password_hash, created_at) VALUES (?, ?, ?, ?, ?)",
                [user.id, user.username, user.role.rawValue, passwordHash, user.createdAt])
        }
        return user
    }

    @_specialize(where Session == SQLiteConnection)
    func find(id: UUID) throws -> User? {
        try connection.queryFirst("SELECT \(Self.columns) FROM users WHERE id = ?", [id], row: UserColumns.user)
    }

    @_specialize(where Session == SQLiteConnection)
    func find(username: String) throws -> User? {
        try connection.queryFirst(
            "SELECT \(Self.columns) FROM users WHERE \(Self.byUsername)", [username], row: UserColumns.user)
    }

    @_specialize(where Session == SQLiteConnection)
    func credentials(username: String) throws -> UserCredentials? {
        try connection.queryFirst(
            "SELECT \(Self.columns), password_hash FROM users WHERE \(Self.byUsername)", [username]
        ) { row in
            UserCredentials(user: try UserColumns.user(row), passwordHash: try row.string(named: "password_hash"))
        }
    }

    @_specialize(where Session == SQLiteConnection)
    func list(limit: Int, offset: Int) throws -> Page<User> {
        let items = try connection.query(
            "SELECT \(Self.columns) FROM users ORDER BY created_at, rowid LIMIT ? OFFSET ?",
            [max(limit, 0), max(offset, 0)], row: UserColumns.user)
        return Page(items: items, total: try count(), limit: limit, offset: offset)
    }

    @_specialize(where Session == SQLiteConnection)
    func updateRole(id: UUID, to role: Role) throws -> User {
        let updated = try connection.queryFirst(
            "UPDATE users SET role = ? WHERE id = ? RETURNING \(Self.columns)", [role.rawValue, id],
            row: UserColumns.user)
        guard let updated else { throw StorageError.notFound }
        return updated
    }

    @_specialize(where Session == SQLiteConnection)
    func updateMaxBitrate(id: UUID, to kbps: Int?) throws -> User {
        guard let user = try connection.queryFirst(
            "UPDATE users SET max_bitrate = ? WHERE id = ? RETURNING \(Self.columns)", [kbps, id], row: UserColumns.user)
        else { throw StorageError.notFound }
        return user
    }

    @_specialize(where Session == SQLiteConnection)
    func updatePasswordHash(id: UUID, to passwordHash: String?) throws {
        let changed = try connection.execute("UPDATE users SET password_hash = ? WHERE id = ?", [passwordHash, id])
        guard changed == 1 else { throw StorageError.notFound }
    }

    @_specialize(where Session == SQLiteConnection)
    func delete(id: UUID) throws {
        let changed = try connection.execute("DELETE FROM users WHERE id = ?", [id])
        guard changed == 1 else { throw StorageError.notFound }
    }

    @_specialize(where Session == SQLiteConnection)
    func count() throws -> Int {
        try connection.scalarInt("SELECT COUNT(*) FROM users")
    }

    @_specialize(where Session == SQLiteConnection)
    func countAdmins() throws -> Int {
        try connection.scalarInt("SELECT COUNT(*) FROM users WHERE role = 'admin'")
    }
}
