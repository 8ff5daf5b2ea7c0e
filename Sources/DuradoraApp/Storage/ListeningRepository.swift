import Foundation

/// What each user does with the library: favourites (stars), ratings and plays. Items the user may no longer see
/// are left out of what is read back.
public protocol ListeningRepository {
    /// Stars an item (keeping the first star's time when it already is). Throws `StorageError.notFound` when the
    /// item does not exist.
    func star(_ kind: LibraryItemKind, id: UUID, userID: UUID, at date: Date) throws
    func unstar(_ kind: LibraryItemKind, id: UUID, userID: UUID) throws
    /// The user's starred tracks they may see, most recently starred first (at most `limit`).
    func starredTracks(userID: UUID, limit: Int) throws -> [Track]

    /// 1…5, or nil to clear.
    func setRating(_ rating: Int?, trackID: UUID, userID: UUID) throws

    /// A finished play: one history entry, and the user's count and last time for the track.
    func recordPlay(trackID: UUID, userID: UUID, at date: Date) throws
    /// The user's plays of tracks they may see, latest first.
    func history(userID: UUID, limit: Int, offset: Int) throws -> Page<PlayedTrack>
    /// Plays of the track by everyone, and the latest.
    func overallPlays(trackID: UUID) throws -> (count: Int, lastPlayedAt: Date?)

    /// The user's star, rating and plays of each track, in one statement; tracks they never touched are absent.
    func personal(trackIDs: [UUID], userID: UUID) throws -> [UUID: TrackPersonal]
}

/// What can be starred.
public enum LibraryItemKind: String, Sendable, CaseIterable {
    case tracks, albums, artists
}

/// One entry of a user's history.
public struct PlayedTrack: Sendable, Equatable {
    public var track: Track
    public var playedAt: Date

    public init(track: Track, playedAt: Date) {
        self.track = track
        self.playedAt = playedAt
    }
}
