import Foundation

/// `AppPasswordRepository` on one connection of either backend, inside the caller's transaction.
struct SQLAppPasswordRepository<Session: SQLSession>: AppPasswordRepository {
    let connection: Session

    private static var columns: String {
        """
        a.id AS a_id, a.user_id AS a_user_id, a.name AS a_name, a.sealed AS a_sealed, \
        a.lookup_hash AS a_lookup_hash, a.created_at AS a_created_at
        """
    }

    @_specialize(where Session == SQLiteConnection)
    func insert(_ password: AppPassword) throws {
        try connection.guarded(conflictField: "app_password") {
            try connection.execute(
                "INSERT INTO app_passwords (id, user_id, name, sealed, lookup_hash, created_at) VALUES (?, ?, ?, ?, ?, ?)",
                [password.id, password.userID, password.name, password.sealed, password.lookupHash, password.createdAt])
        }
    }

    @_specialize(where Session == SQLiteConnection)
    func list(userID: UUID) throws -> [AppPassword] {
        try connection.query(
            "SELECT \(Self.columns) FROM app_passwords AS a WHERE a.user_id = ? ORDER BY a.created_at, a.rowid",
            [userID], row: Self.password)
    }

    @_specialize(where Session == SQLiteConnection)
    func find(username: String) throws -> (user: User, passwords: [AppPassword])? {
        guard let user = try SQLUserRepository(connection: connection).find(username: username) else { return nil }
        return (user, try list(userID: user.id))
    }

    @_specialize(where Session == SQLiteConnection)
    func find(lookupHash: [UInt8]) throws -> (password: AppPassword, user: User)? {
        try connection.queryFirst(
            """
            SELECT \(Self.columns), \(UserColumns.list(of: "u"))
            FROM app_passwords AS a JOIN users AS u ON u.id = a.user_id WHERE a.lookup_hash = ?
            """,
            [lookupHash]
        ) { row in (password: try Self.password(row), user: try UserColumns.user(row)) }
    }

    @_specialize(where Session == SQLiteConnection)
    func delete(id: UUID, userID: UUID) throws -> Bool {
        try connection.execute("DELETE FROM app_passwords WHERE id = ? AND user_id = ?", [id, userID]) > 0
    }

    private static func password(_ row: Session.Row) throws -> AppPassword {
        AppPassword(
            id: try row.uuid(named: "a_id"), userID: try row.uuid(named: "a_user_id"),
            name: try row.string(named: "a_name") ?? "", sealed: try row.blob(named: "a_sealed") ?? [],
            lookupHash: try row.blob(named: "a_lookup_hash") ?? [], createdAt: try row.date(named: "a_created_at"))
    }
}
