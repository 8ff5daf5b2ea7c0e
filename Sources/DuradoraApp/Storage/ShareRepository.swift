import Foundation

/// Subsonic shares, whatever the backend. Get one from `DatabaseTransaction.shares`.
public protocol ShareRepository {
    /// Stores a new share with its tracks in order. Throws `StorageError.notFound` when a track or the owner does
    /// not exist.
    func create(_ share: Share) throws

    func find(id: UUID) throws -> Share?

    /// The share behind a public link (expired or not: the caller decides).
    func find(token: String) throws -> Share?

    /// The user's shares, oldest first; nil `ownerID`: everyone's (admins).
    func list(ownerID: UUID?, limit: Int) throws -> [Share]

    /// Sets description and expiry; false when the share does not exist.
    func update(id: UUID, description: String?, expiresAt: Date?) throws -> Bool

    /// False when the share does not exist. Its entries go with it.
    func delete(id: UUID) throws -> Bool
}
