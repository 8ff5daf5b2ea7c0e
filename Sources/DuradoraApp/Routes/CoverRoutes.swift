import DuradoraHTTP
import Foundation

/// `GET /api/v1/{albums|artists|tracks}/{id}/cover?size=` and `PUT /api/v1/albums/{id}/cover`.
struct CoverRoutes: Sendable {
    let library: LibraryController
    let baseURL: @Sendable () -> String

    func register(on router: Router) {
        for (kind, what) in [(LibraryItemKind.albums, "Album"), (.artists, "Artist"), (.tracks, "Track")] {
            router.get("/api/v1/\(kind.rawValue)/{id}/cover") { request, context in
                try cover(kind, id: try LibraryRoutes.id(context, what), request, context)
            }
        }
        router.put("/api/v1/albums/{id}/cover") { request, context in
            let caller = try context.requireUser()
            let id = try LibraryRoutes.id(context, "Album")
            let picture: [UInt8]
            switch Result(catching: { () throws(RequestBodyError) -> [UInt8] in
                try request.body.collect(limit: CoverStore.maxPictureBytes)
            }) {
            case .success(let bytes): picture = bytes
            case .failure(.tooLarge): throw APIError.bodyTooLarge(limit: Int64(CoverStore.maxPictureBytes))
            case .failure(let error): throw error
            }
            guard !picture.isEmpty else { throw APIError.unsupportedMediaType("The body is empty; send an image.") }
            let album = try library.setAlbumCover(id: id, picture: picture, caller: caller)
            return try .json(AlbumResource(album: album, baseURL: baseURL(), isSignedIn: true))
        }
    }

    private func cover(_ kind: LibraryItemKind, id: UUID, _ request: Request, _ context: RequestContext) throws -> Response {
        var size = CoverStore.defaultSize
        if let text = request.query("size"), !text.isEmpty {
            guard let value = Int(text), value > 0 else { throw APIError.invalidField("size", "must be a whole number of pixels") }
            size = value
        }
        return try Self.thumbnail(library: library, kind, id: id, caller: context.user, size: size, request: request)
    }

    /// The thumbnail as a file response: strong ETag from (picture, size, format), so 304 and Range come free.
    /// WebP when the client accepts it. The REST cover routes and Subsonic's `getCoverArt` both answer with it.
    static func thumbnail(
        library: LibraryController, _ kind: LibraryItemKind, id: UUID, caller: User?, size: Int, request: Request
    ) throws -> Response {
        let webP = request.headers[.accept]?.lowercased().contains("image/webp") ?? false
        let (path, hash) = try library.coverThumbnail(of: kind, id: id, caller: caller, size: size, webP: webP)
        let file: OpenFile
        do {
            file = try OpenFile(path: path)
        } catch {
            throw APIError.notFound("Cover")
        }
        let clamped = min(max(size, CoverStore.sizes.lowerBound), CoverStore.sizes.upperBound)
        var headers = HTTPHeaders()
        headers[.cacheControl] = "private, no-cache"
        headers[.vary] = "Accept"
        return FileResponse.make(
            file: file, method: request.method, requestHeaders: request.headers,
            etag: EntityTag("\(hash.prefix(32))-\(clamped)-\(webP ? "webp" : "jpeg")"),
            contentType: webP ? "image/webp" : "image/jpeg", headers: headers)
    }
}
