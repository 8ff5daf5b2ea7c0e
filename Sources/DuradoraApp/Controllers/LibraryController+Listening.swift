import Foundation

/// Per user: favourites, ratings, plays, history and now playing. Each user's are their own; items they may not
/// see are 404 to star, rate or play, and drop out of what is read back.
extension LibraryController {
    // MARK: Favourites

    /// Stars a track, album or artist the caller may see (the first star's time is kept).
    public func star(_ kind: LibraryItemKind, id: UUID, caller: User) throws {
        try database.write { transaction in
            try Self.requireVisible(kind, id: id, caller: caller, in: transaction)
            try transaction.listening.star(kind, id: id, userID: caller.id, at: clock.now().sqliteRounded)
        }
    }

    /// Removes a star; removing one that is not there is fine (the result is the same).
    public func unstar(_ kind: LibraryItemKind, id: UUID, caller: User) throws {
        try database.write { try $0.listening.unstar(kind, id: id, userID: caller.id) }
    }

    /// The caller's starred tracks, albums and artists, most recently starred first (up to 500 of each).
    public func favorites(caller: User) throws -> Favorites {
        try database.read { transaction in
            let tracks = try transaction.listening.starredTracks(userID: caller.id, limit: Pagination.maxLimit)
            let albums = try transaction.library.albums(AlbumQuery(sort: .starred, viewerID: caller.id,
                                                                   limit: Pagination.maxLimit, countsTotal: false))
            let artists = try transaction.library.artists(ArtistQuery(starredOnly: true, viewerID: caller.id,
                                                                      limit: Pagination.maxLimit, countsTotal: false))
            return Favorites(tracks: try Self.views(of: tracks, caller: caller, in: transaction),
                             albums: albums.items, artists: artists.items)
        }
    }

    // MARK: Ratings

    /// 1…5 sets the caller's rating of the track, 0 clears it; anything else is 422.
    public func rate(trackID: UUID, rating: Int, caller: User) throws -> TrackView {
        guard (0...5).contains(rating) else { throw APIError.invalidField("rating", "must be 0 (clear) to 5") }
        return try database.write { transaction in
            let track = try Self.visibleTrack(trackID, caller: caller, in: transaction)
            try transaction.listening.setRating(rating == 0 ? nil : rating, trackID: trackID, userID: caller.id)
            return try Self.views(of: [track], caller: caller, in: transaction)[0]
        }
    }

    // MARK: Plays

    /// `submission: false`: the caller started the track (now playing). `true`: they finished it: one more play
    /// in their history, count and last-played time, at `playedAt` (default now; a time in the future is 422).
    public func recordPlay(trackID: UUID, caller: User, submission: Bool, playedAt: Date? = nil) throws {
        let now = clock.now().sqliteRounded
        if let playedAt, playedAt > now.addingTimeInterval(60) {
            throw APIError.invalidField("played_at", "must not be in the future")
        }
        if !submission {
            let track = try database.read { try Self.visibleTrack(trackID, caller: caller, in: $0) }
            nowPlayingBoard.start(track, by: caller, at: now)
            return
        }
        try database.write { transaction in
            _ = try Self.visibleTrack(trackID, caller: caller, in: transaction)
            try transaction.listening.recordPlay(trackID: trackID, userID: caller.id, at: (playedAt ?? now).sqliteRounded)
        }
        nowPlayingBoard.finish(trackID, by: caller)
    }

    /// The caller's plays, latest first.
    public func history(caller: User, limit: Int, offset: Int) throws -> Page<PlayedTrack> {
        try database.read { try $0.listening.history(userID: caller.id, limit: limit, offset: offset) }
    }

    /// Plays of a track the caller may see, by everyone.
    public func overallPlays(trackID: UUID, caller: User?) throws -> (count: Int, lastPlayedAt: Date?) {
        try database.read { transaction in
            _ = try Self.visibleTrack(trackID, caller: caller, in: transaction)
            return try transaction.listening.overallPlays(trackID: trackID)
        }
    }

    /// What everyone is listening to now, as far as the caller may see the tracks; latest first.
    public func nowPlaying(caller: User?) -> [NowPlayingBoard.Entry] {
        nowPlayingBoard.entries(at: clock.now()).filter { TrackController.canSee($0.track, caller) }
    }

    private static func requireVisible(
        _ kind: LibraryItemKind, id: UUID, caller: User, in transaction: any DatabaseTransaction
    ) throws {
        switch kind {
        case .tracks:
            _ = try visibleTrack(id, caller: caller, in: transaction)
        case .albums:
            guard try transaction.library.album(id: id, viewerID: caller.id) != nil else { throw APIError.notFound("Album") }
        case .artists:
            guard try transaction.library.artist(id: id, viewerID: caller.id) != nil else {
                throw APIError.notFound("Artist")
            }
        }
    }
}

/// `GET /api/v1/me/favorites`.
public struct Favorites: Sendable, Equatable {
    public var tracks: [TrackView]
    public var albums: [Album]
    public var artists: [Artist]
}
