import DuradoraHTTP

extension OpenAPIArea {
    /// The earlier music API's routes at the root (`Routes/MusicAPIRoutes.swift`).
    static let musicAPI = OpenAPIArea(
        tag: "music-api",
        description: "The earlier music API, verbatim: parameters as query, form or JSON; changes answer "
            + "`{\"status\": \"success\", …}`; the same rules and errors as /api/v1.",
        schemas: [
            ("CompatSuccess", Schemas.object([
                ("status", ["type": "string", "enum": ["success"]]),
                ("id", ["type": "string", "format": "uuid", "description": "The new (or changed) track or playlist."]),
                ("token", ["type": "string", "description": "POST /login: an access token (bearer)."]),
            ], required: ["status"])),
            ("CompatParameters", Schemas.object([], required: [], additional: true)),
        ],
        operations: [
            change(.post, "/track", "Create a track, or change one with ?id=",
                   "Without `id`: a track from a multipart `file` (optional) or raw audio body, metadata (`title, "
                       + "artist, album, genre, year, track_number, visibility`) in the form, JSON or query. With "
                       + "`id`: new audio and/or metadata for that track (owner or admin).",
                   access: .user, query: [.string("id", "The track to change (absent: create one).")],
                   errors: [400, 401, 403, 404, 409, 411, 413, 415, 422, 429, 503]),
            APIOperation(method: .get, path: "/track", tag: "music-api", summary: "A track's metadata",
                         access: .optionalUser, query: [.string("id", "The track id.", required: true)],
                         status: 200, responseDescription: "The track object.",
                         responseBody: .json(Schemas.ref("Track")), errors: [404, 422]),
            APIOperation(method: .get, path: "/stream", tag: "music-api", summary: "Stream a track",
                         description: "As GET /api/v1/tracks/{id}/stream: HEAD, Range, If-Range, If-None-Match.",
                         access: .optionalUser, query: [.string("id", "The track id.", required: true)],
                         status: 200, responseDescription: "The MP3.",
                         responseBody: .media("audio/mpeg", ["type": "string", "contentMediaType": "audio/mpeg"]),
                         alternatives: [(206, "The requested range."), (304, "Not modified.")],
                         errors: [401, 404, 409, 416, 422]),
            change(.post, "/register", "Register", "`login` (or `username`) and `password`.",
                   access: .optionalUser, errors: [400, 401, 403, 409, 413, 422]),
            change(.post, "/login", "Log in", "`login` (or `username`) and `password` → `token`.",
                   access: .anyone, errors: [400, 401, 413, 422, 429]),
            change(.post, "/set_rights", "Set a user's role (admins)", "`username` and `rights`: `admin` or `user`.",
                   access: .admin, errors: [400, 401, 403, 404, 409, 413, 422]),
            change(.post, "/playlist", "Create a playlist", "`name` and `visibility` (default `private`).",
                   access: .user, errors: [400, 401, 413, 422]),
            APIOperation(method: .get, path: "/playlist", tag: "music-api", summary: "A playlist with its tracks",
                         access: .optionalUser, query: [.string("id", "The playlist id.", required: true)],
                         status: 200, responseDescription: "The playlist object with `tracks`.",
                         responseBody: .json(Schemas.ref("Playlist")), errors: [404, 422]),
            change(.post, "/playlist/add_song", "Append a song", "`?id=SONG` and `playlist_id`.",
                   access: .user, query: [.string("id", "The song (track) id.")], errors: [400, 401, 403, 404, 413, 422]),
            change(.post, "/playlist/remove_song", "Remove a song's first entry", "`?id=SONG` and `playlist_id`.",
                   access: .user, query: [.string("id", "The song (track) id.")], errors: [400, 401, 403, 404, 413, 422]),
            APIOperation(method: .get, path: "/user/playlists", tag: "music-api", summary: "A user's playlists",
                         description: "Their public playlists (all of them for themselves and admins).",
                         access: .optionalUser,
                         query: [.string("username", "Whose.", required: true)] + APIOperation.Parameter.pagination,
                         status: 200, responseDescription: "A page of playlists.",
                         responseBody: .json(Schemas.ref("PlaylistPage")), errors: [400, 404, 422]),
            APIOperation(method: .get, path: "/playlist/search", tag: "music-api", summary: "Search playlists",
                         description: "Public playlists (and the caller's own) by name.", access: .optionalUser,
                         query: [.string("search_string", "Words of the name.")] + APIOperation.Parameter.pagination,
                         status: 200, responseDescription: "A page of playlists.",
                         responseBody: .json(Schemas.ref("PlaylistPage")), errors: [400, 422]),
        ])

    /// A `{"status": "success"}` route taking its parameters as query, form or JSON.
    private static func change(
        _ method: HTTPMethod, _ path: String, _ summary: String, _ description: String, access: APIOperation.Access,
        query: [APIOperation.Parameter] = [], errors: [Int]
    ) -> APIOperation {
        APIOperation(method: method, path: path, tag: "music-api", summary: summary, description: description,
                     access: access, query: query,
                     requestBody: APIOperation.Body(description: "Parameters (also accepted in the query).", content: [
                         ("application/json", Schemas.ref("CompatParameters")),
                         ("application/x-www-form-urlencoded", Schemas.ref("CompatParameters")),
                     ], isRequired: false),
                     status: 200, responseDescription: "Done.", responseBody: .json(Schemas.ref("CompatSuccess")),
                     errors: errors)
    }
}
