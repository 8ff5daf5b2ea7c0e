import Foundation

/// Playlists: the rules of the contract's "Playlists" section over the `Database` seam. Knows nothing about HTTP
/// parsing (that is `Routes/PlaylistRoutes.swift`). Every method blocks: call it on the worker pool.
/// Editing entries lives in `PlaylistController+Entries.swift`.
///
/// Who sees what: `public` playlists anyone; `private` and `link` ones their owner and admins (404 for others);
/// `link` ones also anyone holding the share token. Inside a playlist, each caller sees only the entries whose
/// tracks they may see (`TrackController.canSee`), and the totals are taken over those.
public final class PlaylistController: Sendable {
    public let database: any Database
    let clock: TimeSource

    public init(database: any Database, clock: TimeSource = .system) {
        self.database = database
        self.clock = clock
    }

    // MARK: Reading

    /// `GET /api/v1/playlists/{id}`: the playlist with its visible entries, in two queries however long it is.
    public func show(id: UUID, caller: User?) throws -> PlaylistView {
        let (playlist, entries) = try database.read { transaction -> (Playlist?, [PlaylistEntry]) in
            guard let playlist = try transaction.playlists.find(id: id), Self.canSee(playlist, caller) else {
                return (nil, [])
            }
            return (playlist, try transaction.playlists.entries(of: id))
        }
        guard let playlist else { throw APIError.notFound("Playlist") }
        return Self.view(playlist, entries, caller)
    }

    /// `GET /api/v1/playlists/shared/{share_token}`: anyone holding the token of a playlist shared by link.
    public func showShared(token: String, caller: User?) throws -> PlaylistView {
        let (playlist, entries) = try database.read { transaction -> (Playlist?, [PlaylistEntry]) in
            guard let playlist = try transaction.playlists.find(shareToken: token) else { return (nil, []) }
            return (playlist, try transaction.playlists.entries(of: playlist.id))
        }
        guard let playlist else { throw APIError.notFound("Playlist") }
        return Self.view(playlist, entries, caller)
    }

    /// `GET /api/v1/playlists`: public playlists plus the caller's own, optionally by name.
    public func list(text: String?, caller: User?, limit: Int, offset: Int) throws -> Page<PlaylistView> {
        let query = PlaylistQuery(
            scope: .listed, text: text, viewerID: caller?.id, viewerIsAdmin: caller?.isAdmin ?? false,
            limit: limit, offset: offset)
        return try database.read { try $0.playlists.list(query) }
    }

    /// `GET /api/v1/users/{username}/playlists`: the public ones, or all of them for the user and admins.
    /// 404 for an unknown username.
    public func list(ownedBy username: String, caller: User?, limit: Int, offset: Int) throws -> Page<PlaylistView> {
        try database.read { transaction in
            guard let owner = try transaction.users.find(username: username) else { throw APIError.notFound("User") }
            let everything = caller.map { $0.isAdmin || $0.id == owner.id } ?? false
            return try transaction.playlists.list(PlaylistQuery(
                scope: .owner(owner.id, includeUnlisted: everything), viewerID: caller?.id,
                viewerIsAdmin: caller?.isAdmin ?? false, limit: limit, offset: offset))
        }
    }

    // MARK: Writing

    /// `POST /api/v1/playlists`: private unless asked otherwise; a `link` playlist gets its share token at once.
    public func create(owner: User, fields: PlaylistFields) throws -> PlaylistView {
        let now = clock.now().sqliteRounded
        let visibility = fields.visibility ?? .private
        let playlist = Playlist(
            id: UUID(), ownerID: owner.id, ownerName: owner.username, name: fields.name ?? "",
            description: fields.description ?? nil, visibility: visibility,
            shareToken: visibility == .link ? Playlist.makeShareToken() : nil, createdAt: now, updatedAt: now)
        try database.write { transaction in
            do {
                try transaction.playlists.insert(playlist)
            } catch StorageError.notFound {
                throw APIError.unauthenticated  // the caller's account went away mid-request
            }
        }
        return PlaylistView(playlist: playlist, entries: [])
    }

    /// `PATCH /api/v1/playlists/{id}`: name, description, visibility, a new share token. Leaving `link` kills the
    /// token; entering it makes one; `regenerate_share_token` replaces it (422 unless the result is shared by link).
    public func update(id: UUID, caller: User, fields: PlaylistFields) throws -> PlaylistView {
        let (playlist, entries) = try database.write { transaction -> (Playlist, [PlaylistEntry]) in
            var playlist = try Self.editable(id: id, caller: caller, in: transaction)
            if let name = fields.name { playlist.name = name }
            if let description = fields.description { playlist.description = description }
            if let visibility = fields.visibility { playlist.visibility = visibility }
            if fields.regenerateShareToken && playlist.visibility != .link {
                throw APIError.invalidField("regenerate_share_token", "only a playlist shared by link has a share token")
            }
            if playlist.visibility != .link {
                playlist.shareToken = nil
            } else if playlist.shareToken == nil || fields.regenerateShareToken {
                playlist.shareToken = Playlist.makeShareToken()
            }
            playlist.updatedAt = clock.now().sqliteRounded
            try transaction.playlists.update(playlist)
            return (playlist, try transaction.playlists.entries(of: id))
        }
        return Self.view(playlist, entries, caller)
    }

    /// `DELETE /api/v1/playlists/{id}`: the playlist and its entries (the tracks stay).
    public func delete(id: UUID, caller: User) throws {
        try database.write { transaction in
            _ = try Self.editable(id: id, caller: caller, in: transaction)
            try transaction.playlists.delete(id: id)
        }
    }

    // MARK: Rules

    /// Public: anyone; private and link: the owner and admins (link readers come through the share token).
    public static func canSee(_ playlist: Playlist, _ caller: User?) -> Bool {
        playlist.visibility == .public || canEdit(playlist, caller)
    }

    public static func canEdit(_ playlist: Playlist, _ caller: User?) -> Bool {
        caller.map { $0.isAdmin || $0.id == playlist.ownerID } ?? false
    }

    /// The playlist, when `caller` may change it: 404 when they may not even see it, 403 when they only may see it.
    static func editable(id: UUID, caller: User, in transaction: any DatabaseTransaction) throws -> Playlist {
        guard let playlist = try transaction.playlists.find(id: id), canSee(playlist, caller) else {
            throw APIError.notFound("Playlist")
        }
        guard canEdit(playlist, caller) else {
            throw APIError.forbidden("Only the playlist's owner or an admin may change it.")
        }
        return playlist
    }

    /// The caller's view: the entries whose tracks they may see, with the totals over those.
    static func view(_ playlist: Playlist, _ entries: [PlaylistEntry], _ caller: User?) -> PlaylistView {
        PlaylistView(playlist: playlist, entries: entries.filter { TrackController.canSee($0.track, caller) })
    }
}

/// What a create or PATCH body says; nil leaves a field alone (for `description`, `.some(nil)` clears it).
public struct PlaylistFields: Sendable, Equatable {
    public var name: String?
    public var description: String??
    public var visibility: Visibility?
    public var regenerateShareToken = false

    public init(name: String? = nil, description: String?? = nil, visibility: Visibility? = nil,
                regenerateShareToken: Bool = false) {
        self.name = name
        self.description = description
        self.visibility = visibility
        self.regenerateShareToken = regenerateShareToken
    }
}
