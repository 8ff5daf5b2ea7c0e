import Foundation

/// A playlist as stored: a named, ordered list of entries owned by one user (contract, "Playlists").
/// A plain value; its entries are `PlaylistEntry` values read with the tracks they point at.
public struct Playlist: Sendable, Equatable, Identifiable {
    public var id: UUID
    public var ownerID: UUID
    /// The owner's username, read with the row (never written through it).
    public var ownerName: String
    public var name: String
    public var description: String?
    public var visibility: Visibility
    /// The secret of `GET /api/v1/playlists/shared/{share_token}`; set exactly while `visibility == .link`.
    public var shareToken: String?
    /// Millisecond precision, like every stored time.
    public var createdAt: Date
    public var updatedAt: Date

    public init(
        id: UUID, ownerID: UUID, ownerName: String, name: String, description: String?, visibility: Visibility,
        shareToken: String?, createdAt: Date, updatedAt: Date
    ) {
        self.id = id
        self.ownerID = ownerID
        self.ownerName = ownerName
        self.name = name
        self.description = description
        self.visibility = visibility
        self.shareToken = shareToken
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    /// A fresh share token: 128 random bits from the system's CSPRNG, base64url without padding (22 characters).
    public static func makeShareToken() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<16).map { _ in UInt8.random(in: 0...UInt8.max, using: &generator) }
        return bytes.base64URLEncoded
    }
}

/// One place in a playlist. Entries have their own ids, so the same track may appear more than once.
public struct PlaylistEntry: Sendable, Equatable, Identifiable {
    public var id: UUID
    /// 0, 1, 2, …: dense within the playlist after every edit.
    public var position: Int
    public var track: Track

    public init(id: UUID, position: Int, track: Track) {
        self.id = id
        self.position = position
        self.track = track
    }
}

/// A playlist as one caller sees it: the entries whose tracks they may see, and the totals over those.
public struct PlaylistView: Sendable, Equatable {
    public var playlist: Playlist
    public var trackCount: Int
    public var durationSeconds: Double
    /// In order; nil in lists (only the single-playlist answers carry tracks).
    public var entries: [PlaylistEntry]?

    public init(playlist: Playlist, trackCount: Int, durationSeconds: Double, entries: [PlaylistEntry]? = nil) {
        self.playlist = playlist
        self.trackCount = trackCount
        self.durationSeconds = durationSeconds
        self.entries = entries
    }

    /// The view of `entries` (already filtered to what the caller may see), with the totals taken from them.
    public init(playlist: Playlist, entries: [PlaylistEntry]) {
        self.init(
            playlist: playlist, trackCount: entries.count,
            durationSeconds: entries.reduce(0) { $0 + ($1.track.audio?.durationSeconds ?? 0) }, entries: entries)
    }
}
