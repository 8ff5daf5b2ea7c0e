import Foundation

/// Playlists and their entries, whatever the backend. Get one from `DatabaseTransaction.playlists`; valid inside
/// that transaction only. Positions are 0-based and dense; the repository keeps them so on every change.
public protocol PlaylistRepository {
    /// Inserts a new row (the id is the caller's; `ownerName` is ignored). Throws `StorageError.notFound` when the
    /// owner does not exist.
    func insert(_ playlist: Playlist) throws

    func find(id: UUID) throws -> Playlist?

    /// The playlist shared by link under `shareToken`; nil for an unknown token or one that is no longer shared.
    func find(shareToken: String) throws -> Playlist?

    /// Writes name, description, visibility, share token and `updatedAt`. Throws `StorageError.notFound`.
    func update(_ playlist: Playlist) throws

    /// Sets `updated_at` (after an edit of the entries).
    func touch(id: UUID, at date: Date) throws

    /// Deletes the playlist and its entries. Throws `StorageError.notFound`.
    func delete(id: UUID) throws

    /// One page of playlists, newest first, with totals over the entries `query.viewer` may see.
    func list(_ query: PlaylistQuery) throws -> Page<PlaylistView>

    /// Every entry of the playlist with its track, in order: one query, however long the playlist.
    func entries(of playlistID: UUID) throws -> [PlaylistEntry]

    func entryCount(of playlistID: UUID) throws -> Int

    /// Inserts an entry at `position` (0…count), moving the entries from there on one place down.
    /// Throws `StorageError.notFound` for an unknown playlist or track.
    func insertEntry(id: UUID, playlistID: UUID, trackID: UUID, at position: Int, addedAt: Date) throws

    /// Removes one entry and closes the gap. Throws `StorageError.notFound` when the playlist has no such entry.
    func deleteEntry(id: UUID, playlistID: UUID) throws

    /// Gives each entry its new position. The caller passes a permutation of the playlist's positions.
    func setPositions(_ positions: [(entryID: UUID, position: Int)], playlistID: UUID) throws
}

/// What `GET /api/v1/playlists` and `GET /api/v1/users/{username}/playlists` ask for.
public struct PlaylistQuery: Sendable, Equatable {
    public enum Scope: Sendable, Equatable {
        /// Public playlists plus the viewer's own.
        case listed
        /// The playlists of one owner: every one of them when `includeUnlisted`, else the public ones.
        case owner(UUID, includeUnlisted: Bool)
    }

    public var scope: Scope
    /// Matches names containing this text (case-insensitive for ASCII); `%` and `_` are literal.
    public var text: String?
    /// Who asks (nil: anonymous); decides which entries count towards the totals, and what "own" means.
    public var viewerID: UUID?
    public var viewerIsAdmin: Bool
    public var limit: Int
    public var offset: Int

    public init(scope: Scope = .listed, text: String? = nil, viewerID: UUID? = nil, viewerIsAdmin: Bool = false,
                limit: Int = 50, offset: Int = 0) {
        self.scope = scope
        self.text = text
        self.viewerID = viewerID
        self.viewerIsAdmin = viewerIsAdmin
        self.limit = limit
        self.offset = offset
    }

    /// `text` as a LIKE pattern with `\` as the escape character: `50%_off` matches only that text.
    public var likePattern: String? {
        guard let text, !text.isEmpty else { return nil }
        return LikePattern.containing(text)
    }
}
