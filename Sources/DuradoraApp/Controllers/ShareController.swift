import Foundation

/// Subsonic shares: who may make, see, change and open them. A share lends its owner's right to hear a track to
/// anyone holding the link, narrowed to the share's own entries: opening it checks the owner may still hear the
/// track (the one visibility rule, `TrackController.canSee`) and that the track is one of the entries.
public struct ShareController: Sendable {
    /// Tracks per share at most (bounds the rows one request writes and one listing reads).
    public static let maxEntries = 5_000
    /// Shares one `getShares` answer lists at most.
    public static let maxListed = 1_000
    public static let maxDescriptionLength = 5_000

    /// What `create` is asked to share: each id is a track's, an album's or a playlist's.
    public enum Item: Sendable, Equatable {
        case track(UUID)
        case album(UUID)
        case playlist(UUID)
    }

    let database: any Database
    let library: LibraryController
    let playlists: PlaylistController
    let clock: TimeSource

    public init(database: any Database, library: LibraryController, playlists: PlaylistController, clock: TimeSource) {
        self.database = database
        self.library = library
        self.playlists = playlists
        self.clock = clock
    }

    /// The tracks behind `ids` as `owner` sees them now (a track first, then an album, then a playlist of that
    /// id); 404 for an id that names nothing `owner` may see. Nothing is stored when any id fails.
    public func create(owner: User, ids: [UUID], description: String?, expiresAt: Date?) throws -> Share {
        var trackIDs: [UUID] = []
        for id in ids {
            trackIDs += try tracks(of: id, owner: owner)
            guard trackIDs.count <= Self.maxEntries else {
                throw APIError.invalidField("id", "may share at most \(Self.maxEntries) tracks")
            }
        }
        let share = Share(id: UUID(), token: Playlist.makeShareToken(), ownerID: owner.id,
                          description: description, createdAt: clock.now().sqliteRounded,
                          expiresAt: expiresAt?.sqliteRounded, trackIDs: trackIDs)
        try database.write { try $0.shares.create(share) }
        return share
    }

    /// The caller's shares, expired ones included (so they can be extended or deleted).
    public func list(caller: User) throws -> [Share] {
        try database.read { try $0.shares.list(ownerID: caller.id, limit: Self.maxListed) }
    }

    public func show(id: UUID, caller: User) throws -> Share {
        try database.read { try Self.owned(id, $0 as any DatabaseTransaction, caller) }
    }

    /// Only the owner (or an admin) changes a share; to anyone else it does not exist (404).
    public func update(id: UUID, description: String?, expiresAt: Date?, caller: User) throws -> Share {
        try database.write { transaction in
            var share = try Self.owned(id, transaction, caller)
            share.description = description
            share.expiresAt = expiresAt?.sqliteRounded
            _ = try transaction.shares.update(id: id, description: share.description, expiresAt: share.expiresAt)
            return share
        }
    }

    public func delete(id: UUID, caller: User) throws {
        try database.write { transaction in
            _ = try Self.owned(id, transaction, caller)
            _ = try transaction.shares.delete(id: id)
        }
    }

    /// The share behind a public link and the user whose rights it lends; 404 once it expired or was deleted.
    public func open(token: String) throws -> (share: Share, owner: User) {
        let found = try database.read { transaction -> (Share, User)? in
            guard let share = try transaction.shares.find(token: token),
                  let owner = try transaction.users.find(id: share.ownerID) else { return nil }
            return (share, owner)
        }
        guard let (share, owner) = found, !share.isExpired(at: clock.now()) else { throw APIError.notFound("Share") }
        return (share, owner)
    }

    /// The entries of an opened share that its owner may still hear, in order (a track made private by its
    /// owner since drops out of someone else's share).
    public func entries(of share: Share, owner: User) throws -> [TrackView] {
        let tracks = try database.read { transaction in
            try share.trackIDs.compactMap { try transaction.tracks.find(id: $0) }
        }
        return try library.views(of: tracks.filter { TrackController.canSee($0, owner) }, caller: owner)
    }

    /// The one check a share's stream and cover make: the track is one of the entries (its visibility is then
    /// checked by the stream or cover path itself, for the owner).
    public static func grants(_ share: Share, trackID: UUID) throws {
        guard share.trackIDs.contains(trackID) else { throw APIError.notFound("Track") }
    }

    private func tracks(of id: UUID, owner: User) throws -> [UUID] {
        let track = try database.read { try $0.tracks.find(id: id) }
        if let track, TrackController.canSee(track, owner) { return [id] }
        if let album = try Self.unlessNotFound({ try library.album(id: id, caller: owner) }) {
            return album.tracks.map(\.track.id)
        }
        if let view = try Self.unlessNotFound({ try playlists.show(id: id, caller: owner) }) {
            return (view.entries ?? []).map(\.track.id)
        }
        throw APIError.notFound("Song, album or playlist \(id.lowercasedString)")
    }

    /// nil for a 404 (the id may name another kind of item); other failures go on.
    private static func unlessNotFound<T>(_ body: () throws -> T) throws -> T? {
        do {
            return try body()
        } catch let error as APIError where error.status.code == 404 {
            return nil
        }
    }

    private static func owned(_ id: UUID, _ transaction: any DatabaseTransaction, _ caller: User) throws -> Share {
        guard let share = try transaction.shares.find(id: id), caller.isAdmin || share.ownerID == caller.id else {
            throw APIError.notFound("Share")
        }
        return share
    }
}
