import Foundation

/// `ExternalIdentityRepository` on one SQLite connection, inside the caller's transaction.
struct SQLiteExternalIdentityRepository: ExternalIdentityRepository {
    let connection: SQLiteConnection

    func user(provider: String, subject: String) throws -> User? {
        try connection.queryFirst(
            """
            SELECT \(SQLiteUserRepository.columns(of: "u"))
            FROM external_identities AS e JOIN users AS u ON u.id = e.user_id WHERE e.provider = ? AND e.subject = ?
            """,
            [provider, subject], row: SQLiteUserRepository.user)
    }

    func link(provider: String, subject: String, userID: UUID, createdAt: Date) throws {
        do {
            try connection.execute(
                "INSERT INTO external_identities (provider, subject, user_id, created_at) VALUES (?, ?, ?, ?)",
                [provider, subject, userID, createdAt])
        } catch let error as SQLiteError {
            throw error.insertError(conflictField: "external_identity")
        }
    }
}
