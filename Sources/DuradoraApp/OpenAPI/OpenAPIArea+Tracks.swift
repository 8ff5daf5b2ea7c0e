extension OpenAPIArea {
    /// `/api/v1/tracks…`, written from the API contract. Joins `OpenAPIDocument.areas` together with the track
    /// routes; keep each entry's method and path identical to its `router.add` call.
    static let tracks = OpenAPIArea(
        tag: "tracks",
        description: "Upload audio in any format libsndfile reads (stored as tagged MP3), edit metadata, search, "
            + "stream and download with Range.",
        schemas: [
            ("Track", Schemas.object(trackProperties, required: trackProperties.map(\.0).filter { !optionalTrackFields.contains($0) })),
            ("TrackPage", Schemas.page(of: Schemas.ref("Track"))),
            ("TrackUpdate", Schemas.object(editableFields, required: [])),
            ("TrackUpload", Schemas.object(
                [("file", ["type": "string", "contentMediaType": "application/octet-stream",
                           "description": "The audio; optional (a track without audio is \"empty\")."])]
                    + editableFields.map { ($0.0, ["type": "string"]) },
                required: [])),
        ],
        operations: [
            APIOperation(method: .post, path: "/api/v1/tracks", tag: "tracks", summary: "Upload a track",
                         description: "Multipart (`file` plus text fields) or a raw `audio/*` body with the metadata "
                             + "in the query. Long encodes answer 202 with status \"processing\".",
                         access: .user, query: metadataQuery, requestBody: uploadBody,
                         status: 201, responseDescription: "The track, ready (or empty without audio).",
                         responseBody: .json(Schemas.ref("Track")),
                         alternatives: [(202, "Accepted; the track is \"processing\" until its encode finishes.")],
                         errors: [400, 401, 403, 411, 413, 415, 422, 429, 503]),
            APIOperation(method: .get, path: "/api/v1/tracks", tag: "tracks", summary: "List and search tracks",
                         description: "Public tracks plus the caller's own.", access: .optionalUser,
                         query: [.string("q", "Full-text search over title, artist, album and genre."),
                                 .string("artist", "Exact artist."), .string("album", "Exact album."),
                                 .string("genre", "Exact genre."), .string("owner", "Owner's user id.")]
                             + APIOperation.Parameter.pagination,
                         status: 200, responseDescription: "A page of tracks.",
                         responseBody: .json(Schemas.ref("TrackPage")), errors: [401, 422]),
            APIOperation(method: .get, path: "/api/v1/tracks/{id}", tag: "tracks", summary: "Show a track",
                         access: .optionalUser, status: 200, responseDescription: "The track.",
                         responseBody: .json(Schemas.ref("Track")), errors: [401, 404]),
            APIOperation(method: .put, path: "/api/v1/tracks/{id}/audio", tag: "tracks", summary: "Attach or replace audio",
                         access: .user, requestBody: uploadBody,
                         status: 200, responseDescription: "The track with its new audio.",
                         responseBody: .json(Schemas.ref("Track")),
                         alternatives: [(202, "Accepted; the track is \"processing\" until its encode finishes.")],
                         errors: [400, 401, 403, 404, 411, 413, 415, 422, 429, 503]),
            APIOperation(method: .patch, path: "/api/v1/tracks/{id}", tag: "tracks", summary: "Edit metadata",
                         description: "ID3 tags are rewritten to match.", access: .user,
                         requestBody: .json(Schemas.ref("TrackUpdate")),
                         status: 200, responseDescription: "The updated track.", responseBody: .json(Schemas.ref("Track")),
                         errors: [400, 401, 403, 404, 413, 422]),
            APIOperation(method: .delete, path: "/api/v1/tracks/{id}", tag: "tracks", summary: "Delete a track",
                         description: "The file goes, and the track leaves every playlist.", access: .user,
                         status: 204, responseDescription: "Deleted.", errors: [401, 403, 404]),
            streaming("/api/v1/tracks/{id}/stream", "Stream the MP3, or a transcode of it", query: transcodeQuery),
            streaming("/api/v1/tracks/{id}/download", "Download the MP3 as an attachment"),
        ])

    private static let trackProperties: [(String, JSONValue)] = [
        ("id", Schemas.uuid), ("title", nullable("string")), ("artist", nullable("string")),
        ("album", nullable("string")), ("genre", nullable("string")), ("year", nullable("integer")),
        ("track_number", nullable("integer")), ("duration_seconds", nullable("number")),
        ("bitrate", nullable("integer")), ("sample_rate", nullable("integer")), ("channels", nullable("integer")),
        ("size_bytes", nullable("integer")), ("content_type", nullable("string")), ("visibility", visibility),
        ("owner_id", Schemas.uuid), ("created_at", Schemas.dateTime), ("updated_at", Schemas.dateTime),
        ("status", ["type": "string", "enum": ["empty", "processing", "ready", "failed"]]),
        ("error", ["type": [.string("string"), "null"], "description": "Why the encode failed (status \"failed\" only; else null)."]),
        ("stream_url", nullable("string")), ("download_url", nullable("string")),
    ] + libraryTrackProperties

    /// Fields a track object may leave out: `error` unless failed, the personal ones for anonymous callers.
    private static let optionalTrackFields: Set = ["error", "starred_at", "rating", "play_count"]

    private static let editableFields: [(String, JSONValue)] = [
        ("title", nullable("string")), ("artist", nullable("string")), ("album", nullable("string")),
        ("genre", nullable("string")), ("year", nullable("integer")), ("track_number", nullable("integer")),
        ("visibility", visibility), ("album_artist", nullable("string")), ("disc_number", nullable("integer")),
    ]

    private static let visibility: JSONValue = ["type": "string", "enum": ["public", "link", "private"]]

    private static let metadataQuery: [APIOperation.Parameter] = ["title", "artist", "album", "genre", "year",
                                                                  "track_number", "visibility", "album_artist",
                                                                  "disc_number"].map {
        .string($0, "Metadata for a raw audio body.")
    }

    private static let uploadBody = APIOperation.Body(description: "The audio and its metadata.", content: [
        ("multipart/form-data", Schemas.ref("TrackUpload")),
        ("audio/*", ["type": "string", "contentMediaType": "audio/*"]),
    ])

    private static func nullable(_ type: String) -> JSONValue { ["type": [.string(type), "null"]] }

    /// `/stream` only: what a transcode is asked with (see `StreamOptions`).
    private static let transcodeQuery: [APIOperation.Parameter] = [
        APIOperation.Parameter(name: "format", description: "raw (the stored file), mp3, or opus (Ogg Opus, hard CBR: "
                               + "an exact length and Range on its first play, as MP3).",
                               schema: ["type": "string", "enum": ["raw", "mp3", "opus"]]),
        .integer("max_bitrate", "kbps limit (0 = none; default: the user's max_bitrate). Below the stored bitrate "
                 + "the track is transcoded to CBR MP3 at the nearest of 48…320 kbps at or under it.", minimum: 0),
        APIOperation.Parameter(name: "time_offset", description: "Start the transcode this many seconds in.",
                               schema: ["type": "number", "minimum": 0]),
    ]

    /// Every audio type a stream or download can carry: the stored formats', and the transcodes' (MP3, Ogg). Share
    /// links stream with it too.
    static let audio = APIOperation.Body(description: "", content: Set(AudioFormat.allCases.map {
        String($0.contentType.prefix { $0 != ";" })
    }).sorted().map { type in (type, ["type": "string", "contentMediaType": .string(type)]) })

    private static func streaming(_ path: String, _ summary: String, query: [APIOperation.Parameter] = []) -> APIOperation {
        APIOperation(method: .get, path: path, tag: "tracks", summary: summary,
                     description: "HEAD works too. Honours Range (one range), If-Range, If-None-Match and "
                         + "If-Modified-Since; 409 while the track is still processing. A transcode has an exact "
                         + "Content-Length and takes Range on its first play; X-Content-Duration on every answer.",
                     access: .optionalUser, query: query,
                     status: 200, responseDescription: "The whole file: the stored one in its own format (MP3 for "
                         + "uploads; imported files keep theirs), or the transcode (MP3, or Ogg Opus).",
                     responseBody: audio,
                     alternatives: [(206, "The requested range."), (304, "Not modified.")]
                         // Only streams (they take options) redirect; a download keeps its Content-Disposition.
                         + (query.isEmpty ? [] : [(302, "With storage.s3.redirect and the audio in a bucket: a "
                             + "browser's GET (it sends Sec-Fetch-Dest) is sent to an hour-long presigned URL of the "
                             + "object (Location).")]),
                     errors: query.isEmpty ? [401, 404, 409, 416] : [401, 404, 409, 416, 422, 503])
    }
}
