import Foundation

/// Artists, albums and genres derived from the tracks' own `artist`/`album`/`genre` text, for the Subsonic API
/// until the library tables exist (issue 13). This protocol and `SQLiteTrackGroupRepository` are the whole
/// derivation: when albums and artists become rows, `SubsonicBrowsing` switches to their repositories and these
/// two files go. Only ready tracks count, and only those `scope` may list.
public protocol TrackGroupRepository {
    func artists(_ scope: TrackScope, matching text: String?, limit: Int, offset: Int) throws -> [ArtistGroup]

    func albums(_ scope: TrackScope, order: AlbumGroupOrder, limit: Int, offset: Int) throws -> [AlbumGroup]

    /// Albums whose name contains `text` (nil: every album), by name.
    func albums(_ scope: TrackScope, matching text: String?, limit: Int, offset: Int) throws -> [AlbumGroup]

    /// The albums of the artist named `artist` (any ASCII letter case; "" for tracks without an artist).
    func albums(_ scope: TrackScope, artist: String) throws -> [AlbumGroup]

    /// The album's tracks in track-number order.
    func tracks(_ scope: TrackScope, artist: String, album: String) throws -> [Track]

    /// Tracks matching the full-text `text` (every word as a prefix), best first; nil or no word: every track,
    /// newest first (Subsonic clients sync with an empty search).
    func tracks(_ scope: TrackScope, matching text: String?, limit: Int, offset: Int) throws -> [Track]

    func tracks(_ scope: TrackScope, genre: String, limit: Int, offset: Int) throws -> [Track]

    func randomTracks(_ scope: TrackScope, genre: String?, years: ClosedRange<Int>?, limit: Int) throws -> [Track]

    func genres(_ scope: TrackScope) throws -> [GenreGroup]
}

/// Who is looking: public tracks plus the viewer's own; admins every track.
public struct TrackScope: Sendable, Equatable {
    public var viewerID: UUID?
    public var viewerIsAdmin: Bool

    public init(viewer: User?) {
        viewerID = viewer?.id
        viewerIsAdmin = viewer?.isAdmin ?? false
    }
}

public struct ArtistGroup: Sendable, Equatable {
    /// "" for tracks without an artist.
    public var name: String
    public var albumCount: Int
    public var trackCount: Int
}

public struct AlbumGroup: Sendable, Equatable {
    public var artist: String
    /// "" for tracks without an album.
    public var name: String
    public var trackCount: Int
    public var durationSeconds: Double
    /// When its first track arrived.
    public var createdAt: Date
    public var year: Int?
    public var genre: String?
}

public struct GenreGroup: Sendable, Equatable {
    public var name: String
    public var trackCount: Int
    public var albumCount: Int
}

public enum AlbumGroupOrder: Sendable, Equatable {
    case newest
    case name
    case artist
    case random
    /// Albums of these years; oldest first, or newest first when `from > to` (what DSub sends).
    case years(from: Int, to: Int)
    case genre(String)
}
