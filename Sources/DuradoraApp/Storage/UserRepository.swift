import Foundation

/// Users, whatever the backend. Get one from `DatabaseTransaction.users`; it is valid inside that transaction only.
/// Usernames compare case-insensitively (they are ASCII by the API's rules).
public protocol UserRepository {
    /// Inserts a new user with a fresh UUID v4.
    /// Throws `StorageError.conflict(field: "username")` when the name is taken in any letter case.
    func create(username: String, role: Role, passwordHash: String?, createdAt: Date) throws -> User

    func find(id: UUID) throws -> User?

    /// Finds `username` in any letter case.
    func find(username: String) throws -> User?

    /// The user and password hash for `username` (any letter case), for login.
    func credentials(username: String) throws -> UserCredentials?

    /// Users ordered by creation (oldest first), with the total count.
    func list(limit: Int, offset: Int) throws -> Page<User>

    /// Throws `StorageError.notFound` for an unknown id; returns the updated user.
    @discardableResult
    func updateRole(id: UUID, to role: Role) throws -> User

    /// Sets (or with nil, clears) the streaming bitrate preference; returns the updated user.
    /// Throws `StorageError.notFound` for an unknown id.
    @discardableResult
    func updateMaxBitrate(id: UUID, to kbps: Int?) throws -> User

    /// Sets (or with nil, clears) the password hash. Throws `StorageError.notFound` for an unknown id.
    func updatePasswordHash(id: UUID, to passwordHash: String?) throws

    /// Deletes the user; their tokens go with them. Throws `StorageError.notFound` for an unknown id.
    func delete(id: UUID) throws

    func count() throws -> Int

    func countAdmins() throws -> Int
}

extension UserRepository {
    public func list(limit: Int) throws -> Page<User> { try list(limit: limit, offset: 0) }
}
