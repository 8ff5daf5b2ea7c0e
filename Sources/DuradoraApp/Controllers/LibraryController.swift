import Foundation

/// The music library: artists, albums and genres grouped from the tracks' tags (contract, "Library"), and what each
/// user does with them (`LibraryController+Listening.swift`). Knows nothing about HTTP: the REST routes and the
/// Subsonic API call these methods alike. Every method blocks (database): call it on the worker pool.
///
/// Visibility: a caller sees an album or artist only through the tracks they may list (public ones and their
/// own); every count, year, genre, cover and search hit is computed over those tracks alone.
public final class LibraryController: Sendable {
    public struct Settings: Sendable {
        /// Leading words ignored when sorting artists by name.
        public var ignoredArticles: [String]

        public init(ignoredArticles: [String] = Settings.defaultArticles) {
            self.ignoredArticles = ignoredArticles
        }

        public static let defaultArticles = ["The", "El", "La", "Los", "Las", "Le", "Les"]
    }

    public let database: any Database
    public let settings: Settings
    /// Cover pictures and their thumbnails (`LibraryController+Covers.swift`).
    public let covers: CoverStore?
    let clock: TimeSource
    /// Who is listening to what right now (`POST …/plays` with `submission: false`).
    public let nowPlayingBoard = NowPlayingBoard()

    public init(database: any Database, settings: Settings = Settings(), covers: CoverStore? = nil,
                clock: TimeSource = .system) {
        self.database = database
        self.settings = settings
        self.covers = covers
        self.clock = clock
    }

    // MARK: Albums

    /// A page of albums. Sorts by the caller's plays or stars (`recent`, `frequent`, `starred`) need a caller.
    public func albums(_ query: AlbumQuery, caller: User?) throws -> Page<Album> {
        var query = query
        query.viewerID = caller?.id
        if query.sort.needsViewer && caller == nil { throw APIError.unauthenticated }
        return try database.read { try $0.library.albums(query) }
    }

    /// The album with its visible tracks in disc and track order; 404 when the caller sees none of its tracks.
    public func album(id: UUID, caller: User?) throws -> (album: Album, tracks: [TrackView]) {
        try database.read { transaction in
            guard let album = try transaction.library.album(id: id, viewerID: caller?.id) else {
                throw APIError.notFound("Album")
            }
            let tracks = try transaction.library.tracks(inAlbum: id, viewerID: caller?.id)
            return (album, try Self.views(of: tracks, caller: caller, in: transaction))
        }
    }

    // MARK: Artists

    public func artists(_ query: ArtistQuery, caller: User?) throws -> Page<Artist> {
        var query = query
        query.viewerID = caller?.id
        query.ignoredArticles = settings.ignoredArticles
        return try database.read { try $0.library.artists(query) }
    }

    /// The artist with their albums (by year, then name); 404 when the caller sees none of their tracks.
    public func artist(id: UUID, caller: User?) throws -> (artist: Artist, albums: [Album]) {
        try database.read { transaction in
            guard let artist = try transaction.library.artist(id: id, viewerID: caller?.id) else {
                throw APIError.notFound("Artist")
            }
            let albums = try transaction.library.albums(AlbumQuery(
                artistID: id, sort: .year, viewerID: caller?.id, limit: Pagination.maxLimit, countsTotal: false))
            return (artist, albums.items)
        }
    }

    // MARK: Genres and tracks

    public func genres(caller: User?) throws -> [Genre] {
        try database.read { try $0.library.genres(viewerID: caller?.id) }
    }

    /// `tracks` with the caller's stars, ratings and plays (one statement; none for an anonymous caller).
    public func views(of tracks: [Track], caller: User?) throws -> [TrackView] {
        guard caller != nil, !tracks.isEmpty else { return tracks.map { TrackView(track: $0) } }
        return try database.read { try Self.views(of: tracks, caller: caller, in: $0) }
    }

    static func views(of tracks: [Track], caller: User?, in transaction: any DatabaseTransaction) throws -> [TrackView] {
        guard let caller else { return tracks.map { TrackView(track: $0) } }
        let personal = try transaction.listening.personal(trackIDs: tracks.map(\.id), userID: caller.id)
        return tracks.map { TrackView(track: $0, personal: personal[$0.id] ?? TrackPersonal()) }
    }

    /// A track the caller may see (the rule of `TrackController.canSee`), inside a transaction.
    static func visibleTrack(_ id: UUID, caller: User?, in transaction: any DatabaseTransaction) throws -> Track {
        guard let track = try transaction.tracks.find(id: id), TrackController.canSee(track, caller) else {
            throw APIError.notFound("Track")
        }
        return track
    }
}

extension LibraryController.Settings {
    /// From `[library]`: `ignored_articles` is a space-separated list.
    public init(_ library: Configuration.Library) {
        self.init(ignoredArticles: library.ignoredArticles.split(whereSeparator: \.isWhitespace).map(String.init))
    }
}
