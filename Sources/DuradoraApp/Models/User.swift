import Foundation

/// A user account as the API shows it: `{"id","username","role","created_at","max_bitrate"}`.
/// The password hash is not part of it (see `UserCredentials`), so encoding a `User` can never leak one.
public struct User: Sendable, Hashable, Identifiable {
    public var id: UUID
    public var username: String
    public var role: Role
    /// Millisecond precision: what the database keeps and what the API sends.
    public var createdAt: Date
    /// kbps the user's streams are transcoded down to when a request names no limit; nil = the stored file.
    public var maxBitrate: Int?

    public init(id: UUID, username: String, role: Role, createdAt: Date, maxBitrate: Int? = nil) {
        self.id = id
        self.username = username
        self.role = role
        self.createdAt = createdAt
        self.maxBitrate = maxBitrate
    }

    public var isAdmin: Bool { role == .admin }
}

extension User: Codable {
    enum CodingKeys: String, CodingKey {
        case id
        case username
        case role
        case createdAt = "created_at"
        case maxBitrate = "max_bitrate"
    }

    // Written out so the wire format does not depend on the encoder's date or key strategies.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let idText = try container.decode(String.self, forKey: .id)
        guard let id = UUID(uuidString: idText) else {
            throw DecodingError.dataCorruptedError(forKey: .id, in: container, debugDescription: "not a UUID")
        }
        let createdText = try container.decode(String.self, forKey: .createdAt)
        guard let createdAt = RFC3339.date(from: createdText) else {
            throw DecodingError.dataCorruptedError(
                forKey: .createdAt, in: container, debugDescription: "not an RFC 3339 timestamp")
        }
        self.init(
            id: id,
            username: try container.decode(String.self, forKey: .username),
            role: try container.decode(Role.self, forKey: .role),
            createdAt: createdAt,
            maxBitrate: try container.decodeIfPresent(Int.self, forKey: .maxBitrate)
        )
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id.lowercasedString, forKey: .id)
        try container.encode(username, forKey: .username)
        try container.encode(role, forKey: .role)
        try container.encode(RFC3339.string(from: createdAt), forKey: .createdAt)
        try container.encode(maxBitrate, forKey: .maxBitrate)   // null: the stored file
    }
}

/// A user with the stored password hash, for login and password changes only. Never encode it.
public struct UserCredentials: Sendable, Equatable {
    public var user: User
    /// Argon2id hash string; nil for a user who has only an API token.
    public var passwordHash: String?

    public init(user: User, passwordHash: String?) {
        self.user = user
        self.passwordHash = passwordHash
    }
}
