import DuradoraHTTP
import Foundation

/// The earlier music API, at the root: `/track`, `/stream`, `/register`, `/login`, `/set_rights`, `/playlist…`,
/// `/user/playlists`. Each route maps onto the same controller call as its `/api/v1` twin (same rules, same
/// errors, same statuses for errors); only the parameter and answer shapes differ. Parameters come from the query,
/// a form or JSON alike (`CompatParameters`); a change answers 200 `{"status": "success", …}` as that service did.
struct MusicAPIRoutes: Sendable {
    let users: UserController
    let tracks: TrackRoutes
    let playlists: PlaylistController

    func register(on router: Router) {
        // `POST /track` creates; `POST /track?id=` changes that track (metadata and/or audio).
        router.post("/track") { request, context in
            if request.query("id") != nil { return try updateTrack(request, context) }
            return try createTrack(request, context)
        }
        router.get("/track") { request, context in
            let id = try CompatParameters(request, readsBody: false).id("id", of: "Track")
            let track = try tracks.tracks.show(id: id, caller: context.user)
            return .json(bytes: TrackResource(track: track, baseURL: tracks.baseURL()).json())
        }
        // HEAD reaches here through the GET route; Range, If-Range and ETag as on /api/v1/tracks/{id}/stream.
        router.get("/stream") { request, context in
            let id = try CompatParameters(request, readsBody: false).id("id", of: "Track")
            return try tracks.stream(id: id, request, context, isDownload: false)
        }
        router.post("/register") { request, context in try registerUser(request, context) }
        router.post("/login") { request, _ in try login(request) }
        router.post("/set_rights") { request, context in try setRights(request, context) }
        router.post("/playlist") { request, context in try createPlaylist(request, context) }
        router.get("/playlist") { request, context in
            let id = try CompatParameters(request, readsBody: false).id("id", of: "Playlist")
            let view = try playlists.show(id: id, caller: context.user)
            return try .json(PlaylistResource(view, caller: context.user, baseURL: tracks.baseURL()))
        }
        router.post("/playlist/add_song") { request, context in try addSong(request, context) }
        router.post("/playlist/remove_song") { request, context in try removeSong(request, context) }
        router.get("/user/playlists") { request, context in
            let username = try CompatParameters(request, readsBody: false).required("username")
            let page = try Pagination(request)
            let list = try playlists.list(ownedBy: username, caller: context.user, limit: page.limit, offset: page.offset)
            return try .json(PlaylistList(list, caller: context.user, baseURL: tracks.baseURL()))
        }
        router.get("/playlist/search") { request, context in
            let text = CompatParameters(request, over: [:]).string("search_string", "q")
            let page = try Pagination(request)
            let list = try playlists.list(text: text, caller: context.user, limit: page.limit, offset: page.offset)
            return try .json(PlaylistList(list, caller: context.user, baseURL: tracks.baseURL()))
        }
    }

    // MARK: Tracks

    /// Metadata as JSON or a form (no audio), or a multipart upload (`file` optional) / raw audio body, with
    /// metadata also in the query. The id comes back at once; a long encode goes on in the background.
    func createTrack(_ request: Request, _ context: RequestContext) throws -> Response {
        let owner = try context.requireUser()
        try tracks.checkUploadsAllowed(for: owner)  // before reading what may be a very large body
        if CompatParameters.hasParameterBody(request) {
            let (metadata, visibility) = try TrackFields.parse(try CompatParameters(request).fields)
            let (track, _) = try tracks.tracks.create(owner: owner, metadata: metadata, visibility: visibility, upload: nil)
            return try .json(CompatSuccess(id: track.id))
        }
        let (track, _) = try tracks.createFromUpload(request, isFileRequired: false, mergesQuery: true) { _ in owner }
        return try .json(CompatSuccess(id: track.id))
    }

    /// `POST /track?id=`: new audio (multipart `file` or a raw body) and/or metadata. Everything is checked before
    /// anything changes; the audio goes first (a bad file is 415 and leaves the track as it was), then the metadata
    /// (kept even while a long encode finishes, as with a PATCH during it).
    func updateTrack(_ request: Request, _ context: RequestContext) throws -> Response {
        let caller = try context.requireUser()
        let id = try CompatParameters(request, readsBody: false).id("id", of: "Track")
        _ = try tracks.tracks.editable(id: id, caller: caller)  // 404/403 before reading the body
        var fields: [String: String]
        var upload: UploadedAudio?
        if CompatParameters.hasParameterBody(request) || request.headers[.contentType] == nil {
            fields = try CompatParameters(request).fields
        } else {
            try tracks.checkTranscodeSlots(request)
            let form = try TrackUploadReceiver(files: tracks.tracks.files).receive(request)
            fields = CompatParameters(request, over: form.fields).fields
            upload = form.upload
        }
        fields["id"] = nil
        let changes: TrackChanges
        do {
            changes = try Self.changes(fields)
        } catch {
            upload?.discard()
            throw error
        }
        if let upload { _ = try tracks.tracks.replaceAudio(id: id, caller: caller, upload: upload) }
        if changes != TrackChanges() { _ = try tracks.tracks.update(id: id, caller: caller, changes: changes) }
        return try .json(CompatSuccess(id: id))
    }

