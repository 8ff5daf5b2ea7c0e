import Foundation

/// A Subsonic share: a fixed list of tracks anyone with its token may hear, until it expires or is deleted.
/// The tracks are resolved when it is made (an album or playlist shared is its tracks at that moment), so the
/// link grants exactly those entries and never what is added to the album or playlist later.
public struct Share: Sendable, Equatable {
    public let id: UUID
    /// The secret in the public URL (`/share/{token}`): 128 random bits, like a playlist's share token.
    public let token: String
    public let ownerID: UUID
    public var description: String?
    public let createdAt: Date
    /// nil: never expires.
    public var expiresAt: Date?
    public var trackIDs: [UUID]

    public init(id: UUID, token: String, ownerID: UUID, description: String?, createdAt: Date, expiresAt: Date?,
                trackIDs: [UUID]) {
        self.id = id
        self.token = token
        self.ownerID = ownerID
        self.description = description
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.trackIDs = trackIDs
    }

    /// Expired shares stay listed for their owner (to extend or delete) but open nothing.
    public func isExpired(at now: Date) -> Bool {
        expiresAt.map { $0 <= now } ?? false
    }
}
