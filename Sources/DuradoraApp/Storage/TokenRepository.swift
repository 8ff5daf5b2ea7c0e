import Foundation

/// Stored tokens (by hash), whatever the backend. Get one from `DatabaseTransaction.tokens`.
/// Policy (expiry, rotation, reuse) lives in `TokenService`; this only stores and finds.
public protocol TokenRepository {
    /// Throws `StorageError.conflict(field: "token")` if the hash exists (a token collision: practically never).
    func insert(_ token: StoredToken) throws

    /// The token with this hash and its user, whether revoked or expired or not: callers decide.
    func find(hash: [UInt8]) throws -> (token: StoredToken, user: User)?

    /// Records a use of the token.
    func touch(id: UUID, at date: Date) throws

    /// Revokes one token (keeps the earlier time if it was revoked already). Returns whether a row was revoked.
    @discardableResult
    func revoke(id: UUID, at date: Date) throws -> Bool

    /// Revokes every live token of a family; returns how many.
    @discardableResult
    func revokeFamily(_ familyID: UUID, at date: Date) throws -> Int

    /// Revokes every live token of a user, optionally of one kind only; returns how many.
    @discardableResult
    func revokeAll(userID: UUID, kind: StoredToken.Kind?, at date: Date) throws -> Int

    /// Deletes tokens expired at `date`, and revoked tokens that never expire; returns how many.
    /// Revoked refresh tokens stay until they expire, so their reuse is still recognised.
    @discardableResult
    func deleteExpired(at date: Date) throws -> Int
}

extension TokenRepository {
    @discardableResult
    public func revokeAll(userID: UUID, at date: Date) throws -> Int {
        try revokeAll(userID: userID, kind: nil, at: date)
    }
}