    /// The fields that were given, as changes (this API cannot clear a field: empty means "not given").
    static func changes(_ fields: [String: String]) throws(APIError) -> TrackChanges {
        let (metadata, visibility) = try TrackFields.parse(fields)
        var changes = TrackChanges()
        if let title = metadata.title { changes.title = .some(title) }
        if let artist = metadata.artist { changes.artist = .some(artist) }
        if let album = metadata.album { changes.album = .some(album) }
        if let genre = metadata.genre { changes.genre = .some(genre) }
        if let year = metadata.year { changes.year = .some(year) }
        if let trackNumber = metadata.trackNumber { changes.trackNumber = .some(trackNumber) }
        changes.visibility = visibility
        return changes
    }

    // MARK: Accounts

    /// `login` (or `username`) and `password`: an account that logs in with `/login`.
    func registerUser(_ request: Request, _ context: RequestContext) throws -> Response {
        try UserRoutes.checkRegistrationIsOpen(users.settings, context)
        let parameters = try CompatParameters(request)
        _ = try users.create(username: try parameters.required("login", "username"),
                             password: try parameters.required("password"))
        return try .json(CompatSuccess())
    }

    /// A login token (the access token of a new login, as `/api/v1/auth/login` issues it).
    func login(_ request: Request) throws -> Response {
        let parameters = try CompatParameters(request)
        let pair = try users.login(
            username: try parameters.required("login", "username"), password: try parameters.required("password"),
            address: request.remoteAddress)
        return try .json(CompatSuccess(token: pair.accessToken), headers: [.cacheControl: "no-store"])
    }

    /// Admins only: `username` gets the role `rights` (`admin` or `user`), with the last-admin rule of PATCH.
    func setRights(_ request: Request, _ context: RequestContext) throws -> Response {
        let admin = try context.requireAdmin()
        let parameters = try CompatParameters(request)
        let username = try parameters.required("username", "login")
        guard let role = Role(rawValue: try parameters.required("rights", "role")) else {
            throw APIError.invalidField("rights", "must be \"admin\" or \"user\"")
        }
        guard let user = try users.database.read({ try $0.users.find(username: username) }) else {
            throw APIError.notFound("User")
        }
        _ = try users.update(id: user.id, role: role, password: nil, caller: admin)
        return try .json(CompatSuccess())
    }

    // MARK: Playlists

    /// `name` and `visibility` (default `private`, as on `/api/v1/playlists`).
    func createPlaylist(_ request: Request, _ context: RequestContext) throws -> Response {
        let owner = try context.requireUser()
        let parameters = try CompatParameters(request)
        var object: [String: Any] = ["name": try parameters.required("name")]
        for field in ["visibility", "description"] { object[field] = parameters.string(field) }
        let view = try playlists.create(owner: owner, fields: try PlaylistRoutes.fields(JSONBody(object: object)))
        return try .json(CompatSuccess(id: view.playlist.id))
    }

    /// `?id=SONG` with `playlist_id`: the song at the end of the playlist.
    func addSong(_ request: Request, _ context: RequestContext) throws -> Response {
        let caller = try context.requireUser()
        let (playlistID, songID) = try Self.playlistAndSong(try CompatParameters(request))
        _ = try playlists.addEntry(playlistID: playlistID, caller: caller, trackID: songID, position: nil)
        return try .json(CompatSuccess())
    }

    /// `?id=SONG` with `playlist_id`: the song's first entry leaves the playlist (404 when it is not in it).
    func removeSong(_ request: Request, _ context: RequestContext) throws -> Response {
        let caller = try context.requireUser()
        let (playlistID, songID) = try Self.playlistAndSong(try CompatParameters(request))
        let view = try playlists.show(id: playlistID, caller: caller)
        guard let entry = view.entries?.first(where: { $0.track.id == songID }) else {
            throw APIError.notFound("Song in this playlist")
        }
        try playlists.removeEntry(playlistID: playlistID, entryID: entry.id, caller: caller)
        return try .json(CompatSuccess())
    }

    /// `playlist_id` (404 when malformed) and the song's `id` (422 on `id` when malformed: it names no track).
    private static func playlistAndSong(_ parameters: CompatParameters) throws(APIError) -> (UUID, UUID) {
        let playlistID = try parameters.id("playlist_id", of: "Playlist")
        guard let songID = UUID(uuidString: try parameters.required("id", "song_id")) else {
            throw .invalidField("id", "must be a track id (a UUID)")
        }
        return (playlistID, songID)
    }
}
