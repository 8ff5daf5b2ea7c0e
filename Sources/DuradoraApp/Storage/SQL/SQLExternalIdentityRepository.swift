import Foundation

/// `ExternalIdentityRepository` on one connection of either backend, inside the caller's transaction.
struct SQLExternalIdentityRepository<Session: SQLSession>: ExternalIdentityRepository {
    let connection: Session

    @_specialize(where Session == SQLiteConnection)
    func user(provider: String, subject: String) throws -> User? {
        try connection.queryFirst(
            """
            SELECT \(UserColumns.list(of: "u"))
            FROM external_identities AS e JOIN users AS u ON u.id = e.user_id WHERE e.provider = ? AND e.subject = ?
            """,
            [provider, subject], row: UserColumns.user)
    }

    @_specialize(where Session == SQLiteConnection)
    func link(provider: String, subject: String, userID: UUID, createdAt: Date) throws {
        try connection.guarded(conflictField: "external_identity") {
            try connection.execute(
                "INSERT INTO external_identities (provider, subject, user_id, created_at) VALUES (?, ?, ?, ?)",
                [provider, subject, userID, createdAt])
        }
    }
}
