import Foundation

/// A token as the server keeps it: only the SHA-256 of the secret, never the secret itself.
public struct StoredToken: Sendable, Hashable, Identifiable {
    public enum Kind: String, Sendable, Codable, CaseIterable {
        /// UUID v4 from `POST /api/v1/users`; lives until revoked.
        case api
        /// Short-lived bearer token from login or refresh.
        case access
        /// Exchanged once for a new pair; a second use revokes its family.
        case refresh
    }

    public var id: UUID
    public var userID: UUID
    public var kind: Kind
    /// SHA-256 of the token (32 bytes).
    public var hash: [UInt8]
    /// Every access and refresh token descended from one login shares a family.
    public var familyID: UUID?
    public var expiresAt: Date?
    public var revokedAt: Date?
    public var createdAt: Date
    public var lastUsedAt: Date?

    public init(
        id: UUID = UUID(),
        userID: UUID,
        kind: Kind,
        hash: [UInt8],
        familyID: UUID? = nil,
        expiresAt: Date? = nil,
        revokedAt: Date? = nil,
        createdAt: Date,
        lastUsedAt: Date? = nil
    ) {
        self.id = id
        self.userID = userID
        self.kind = kind
        self.hash = hash
        self.familyID = familyID
        self.expiresAt = expiresAt
        self.revokedAt = revokedAt
        self.createdAt = createdAt
        self.lastUsedAt = lastUsedAt
    }

    public var isRevoked: Bool { revokedAt != nil }

    /// Expired at `now` (a token expiring exactly now is expired).
    public func isExpired(at now: Date) -> Bool {
        expiresAt.map { $0 <= now } ?? false
    }
}
