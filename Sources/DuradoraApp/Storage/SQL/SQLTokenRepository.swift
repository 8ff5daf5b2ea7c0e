import Foundation

/// `TokenRepository` on one connection of either backend, inside the caller's transaction.
struct SQLTokenRepository<Session: SQLSession>: TokenRepository {
    let connection: Session

    @_specialize(where Session == SQLiteConnection)
    func insert(_ token: StoredToken) throws {
        try connection.guarded(conflictField: "token") {  // no such user, or the token is taken
            try connection.execute(
                """
                INSERT INTO tokens (id, user_id, kind, token_hash, family_id, expires_at, revoked_at, created_at,
                                    last_used_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
                [token.id, token.userID, token.kind.rawValue, token.hash, token.familyID, token.expiresAt,
                 token.revokedAt, token.createdAt, token.lastUsedAt])
        }
    }

    @_specialize(where Session == SQLiteConnection)
    func find(hash: [UInt8]) throws -> (token: StoredToken, user: User)? {
        try connection.queryFirst(
            """
            SELECT t.id AS t_id, t.user_id AS t_user_id, t.kind AS t_kind, t.token_hash AS t_hash,
                   t.family_id AS t_family_id, t.expires_at AS t_expires_at, t.revoked_at AS t_revoked_at,
                   t.created_at AS t_created_at, t.last_used_at AS t_last_used_at,
                   \(UserColumns.list(of: "u"))
            FROM tokens AS t JOIN users AS u ON u.id = t.user_id
            WHERE t.token_hash = ?
            """,
            [hash]
        ) { row in
            (token: try Self.token(row), user: try UserColumns.user(row))
        }
    }

    @_specialize(where Session == SQLiteConnection)
    func touch(id: UUID, at date: Date) throws {
        try connection.execute("UPDATE tokens SET last_used_at = ? WHERE id = ?", [date, id])
    }

    @_specialize(where Session == SQLiteConnection)
    func revoke(id: UUID, at date: Date) throws -> Bool {
        try connection.execute("UPDATE tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL", [date, id]) > 0
    }

    @_specialize(where Session == SQLiteConnection)
    func revokeFamily(_ familyID: UUID, at date: Date) throws -> Int {
        try connection.execute(
            "UPDATE tokens SET revoked_at = ? WHERE family_id = ? AND revoked_at IS NULL", [date, familyID])
    }

    @_specialize(where Session == SQLiteConnection)
    func revokeAll(userID: UUID, kind: StoredToken.Kind?, at date: Date) throws -> Int {
        guard let kind else {
            return try connection.execute(
                "UPDATE tokens SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL", [date, userID])
        }
        return try connection.execute(
            "UPDATE tokens SET revoked_at = ? WHERE user_id = ? AND kind = ? AND revoked_at IS NULL",
            [date, userID, kind.rawValue])
    }

    @_specialize(where Session == SQLiteConnection)
    func revokeOtherLogins(userID: UUID, keepingLoginOf tokenID: UUID?, at date: Date) throws -> Int {
        // NULL-safe: with no token to keep (or one without a family) every login goes.
        let dialect = Session.dialect
        return try connection.execute(
            """
            UPDATE tokens SET revoked_at = ?
            WHERE user_id = ? AND kind IN ('access', 'refresh') AND revoked_at IS NULL
              AND family_id \(dialect.isDistinctFrom) (SELECT family_id FROM tokens WHERE id = \(dialect.text("?")))
            """,
            [date, userID, tokenID])
    }

    @_specialize(where Session == SQLiteConnection)
    func deleteExpired(at date: Date) throws -> Int {
        try connection.execute(
            "DELETE FROM tokens WHERE expires_at <= ? OR (expires_at IS NULL AND revoked_at IS NOT NULL)", [date])
    }

    private static func token(_ row: Session.Row) throws -> StoredToken {
        StoredToken(
            id: try row.uuid(named: "t_id"),
            userID: try row.uuid(named: "t_user_id"),
            kind: try row.enumeration(StoredToken.Kind.self, named: "t_kind"),
            hash: try row.blob(named: "t_hash") ?? [],
            familyID: try row.optionalUUID(named: "t_family_id"),
            expiresAt: try row.optionalDate(named: "t_expires_at"),
            revokedAt: try row.optionalDate(named: "t_revoked_at"),
            createdAt: try row.date(named: "t_created_at"),
            lastUsedAt: try row.optionalDate(named: "t_last_used_at"))
    }
}
