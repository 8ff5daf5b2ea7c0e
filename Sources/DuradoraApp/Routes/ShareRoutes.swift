import DuradoraHTTP
import Foundation

/// The public side of a Subsonic share, no login: `/share/{token}` lists its tracks as JSON, and
/// `/share/{token}/tracks/{id}/stream` and `/cover` serve exactly those tracks through the ordinary stream and
/// cover paths, as the share's owner would be served, so Range, ETag and the visibility rule are theirs. Every
/// request reads the share again: an expired or deleted one is 404 at once.
struct ShareRoutes: Sendable {
    let shares: ShareController
    let tracks: TrackController
    let library: LibraryController
    let baseURL: @Sendable () -> String

    static func pagePath(_ token: String) -> String { "/share/\(token)" }

    struct Page: Encodable {
        let description: String?
        let owner: String
        let createdAt: Date
        let expiresAt: Date?
        let tracks: [Entry]

        enum CodingKeys: String, CodingKey {
            case description, owner, tracks
            case createdAt = "created_at"
            case expiresAt = "expires_at"
        }
    }

    struct Entry: Encodable {
        let id: String
        let title: String?
        let artist: String?
        let album: String?
        let durationSeconds: Double?
        let streamURL: String
        let coverURL: String?

        enum CodingKeys: String, CodingKey {
            case id, title, artist, album
            case durationSeconds = "duration_seconds"
            case streamURL = "stream_url"
            case coverURL = "cover_url"
        }
    }

    func register(on router: Router) {
        router.get("/share/{token}") { _, context in try page(context) }
        router.get("/share/{token}/tracks/{id}/stream") { request, context in
            let (share, owner) = try shares.open(token: context.parameters.require("token"))
            let id = try LibraryRoutes.id(context, "Track")
            try ShareController.grants(share, trackID: id)
            let stream = try tracks.cachedStream(id: id, caller: owner) ?? tracks.openStream(id: id, caller: owner)
            return try stream.response(to: request, anonymousStreaming: false, isDownload: false)
        }
        router.get("/share/{token}/tracks/{id}/cover") { request, context in
            let (share, owner) = try shares.open(token: context.parameters.require("token"))
            let id = try LibraryRoutes.id(context, "Track")
            try ShareController.grants(share, trackID: id)
            return try CoverRoutes.thumbnail(library: library, .tracks, id: id, caller: owner,
                                             size: CoverStore.defaultSize, request: request)
        }
    }

    private func page(_ context: RequestContext) throws -> Response {
        let token = context.parameters.require("token")
        let (share, owner) = try shares.open(token: token)
        let base = baseURL() + Self.pagePath(token)
        let entries = try shares.entries(of: share, owner: owner).map { view in
            let track = view.track
            let path = "\(base)/tracks/\(track.id.lowercasedString)"
            return Entry(id: track.id.lowercasedString, title: track.metadata.title, artist: track.metadata.artist,
                         album: track.metadata.album, durationSeconds: track.audio?.durationSeconds,
                         streamURL: path + "/stream", coverURL: track.coverHash == nil ? nil : path + "/cover")
        }
        var headers = HTTPHeaders()
        headers[.cacheControl] = "no-store"
        return try .json(Page(description: share.description, owner: owner.username, createdAt: share.createdAt,
                              expiresAt: share.expiresAt, tracks: entries), headers: headers)
    }
}
