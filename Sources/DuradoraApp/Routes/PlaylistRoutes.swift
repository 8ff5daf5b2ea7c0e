import DuradoraHTTP
import Foundation

/// `/api/v1/playlists…` and `/api/v1/users/{username}/playlists`. Parsing and rendering only; the rules are in
/// `PlaylistController`.
struct PlaylistRoutes: Sendable {
    let playlists: PlaylistController
    /// The server's public URL, for the tracks' `stream_url` and `download_url`.
    let baseURL: @Sendable () -> String

    static let maxNameLength = 200
    static let maxDescriptionLength = 5000

    func register(on router: Router) {
        router.post("/api/v1/playlists") { request, context in try create(request, context) }
        router.get("/api/v1/playlists") { request, context in try list(request, context) }
        router.get("/api/v1/playlists/shared/{share_token}") { _, context in
            let token = context.parameters.require("share_token")
            return try render(playlists.showShared(token: token, caller: context.user), context)
        }
        router.get("/api/v1/playlists/{id}") { _, context in
            try render(playlists.show(id: try Self.uuid(context, "id", "Playlist"), caller: context.user), context)
        }
        router.patch("/api/v1/playlists/{id}") { request, context in try update(request, context) }
        router.delete("/api/v1/playlists/{id}") { _, context in
            try playlists.delete(id: try Self.uuid(context, "id", "Playlist"), caller: try context.requireUser())
            return Response(status: .noContent)
        }
        router.post("/api/v1/playlists/{id}/tracks") { request, context in try addEntry(request, context) }
        router.put("/api/v1/playlists/{id}/tracks") { request, context in try reorder(request, context) }
        router.delete("/api/v1/playlists/{id}/tracks/{entry_id}") { _, context in
            let caller = try context.requireUser()
            try playlists.removeEntry(
                playlistID: try Self.uuid(context, "id", "Playlist"),
                entryID: try Self.uuid(context, "entry_id", "Playlist entry"), caller: caller)
            return Response(status: .noContent)
        }
        router.get("/api/v1/users/{username}/playlists") { request, context in
            let page = try Pagination(request)
            let list = try playlists.list(
                ownedBy: context.parameters.require("username"), caller: context.user, limit: page.limit,
                offset: page.offset)
            return try .json(PlaylistList(list, caller: context.user, baseURL: baseURL()))
        }
    }

    /// `POST /api/v1/playlists`: 201 with `Location`.
    func create(_ request: Request, _ context: RequestContext) throws -> Response {
        let owner = try context.requireUser()
        let body = try JSONBody.read(request) ?? JSONBody(object: [:])
        guard body.contains("name") else { throw APIError.invalidField("name", "is required") }
        let fields = try Self.fields(body)
        guard !fields.regenerateShareToken else {
            throw APIError.invalidField("regenerate_share_token", "only applies to an existing playlist")
        }
        let view = try playlists.create(owner: owner, fields: fields)
        var response = try render(view, context, status: .created)
        response.headers[.location] = "/api/v1/playlists/\(view.playlist.id.lowercasedString)"
        return response
    }

    func list(_ request: Request, _ context: RequestContext) throws -> Response {
        let page = try Pagination(request)
        let text = request.query("q").flatMap { $0.isEmpty ? nil : $0 }
        let list = try playlists.list(text: text, caller: context.user, limit: page.limit, offset: page.offset)
        return try .json(PlaylistList(list, caller: context.user, baseURL: baseURL()))
    }

    func update(_ request: Request, _ context: RequestContext) throws -> Response {
        let caller = try context.requireUser()
        let id = try Self.uuid(context, "id", "Playlist")
        let fields = try JSONBody.read(request, allowEmpty: true).map { body throws(APIError) in
            try Self.fields(body)
        } ?? PlaylistFields()
        return try render(playlists.update(id: id, caller: caller, fields: fields), context)
    }

    /// `POST /api/v1/playlists/{id}/tracks`: 201 with the new entry.
    func addEntry(_ request: Request, _ context: RequestContext) throws -> Response {
        let caller = try context.requireUser()
        let id = try Self.uuid(context, "id", "Playlist")
        guard let body = try JSONBody.read(request) else { throw APIError.malformedJSON("the body is empty") }
        let trackText = try body.requiredString("track_id")
        guard let trackID = UUID(uuidString: trackText) else {
            throw APIError.invalidField("track_id", "must be a track id (a UUID)")
        }
        let entry = try playlists.addEntry(
            playlistID: id, caller: caller, trackID: trackID, position: try body.integer("position"))
        return try .json(PlaylistEntryResource(entry: entry, baseURL: baseURL()), status: .created)
    }

    /// `PUT /api/v1/playlists/{id}/tracks`: `{"entry_ids": [...]}`, the new order.
    func reorder(_ request: Request, _ context: RequestContext) throws -> Response {
        let caller = try context.requireUser()
        let id = try Self.uuid(context, "id", "Playlist")
        guard let body = try JSONBody.read(request) else { throw APIError.malformedJSON("the body is empty") }
        guard let texts = try body.stringArray("entry_ids") else { throw APIError.invalidField("entry_ids", "is required") }
        let entryIDs = try texts.map { text throws(APIError) -> UUID in
            guard let entryID = UUID(uuidString: text) else {
                throw APIError.invalidField("entry_ids", "every item must be an entry id (a UUID)")
            }
            return entryID
        }
        return try render(playlists.reorder(playlistID: id, caller: caller, entryIDs: entryIDs), context)
    }

    private func render(_ view: PlaylistView, _ context: RequestContext, status: HTTPStatus = .ok) throws -> Response {
        try .json(PlaylistResource(view, caller: context.user, baseURL: baseURL()), status: status)
    }

    // MARK: Parsing

    /// `name`, `description`, `visibility`, `regenerate_share_token`, each checked; 422 naming the field.
    static func fields(_ body: JSONBody) throws(APIError) -> PlaylistFields {
        var fields = PlaylistFields()
        if body.contains("name") { fields.name = try name(body.string("name")) }
        if body.contains("description") {
            let description = try body.string("description")
            if let description { try checkText(description, "description", max: maxDescriptionLength, allowsNewlines: true) }
            fields.description = .some(description.flatMap { $0.isEmpty ? nil : $0 })
        }
        if let text = try body.string("visibility") {
            guard let visibility = Visibility(rawValue: text) else {
                throw .invalidField("visibility", "must be \"public\", \"private\" or \"link\"")
            }
            fields.visibility = visibility
        }
        fields.regenerateShareToken = try body.boolean("regenerate_share_token") ?? false
        return fields
    }

    /// A name: trimmed, 1 to 200 characters, no control characters.
    static func name(_ text: String?) throws(APIError) -> String {
        let name = (text ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard !name.isEmpty else { throw .invalidField("name", "must not be empty") }
        try checkText(name, "name", max: maxNameLength, allowsNewlines: false)
        return name
    }

    static func checkText(_ text: String, _ field: String, max: Int, allowsNewlines: Bool) throws(APIError) {
        guard text.count <= max else { throw .invalidField(field, "must be at most \(max) characters") }
        let allowed: Set<Unicode.Scalar> = allowsNewlines ? ["\n", "\r", "\t"] : []
        if text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control && !allowed.contains($0) }) {
            throw .invalidField(field, "must not contain control characters")
        }
    }

    /// A UUID path parameter; a malformed one names nothing, so it is a 404 like an unknown one.
    static func uuid(_ context: RequestContext, _ name: String, _ what: String) throws(APIError) -> UUID {
        guard let id = UUID(uuidString: context.parameters.require(name)) else { throw .notFound(what) }
        return id
    }
}
