import DuradoraHTTP
import Foundation

/// `/api/v1/artists…`, `/api/v1/albums…`, `/api/v1/genres`: browsing the library. Parsing and rendering only;
/// the rules are in `LibraryController`.
struct LibraryRoutes: Sendable {
    let library: LibraryController
    let baseURL: @Sendable () -> String

    func register(on router: Router) {
        router.get("/api/v1/artists") { request, context in try artists(request, context) }
        router.get("/api/v1/artists/{id}") { _, context in
            let caller = context.user
            let (artist, albums) = try library.artist(id: try Self.id(context, "Artist"), caller: caller)
            return try .json(ArtistResource(artist: artist, baseURL: baseURL(), albums: albums, isSignedIn: caller != nil))
        }
        router.get("/api/v1/albums") { request, context in try albums(request, context) }
        router.get("/api/v1/albums/{id}") { _, context in
            let caller = context.user
            let (album, tracks) = try library.album(id: try Self.id(context, "Album"), caller: caller)
            return try .json(AlbumResource(album: album, baseURL: baseURL(), tracks: tracks, isSignedIn: caller != nil))
        }
        router.get("/api/v1/genres") { _, context in
            try .json(["items": try library.genres(caller: context.user).map(GenreResource.init)])
        }
    }

    func artists(_ request: Request, _ context: RequestContext) throws -> Response {
        let page = try Pagination(request)
        let sort = try Self.choice(request, "sort", default: ArtistSort.name)
        let query = ArtistQuery(text: Self.text(request, "q"), sort: sort, limit: page.limit, offset: page.offset)
        let caller = context.user
        let artists = try library.artists(query, caller: caller)
        let base = baseURL()
        return try .json(ResourcePage(artists) { ArtistResource(artist: $0, baseURL: base, isSignedIn: caller != nil) })
    }

    func albums(_ request: Request, _ context: RequestContext) throws -> Response {
        let page = try Pagination(request)
        var query = AlbumQuery(
            text: Self.text(request, "q"), genre: Self.text(request, "genre"),
            yearFrom: try Self.year(request, "year_from"), yearTo: try Self.year(request, "year_to"),
            sort: try Self.choice(request, "sort", default: AlbumSort.name), limit: page.limit, offset: page.offset)
        if let artist = Self.text(request, "artist_id") {
            guard let id = UUID.parse(artist) else { throw APIError.invalidField("artist_id", "must be an artist id") }
            query.artistID = id
        }
        let caller = context.user
        let albums = try library.albums(query, caller: caller)
        let base = baseURL()
        return try .json(ResourcePage(albums) { AlbumResource(album: $0, baseURL: base, isSignedIn: caller != nil) })
    }

    // MARK: Parameters

    /// A query parameter; nil when absent or empty.
    static func text(_ request: Request, _ name: String) -> String? {
        request.query(name).flatMap { $0.isEmpty ? nil : $0 }
    }

    static func choice<T: RawRepresentable & CaseIterable>(
        _ request: Request, _ name: String, default value: T
    ) throws(APIError) -> T where T.RawValue == String {
        guard let text = text(request, name) else { return value }
        guard let choice = T(rawValue: text) else {
            throw .invalidField(name, "must be one of " + T.allCases.map(\.rawValue).joined(separator: ", "))
        }
        return choice
    }

    private static func year(_ request: Request, _ name: String) throws(APIError) -> Int? {
        guard let text = text(request, name) else { return nil }
        guard let year = Int(text), (0...9999).contains(year) else { throw .invalidField(name, "must be a year") }
        return year
    }

    /// The `{id}` parameter; a malformed id names nothing, so it is a 404 like an unknown one.
    static func id(_ context: RequestContext, _ what: String, _ name: String = "id") throws(APIError) -> UUID {
        guard let id = UUID.parse(context.parameters.require(name)) else { throw .notFound(what) }
        return id
    }
}
