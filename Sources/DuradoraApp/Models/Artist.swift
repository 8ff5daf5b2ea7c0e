import Foundation

/// An artist as one caller sees it: the album artist (else artist) of tracks, counted over what they may see.
public struct Artist: Sendable, Equatable, Identifiable {
    public var id: UUID
    public var name: String
    public var albumCount: Int
    public var trackCount: Int
    public var coverHash: String?
    public var createdAt: Date
    /// The caller's: nil when not starred or anonymous.
    public var starredAt: Date?

    public init(id: UUID, name: String, albumCount: Int, trackCount: Int, coverHash: String?, createdAt: Date,
                starredAt: Date? = nil) {
        self.id = id
        self.name = name
        self.albumCount = albumCount
        self.trackCount = trackCount
        self.coverHash = coverHash
        self.createdAt = createdAt
        self.starredAt = starredAt
    }
}
