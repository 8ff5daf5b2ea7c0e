import Foundation

/// A track with what the signed-in caller has to do with it; `personal` is nil for an anonymous caller.
public struct TrackView: Sendable, Equatable {
    public var track: Track
    public var personal: TrackPersonal?

    public init(track: Track, personal: TrackPersonal? = nil) {
        self.track = track
        self.personal = personal
    }
}

/// One user's star, rating and plays of one track.
public struct TrackPersonal: Sendable, Equatable {
    public var starredAt: Date?
    /// 1…5; nil: not rated.
    public var rating: Int?
    public var playCount: Int
    public var lastPlayedAt: Date?

    public init(starredAt: Date? = nil, rating: Int? = nil, playCount: Int = 0, lastPlayedAt: Date? = nil) {
        self.starredAt = starredAt
        self.rating = rating
        self.playCount = playCount
        self.lastPlayedAt = lastPlayedAt
    }
}
