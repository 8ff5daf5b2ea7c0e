import DuradoraHTTP
import Foundation

/// `/api/v1/tracks…`: upload, attach audio, edit, show, list and search, delete. Parsing and rendering only; the
/// rules are in `TrackController`, stream responses in `OpenTrack` and `TrackStream`.
struct TrackRoutes: Sendable {
    let tracks: TrackController
    /// For the stream fast path, which checks tokens from the cache only (the middleware does not run there).
    let tokens: TokenService
    /// The server's public URL (known once the port is bound), for `stream_url` and `download_url`.
    let baseURL: @Sendable () -> String
    /// On-demand transcodes of `/stream` (`format`, `max_bitrate`, `time_offset`).
    let transcodes: TranscodeService
    /// Adds a signed-in caller's star, rating and play count to the tracks shown (contract, "Library").
    var library: LibraryController? = nil
    /// Answers of `GET /api/v1/tracks/{id}` shown lately, for its fast path (`TrackRoutes+Show.swift`).
    let shown = ShownTracks(capacity: 512, maxAge: 10)

    func register(on router: Router) {
        router.post("/api/v1/tracks") { request, context in try create(request, context) }
        router.get("/api/v1/tracks") { request, context in try list(request, context) }
        shown.invalidate(onWritesTo: tracks.database)
        router.get("/api/v1/tracks/{id}", fastPath: { request, context in cachedShow(request, context) }) { _, context in
            try show(context)
        }
        router.put("/api/v1/tracks/{id}/audio") { request, context in try replaceAudio(request, context) }
        router.patch("/api/v1/tracks/{id}") { request, context in try update(request, context) }
        for (path, isDownload) in [("/api/v1/tracks/{id}/stream", false), ("/api/v1/tracks/{id}/download", true)] {
            router.get(path, fastPath: { request, context in
                cachedStream(request, context, isDownload: isDownload)
            }, { request, context in
                try stream(request, context, isDownload: isDownload)
            })
        }
        router.delete("/api/v1/tracks/{id}") { _, context in
            try tracks.delete(id: try Self.trackID(context), caller: try context.requireUser())
            return Response(status: .noContent)
        }
    }

    /// `POST /api/v1/tracks`: 201 (ready or empty) or 202 (processing), with `Location`.
    func create(_ request: Request, _ context: RequestContext) throws -> Response {
        let owner = try context.requireUser()
        try checkUploadsAllowed(for: owner)  // before reading what may be a very large body
        if Self.isJSON(request) {
            // Metadata only, as JSON (the same fields and rules as PATCH).
            let changes = try JSONBody.read(request, allowEmpty: true).map { body throws(APIError) in
                try TrackFields.changes(body)
            } ?? TrackChanges()
            let (track, _) = try tracks.create(
                owner: owner, metadata: changes.applied(to: TrackMetadata()), visibility: changes.visibility, upload: nil)
            return try created(track, isProcessing: false)
        }
        let (track, isProcessing) = try createFromUpload(request, isFileRequired: false) { _ in owner }
        return try created(track, isProcessing: isProcessing)
    }

    /// Receives a multipart or raw-audio upload and creates its track (shared with the seed-style `/record`).
    /// The body is read first (audio into a temporary file), then `owner` names the track's owner from the received
    /// text fields, so credentials sent after the file part count too; then the metadata is parsed. Whatever fails,
    /// the temporary file is removed: no row and no file are left behind.
    /// `mergesQuery`: query parameters count as metadata beside the form's (the earlier music API's `POST /track`).
    /// `aliases`: an earlier API's field name → ours (the hosting service's `name` is our `title`); ours wins.
    func createFromUpload(
        _ request: Request, isFileRequired: Bool, mergesQuery: Bool = false, aliases: [String: String] = [:],
        owner resolveOwner: ([String: String]) throws -> User
    ) throws -> (track: Track, isProcessing: Bool) {
        try checkTranscodeSlots(request)
        var form = try TrackUploadReceiver(files: tracks.files).receive(request)
        if mergesQuery { form.fields = CompatParameters(request, over: form.fields).fields }
        for (alias, field) in aliases where (form.fields[field] ?? "").isEmpty {
            if let value = form.fields[alias] { form.fields[field] = value }
        }
        let owner: User
        let metadata: TrackMetadata
        let visibility: Visibility?
        do {
            owner = try resolveOwner(form.fields)
            if isFileRequired && form.upload == nil { throw APIError.invalidField("file", "is required") }
            (metadata, visibility) = try TrackFields.parse(form.fields)
        } catch {
            form.upload?.discard()
            throw error
        }
        return try tracks.create(owner: owner, metadata: metadata, visibility: visibility, upload: form.upload)
    }

    /// 403 before the body is read when uploads by users are off (`TrackController.create` checks it again).
    func checkUploadsAllowed(for owner: User) throws {
        guard owner.isAdmin || tracks.settings.userUploads else {
            throw APIError.forbidden("Uploads by users are turned off on this server.")
        }
    }

    private func created(_ track: Track, isProcessing: Bool) throws -> Response {
        var response = try render(track, status: isProcessing ? .accepted : .created)
        response.headers[.location] = "/api/v1/tracks/\(track.id.lowercasedString)"
        return response
    }

