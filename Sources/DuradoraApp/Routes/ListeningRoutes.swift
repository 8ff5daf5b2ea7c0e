import DuradoraHTTP
import Foundation

/// `/api/v1/me/favorites…`, `/api/v1/me/history`, `/api/v1/tracks/{id}/rating` and `/plays`: what a signed-in
/// user does with the library. Parsing and rendering only; the rules are in `LibraryController+Listening.swift`.
struct ListeningRoutes: Sendable {
    let library: LibraryController
    let baseURL: @Sendable () -> String

    func register(on router: Router) {
        router.get("/api/v1/me/favorites") { _, context in
            let favorites = try library.favorites(caller: try context.requireUser())
            let base = baseURL()
            return try .json(FavoritesResource(
                tracks: favorites.tracks.map { TrackResource(track: $0.track, baseURL: base, personal: $0.personal) },
                albums: favorites.albums.map { AlbumResource(album: $0, baseURL: base, isSignedIn: true) },
                artists: favorites.artists.map { ArtistResource(artist: $0, baseURL: base, isSignedIn: true) }))
        }
        router.put("/api/v1/me/favorites/{kind}/{id}") { _, context in
            let (kind, id) = try Self.item(context)
            try library.star(kind, id: id, caller: try context.requireUser())
            return Response(status: .noContent)
        }
        router.delete("/api/v1/me/favorites/{kind}/{id}") { _, context in
            let (kind, id) = try Self.item(context)
            try library.unstar(kind, id: id, caller: try context.requireUser())
            return Response(status: .noContent)
        }
        router.put("/api/v1/tracks/{id}/rating") { request, context in
            let caller = try context.requireUser()
            let id = try LibraryRoutes.id(context, "Track")
            guard let body = try JSONBody.read(request), let rating = try body.integer("rating") else {
                throw APIError.invalidField("rating", "is required")
            }
            let view = try library.rate(trackID: id, rating: rating, caller: caller)
            return .json(bytes: TrackResource(track: view.track, baseURL: baseURL(), personal: view.personal).json())
        }
        router.post("/api/v1/tracks/{id}/plays") { request, context in
            let caller = try context.requireUser()
            let id = try LibraryRoutes.id(context, "Track")
            let body = try JSONBody.read(request, allowEmpty: true)
            let submission = try body?.boolean("submission") ?? true
            var playedAt: Date?
            if let text = try body?.string("played_at") {
                guard let date = RFC3339.date(from: text) else {
                    throw APIError.invalidField("played_at", "must be an RFC 3339 time")
                }
                playedAt = date
            }
            try library.recordPlay(trackID: id, caller: caller, submission: submission, playedAt: playedAt)
            return Response(status: .noContent)
        }
        router.get("/api/v1/me/history") { request, context in
            let caller = try context.requireUser()
            let page = try Pagination(request)
            let history = try library.history(caller: caller, limit: page.limit, offset: page.offset)
            let base = baseURL()
            return try .json(ResourcePage(history) { played in
                PlayedTrackResource(track: TrackResource(track: played.track, baseURL: base),
                                    playedAt: RFC3339.string(from: played.playedAt))
            })
        }
    }

    /// `{kind}` (`tracks`, `albums`, `artists`) and `{id}`; anything else names nothing: 404.
    private static func item(_ context: RequestContext) throws(APIError) -> (LibraryItemKind, UUID) {
        guard let kind = LibraryItemKind(rawValue: context.parameters.require("kind")) else {
            throw .notFound("Favourite kind")
        }
        return (kind, try LibraryRoutes.id(context, "Item"))
    }
}

/// `{"tracks":[…],"albums":[…],"artists":[…]}`.
struct FavoritesResource: Encodable {
    let tracks: [TrackResource]
    let albums: [AlbumResource]
    let artists: [ArtistResource]
}
