import Foundation

/// An album as one caller sees it: grouped from tracks (see `LibraryKey`), with counts, year, genre and cover
/// taken from the tracks that caller may see only.
public struct Album: Sendable, Equatable, Identifiable {
    public var id: UUID
    public var name: String
    public var artistID: UUID?
    public var artistName: String?
    /// The latest year among its tracks.
    public var year: Int?
    public var genre: String?
    public var trackCount: Int
    public var durationSeconds: Double
    /// The uploaded cover, else a picture of one of its tracks; nil: none.
    public var coverHash: String?
    public var createdAt: Date
    /// The caller's: nil when not starred or anonymous.
    public var starredAt: Date?
    /// The caller's plays of its tracks; nil for an anonymous caller.
    public var playCount: Int?
    public var lastPlayedAt: Date?

    public init(
        id: UUID, name: String, artistID: UUID?, artistName: String?, year: Int?, genre: String?, trackCount: Int,
        durationSeconds: Double, coverHash: String?, createdAt: Date, starredAt: Date? = nil, playCount: Int? = nil,
        lastPlayedAt: Date? = nil
    ) {
        self.id = id
        self.name = name
        self.artistID = artistID
        self.artistName = artistName
        self.year = year
        self.genre = genre
        self.trackCount = trackCount
        self.durationSeconds = durationSeconds
        self.coverHash = coverHash
        self.createdAt = createdAt
        self.starredAt = starredAt
        self.playCount = playCount
        self.lastPlayedAt = lastPlayedAt
    }
}
