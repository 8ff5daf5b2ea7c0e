import Foundation

/// Accounts at external login providers (`[auth.oidc.<name>]`), each linked to one local user. Found by the
/// provider's subject — its stable account id — never by an email, which a provider may let anyone claim.
/// Get one from `DatabaseTransaction.externalIdentities`; valid inside that transaction only.
public protocol ExternalIdentityRepository {
    /// The user linked to `subject` at `provider`.
    func user(provider: String, subject: String) throws -> User?

    /// Links `subject` at `provider` to `userID`. Throws `StorageError.conflict(field: "external_identity")`
    /// when that subject is linked already.
    func link(provider: String, subject: String, userID: UUID, createdAt: Date) throws
}
