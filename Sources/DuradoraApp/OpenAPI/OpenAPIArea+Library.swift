extension OpenAPIArea {
    /// `/api/v1/artists…`, `/api/v1/albums…`, `/api/v1/genres`, favourites, ratings, plays and history, written
    /// from the contract's "Library" section. Keep each entry's method and path identical to its `router.add` call
    /// in `LibraryRoutes` / `ListeningRoutes`.
    static let library = OpenAPIArea(
        tag: "library",
        description: "Artists and albums grouped from the tracks' tags (album artist, else artist; trimmed, "
            + "case-insensitive, NFC), genres, and each user's favourites, ratings and plays. Counts, covers and "
            + "search hits reflect only the tracks the caller may see.",
        schemas: [
            ("Album", Schemas.object(albumProperties, required: albumProperties.map(\.0).filter { !personal.contains($0) })),
            ("AlbumWithTracks", Schemas.object(
                albumProperties + [("tracks", ["type": "array", "items": Schemas.ref("Track")])],
                required: albumProperties.map(\.0).filter { !personal.contains($0) } + ["tracks"])),
            ("AlbumPage", Schemas.page(of: Schemas.ref("Album"))),
            ("Artist", Schemas.object(artistProperties, required: artistProperties.map(\.0).filter { !personal.contains($0) })),
            ("ArtistWithAlbums", Schemas.object(
                artistProperties + [("albums", ["type": "array", "items": Schemas.ref("Album")])],
                required: artistProperties.map(\.0).filter { !personal.contains($0) } + ["albums"])),
            ("ArtistPage", Schemas.page(of: Schemas.ref("Artist"))),
            ("GenreList", Schemas.object([("items", ["type": "array", "items": Schemas.object([
                ("name", Schemas.string), ("track_count", count), ("album_count", count),
            ], required: ["name", "track_count", "album_count"])])], required: ["items"])),
            ("Favorites", Schemas.object([
                ("tracks", ["type": "array", "items": Schemas.ref("Track")]),
                ("albums", ["type": "array", "items": Schemas.ref("Album")]),
                ("artists", ["type": "array", "items": Schemas.ref("Artist")]),
            ], required: ["tracks", "albums", "artists"])),
            ("Rating", Schemas.object([("rating", ["type": "integer", "minimum": 0, "maximum": 5,
                                                   "description": "1 to 5; 0 clears the rating."])],
                                      required: ["rating"])),
            ("Play", Schemas.object([
                ("submission", ["type": "boolean", "description": "false: now playing; true (default): a finished play."]),
                ("played_at", ["type": "string", "format": "date-time", "description": "Default: now."]),
            ], required: [])),
            ("LibraryScan", Schemas.object([
                ("id", Schemas.uuid), ("state", ["type": "string", "enum": ["running", "finished", "failed"]]),
                ("files_seen", count), ("added", count), ("updated", count), ("removed", count), ("failed", count),
                ("errors", ["type": "array", "items": Schemas.object([("path", Schemas.string), ("message", Schemas.string)],
                                                                     required: ["path", "message"])]),
                ("started_at", Schemas.dateTime), ("finished_at", nullable("string")),
            ], required: ["id", "state", "files_seen", "added", "updated", "removed", "failed", "errors", "started_at",
                          "finished_at"])),
            ("LibraryScanRequest", Schemas.object([
                ("path", ["type": "string",
                          "description": "An absolute directory on the server; default: every `library.music_folders`."]),
            ], required: [])),
            ("HistoryPage", Schemas.page(of: Schemas.object([("track", Schemas.ref("Track")),
                                                             ("played_at", Schemas.dateTime)],
                                                            required: ["track", "played_at"]))),
        ],
        operations: [
            APIOperation(method: .get, path: "/api/v1/artists", tag: "library", summary: "List artists",
                         description: "Artists with a track the caller may see. `sort=name` ignores leading articles "
                             + "(config `library.ignored_articles`); `sort=recent` is the most recently added first.",
                         access: .optionalUser,
                         query: [.string("q", "Names containing this text."), .string("sort", "name (default) or recent.")]
                             + APIOperation.Parameter.pagination,
                         status: 200, responseDescription: "A page of artists.",
                         responseBody: .json(Schemas.ref("ArtistPage")), errors: [401, 422]),
            APIOperation(method: .get, path: "/api/v1/artists/{id}", tag: "library", summary: "Show an artist",
                         access: .optionalUser, status: 200, responseDescription: "The artist with their albums.",
                         responseBody: .json(Schemas.ref("ArtistWithAlbums")), errors: [401, 404]),
            APIOperation(method: .get, path: "/api/v1/albums", tag: "library", summary: "List albums",
                         description: "`recent` (recently played), `frequent` (most played) and `starred` are the "
                             + "caller's own and need credentials; they leave out albums never played or starred.",
                         access: .optionalUser,
                         query: [.string("q", "Album or artist names containing this text."),
                                 .string("artist_id", "Albums of this artist."), .string("genre", "Exact genre."),
                                 .integer("year_from", "Latest track year at least this.", minimum: 0),
                                 .integer("year_to", "Latest track year at most this.", minimum: 0),
                                 .string("sort", "name (default), artist, newest, year, random, recent, frequent, starred.")]
                             + APIOperation.Parameter.pagination,
                         status: 200, responseDescription: "A page of albums.",
                         responseBody: .json(Schemas.ref("AlbumPage")), errors: [401, 422]),
            APIOperation(method: .get, path: "/api/v1/albums/{id}", tag: "library", summary: "Show an album",
                         access: .optionalUser, status: 200,
                         responseDescription: "The album with its tracks in disc and track order.",
                         responseBody: .json(Schemas.ref("AlbumWithTracks")), errors: [401, 404]),
            APIOperation(method: .get, path: "/api/v1/genres", tag: "library", summary: "List genres",
                         access: .optionalUser, status: 200, responseDescription: "Every genre of the visible tracks.",
                         responseBody: .json(Schemas.ref("GenreList")), errors: [401]),
            APIOperation(method: .get, path: "/api/v1/me/favorites", tag: "library", summary: "The caller's favourites",
                         access: .user, status: 200, responseDescription: "Starred tracks, albums and artists, latest first.",
                         responseBody: .json(Schemas.ref("Favorites")), errors: [401]),
            APIOperation(method: .put, path: "/api/v1/me/favorites/{kind}/{id}", tag: "library", summary: "Star an item",
                         description: "`kind` is tracks, albums or artists. Starring twice keeps the first time.",
                         access: .user, status: 204, responseDescription: "Starred.", errors: [401, 404]),
            APIOperation(method: .delete, path: "/api/v1/me/favorites/{kind}/{id}", tag: "library",
                         summary: "Unstar an item", access: .user, status: 204, responseDescription: "Not starred.",
                         errors: [401, 404]),
            APIOperation(method: .put, path: "/api/v1/tracks/{id}/rating", tag: "library", summary: "Rate a track",
                         access: .user, requestBody: .json(Schemas.ref("Rating")),
                         status: 200, responseDescription: "The track with the caller's rating.",
                         responseBody: .json(Schemas.ref("Track")), errors: [400, 401, 404, 413, 422]),
            APIOperation(method: .post, path: "/api/v1/tracks/{id}/plays", tag: "library", summary: "Report a play",
                         description: "`submission: false` says the caller is playing it now; `true` records a "
                             + "finished play (history, play count, last played).",
                         access: .user, requestBody: .json(Schemas.ref("Play"), required: false),
                         status: 204, responseDescription: "Recorded.", errors: [400, 401, 404, 413, 422]),
            APIOperation(method: .get, path: "/api/v1/me/history", tag: "library", summary: "The caller's history",
                         access: .user, query: APIOperation.Parameter.pagination,
                         status: 200, responseDescription: "Plays, latest first.",
                         responseBody: .json(Schemas.ref("HistoryPage")), errors: [401, 422]),
            APIOperation(method: .post, path: "/api/v1/library/scans", tag: "library", summary: "Scan music folders",
                         description: "Imports in place (nothing is copied): new files are added, changed ones "
                             + "updated keeping their ids, vanished ones removed, broken ones reported. One at a time.",
                         access: .admin, requestBody: .json(Schemas.ref("LibraryScanRequest"), required: false),
                         status: 202, responseDescription: "The scan, running; follow its Location.",
                         responseBody: .json(Schemas.ref("LibraryScan")), errors: [400, 401, 403, 409, 413, 422]),
            APIOperation(method: .get, path: "/api/v1/library/scans/{id}", tag: "library", summary: "Scan progress",
                         access: .admin, status: 200, responseDescription: "The scan's counts so far, or its summary.",
                         responseBody: .json(Schemas.ref("LibraryScan")), errors: [401, 403, 404]),
            APIOperation(method: .put, path: "/api/v1/albums/{id}/cover", tag: "library", summary: "Upload an album cover",
                         description: "Admins and owners of the album's tracks. Any image libvips reads.", access: .user,
                         requestBody: APIOperation.Body(description: "The picture.", content: [
                             ("image/*", ["type": "string", "contentMediaType": "image/*"])]),
                         status: 200, responseDescription: "The album with its cover.",
                         responseBody: .json(Schemas.ref("Album")), errors: [401, 403, 404, 413, 415]),
        ] + ["albums", "artists", "tracks"].map(cover))

    /// `GET /api/v1/{kind}/{id}/cover`.
    private static func cover(_ kind: String) -> APIOperation {
        APIOperation(method: .get, path: "/api/v1/\(kind)/{id}/cover", tag: "library", summary: "Cover art (\(kind))",
                     description: "A square thumbnail, JPEG unless `Accept` names image/webp; cached by picture and "
                         + "size, strong ETag. 404 when there is none the caller may see.",
                     access: .optionalUser,
                     query: [.integer("size", "Pixels (16 to 2048; default 512).", minimum: 1)],
                     status: 200, responseDescription: "The thumbnail.",
                     responseBody: APIOperation.Body(description: "", content: [
                         ("image/jpeg", ["type": "string", "contentMediaType": "image/jpeg"]),
                         ("image/webp", ["type": "string", "contentMediaType": "image/webp"])]),
                     alternatives: [(304, "Not modified.")], errors: [401, 404, 422])
    }

    private static let count: JSONValue = ["type": "integer", "minimum": 0]
    private static let personal: Set = ["starred_at", "play_count"]
    private static func nullable(_ type: String) -> JSONValue { ["type": [.string(type), "null"]] }

    private static let albumProperties: [(String, JSONValue)] = [
        ("id", Schemas.uuid), ("name", Schemas.string), ("artist", nullable("string")), ("artist_id", nullable("string")),
        ("year", nullable("integer")), ("genre", nullable("string")), ("track_count", count),
        ("duration_seconds", ["type": "number", "minimum": 0]), ("cover_url", nullable("string")),
        ("created_at", Schemas.dateTime), ("starred_at", nullable("string")), ("play_count", count),
    ]

    private static let artistProperties: [(String, JSONValue)] = [
        ("id", Schemas.uuid), ("name", Schemas.string), ("album_count", count), ("track_count", count),
        ("cover_url", nullable("string")), ("starred_at", nullable("string")),
    ]

    /// What the "Library" section adds to the track object (see `OpenAPIArea.tracks`).
    static let libraryTrackProperties: [(String, JSONValue)] = [
        ("album_id", nullable("string")), ("artist_id", nullable("string")), ("album_artist", nullable("string")),
        ("disc_number", nullable("integer")), ("cover_url", nullable("string")),
        ("format", ["type": "string", "enum": .array(AudioFormat.allCases.map { .string($0.rawValue) })]),
        ("starred_at", nullable("string")), ("rating", nullable("integer")), ("play_count", count),
    ]
}