    /// Refuses an upload before its body is read when every transcode slot is busy: no point receiving a large
    /// file only to answer 503. (The slot is really taken later; this is only the early, cheap answer.)
    func checkTranscodeSlots(_ request: Request) throws {
        let hasBody = (request.body.expectedLength ?? 1) > 0
        if hasBody && tracks.slots.busyCount >= tracks.slots.capacity && !Self.isJSON(request) {
            throw APIError.unavailable("Every transcode slot is busy; try again shortly.", retryAfter: 5)
        }
    }

    private static func isJSON(_ request: Request) -> Bool {
        guard let value = request.headers[.contentType], let type = try? MediaType(parsing: value) else { return false }
        return type.essence == "application/json"
    }

    /// `PUT /api/v1/tracks/{id}/audio`: a raw audio body or a multipart `file`; 200 (or 202 while processing).
    func replaceAudio(_ request: Request, _ context: RequestContext) throws -> Response {
        let caller = try context.requireUser()
        let id = try Self.trackID(context)
        _ = try tracks.editable(id: id, caller: caller)  // 404/403 before reading the body
        try checkTranscodeSlots(request)
        let form = try TrackUploadReceiver(files: tracks.files).receive(request)
        guard let upload = form.upload else { throw APIError.invalidField("file", "is required") }
        let (track, isProcessing) = try tracks.replaceAudio(id: id, caller: caller, upload: upload)
        return try render(track, status: isProcessing ? .accepted : .ok)
    }

    func update(_ request: Request, _ context: RequestContext) throws -> Response {
        let caller = try context.requireUser()
        let id = try Self.trackID(context)
        let body = try JSONBody.read(request, allowEmpty: true)
        let changes = try body.map { body throws(APIError) in try TrackFields.changes(body) } ?? TrackChanges()
        return try render(tracks.update(id: id, caller: caller, changes: changes))
    }

    /// Public tracks plus the caller's own; `q` searches title, artist, album and genre by word prefix.
    func list(_ request: Request, _ context: RequestContext) throws -> Response {
        let page = try Pagination(request)
        let caller = context.user
        // `owner` is a user id or a username.
        let owner = request.query("owner").flatMap { $0.isEmpty ? nil : $0 }
        let ownerID = owner.flatMap { UUID(uuidString: $0) }
        let ownerName = ownerID == nil ? owner : nil
        func filter(_ name: String) -> String? {
            request.query(name).flatMap { $0.isEmpty ? nil : $0 }
        }
        let query = TrackQuery(
            text: filter("q"), artist: filter("artist"), album: filter("album"), genre: filter("genre"),
            ownerID: ownerID, ownerName: ownerName, viewerID: caller?.id, viewerIsAdmin: caller?.isAdmin ?? false,
            limit: page.limit, offset: page.offset)
        let found = try tracks.list(query)
        let personal = try caller.flatMap { _ in try library?.views(of: found.items, caller: caller) }.map { views in
            Dictionary(views.map { ($0.track.id, $0.personal ?? TrackPersonal()) }) { first, _ in first }
        }
        return .json(bytes: TrackList(found, baseURL: baseURL(), personal: personal).json())
    }

    /// `GET`/`HEAD` `/stream` and `/download` (HEAD reaches here through the GET route).
    func stream(_ request: Request, _ context: RequestContext, isDownload: Bool) throws -> Response {
        try stream(id: try Self.trackID(context), request, context, isDownload: isDownload)
    }

    /// The stream or download of track `id`; with `ownerID`, a track of another owner is 404 (seed-style `/record`).
    func stream(
        id: UUID, ownerID: UUID? = nil, _ request: Request, _ context: RequestContext, isDownload: Bool
    ) throws -> Response {
        let options = isDownload ? nil : try StreamOptions(request)
        let stream = try tracks.openStream(id: id, caller: context.user, ownerID: ownerID)
        if let options, let transcode = try transcodes.response(
            to: request, stream: stream, options: options, caller: context.user,
            anonymousStreaming: tracks.settings.anonymousStreaming) {
            return transcode
        }
        return try stream.response(to: request, anonymousStreaming: tracks.settings.anonymousStreaming, isDownload: isDownload)
    }

    /// The fast path of `/stream` and `/download`, on the event loop: a track streamed lately, for a caller who
    /// is anonymous or whose token was checked lately, and who may hear it. Anything the caches cannot answer
    /// (an unknown token, a track not streamed lately, any refusal) goes to `stream` on a worker, through the
    /// middleware, as if there were no fast path.
    func cachedStream(_ request: Request, _ context: RequestContext, isDownload: Bool) -> Response? {
        guard let known = cachedCaller(request) else { return nil }
        let caller = known.user
        // Transcodes are answered on a worker (`stream`), never here: asked for, or the listener's preference.
        guard isDownload || (!StreamOptions.isPresent(in: request) && caller?.maxBitrate == nil),
              let id = try? Self.trackID(context), let stream = tracks.cachedStream(id: id, caller: caller)
        else { return nil }
        // A refusal here (every bucket reader busy) is answered by the worker path, in the contract's words.
        return try? stream.response(to: request, anonymousStreaming: tracks.settings.anonymousStreaming, isDownload: isDownload)
    }

    private func render(_ track: Track, status: HTTPStatus = .ok) throws -> Response {
        .json(bytes: TrackResource(track: track, baseURL: baseURL()).json(), status: status)
    }

    /// The `{id}` parameter; a malformed id names no track, so it is a 404 like an unknown one.
    static func trackID(_ context: RequestContext) throws(APIError) -> UUID {
        guard let id = UUID.parse(context.parameters.require("id")) else { throw .notFound("Track") }
        return id
    }
}
