import Foundation

/// Stored app passwords, whatever the backend. Get one from `DatabaseTransaction.appPasswords`; valid inside
/// that transaction only. Sealing and checking live in `AppPasswordService`; this only stores and finds.
public protocol AppPasswordRepository {
    /// Throws `StorageError.notFound` when the user does not exist.
    func insert(_ password: AppPassword) throws

    /// The user's app passwords, oldest first.
    func list(userID: UUID) throws -> [AppPassword]

    /// The user named `username` (any letter case) and their app passwords; nil for an unknown username.
    func find(username: String) throws -> (user: User, passwords: [AppPassword])?

    /// The app password whose `lookupHash` this is, and its user.
    func find(lookupHash: [UInt8]) throws -> (password: AppPassword, user: User)?

    /// Deletes one of the user's app passwords; returns whether there was one.
    @discardableResult
    func delete(id: UUID, userID: UUID) throws -> Bool
}
