import Foundation

/// `ExternalIdentityRepository` on one PostgreSQL connection, inside the caller's transaction.
struct PostgresExternalIdentityRepository: ExternalIdentityRepository {
    let connection: PostgresConnection

    func user(provider: String, subject: String) throws -> User? {
        try connection.queryFirst(
            """
            SELECT \(PostgresUserRepository.columns(of: "u"))
            FROM external_identities AS e JOIN users AS u ON u.id = e.user_id WHERE e.provider = $1 AND e.subject = $2
            """,
            [provider, subject], row: PostgresUserRepository.user)
    }

    func link(provider: String, subject: String, userID: UUID, createdAt: Date) throws {
        try connection.guarded(conflictField: "external_identity") {
            try connection.execute(
                "INSERT INTO external_identities (provider, subject, user_id, created_at) VALUES ($1, $2, $3, $4)",
                [provider, subject, userID, createdAt])
        }
    }
}
