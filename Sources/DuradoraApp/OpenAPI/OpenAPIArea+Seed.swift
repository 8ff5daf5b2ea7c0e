extension OpenAPIArea {
    /// Seed-style compatibility routes for scripts written for earlier simple audio services.
    static let seed = OpenAPIArea(
        tag: "seed",
        description: "Compatibility routes for simple clients of earlier audio services; the same rules as /api/v1.",
        schemas: [
            ("SeedUserRequest", Schemas.object([("username", Schemas.username)], required: ["username"])),
            ("SeedUser", Schemas.object([
                ("user_id", Schemas.uuid),
                ("token", ["type": "string", "format": "uuid", "description": "An API token, valid until revoked."]),
                ("user_token", ["type": "string", "description": "The same token, for clients that read this name."]),
                ("access_token", ["type": "string", "description": "The same token, for clients that read this name."]),
            ], required: ["user_id", "token"])),
            ("SeedUpload", Schemas.object([
                ("file", ["type": "string", "contentMediaType": "application/octet-stream",
                          "description": "The audio (WAV, FLAC, OGG, MP3, …); transcoded to MP3."]),
                ("user_id", Schemas.uuid),
                ("token", ["type": "string", "description": "A token of that user (or `user_token`, `access_token`)."]),
                ("user_token", Schemas.string), ("access_token", Schemas.string),
            ], required: ["file"])),
            ("SeedRecord", Schemas.object([
                ("url", ["type": "string", "format": "uri",
                         "description": "`<public_url>/record?id=<track_id>&user=<user_id>`: where to GET the MP3."]),
            ], required: ["url"])),
        ],
        operations: [
            APIOperation(method: .post, path: "/user", tag: "seed", summary: "Create a user (seed style)",
                         description: "Like POST /api/v1/users, answered as `{\"user_id\", \"token\"}`.",
                         access: .optionalUser, requestBody: .json(Schemas.ref("SeedUserRequest")),
                         status: 201, responseDescription: "The user id and API token.",
                         responseBody: .json(Schemas.ref("SeedUser")), errors: [400, 401, 403, 409, 413, 422]),
            APIOperation(method: .post, path: "/create-user/", tag: "seed", summary: "Create a user from the query",
                         description: "`POST /create-user/?user_name=NAME`; a JSON or form body with `user_name` or "
                             + "`username` works too.",
                         access: .optionalUser, query: [.string("user_name", "The new username.")],
                         status: 201, responseDescription: "The user id and API token.",
                         responseBody: .json(Schemas.ref("SeedUser")), errors: [400, 401, 403, 409, 413, 422]),
            upload("/record"),
            upload("/add-audio/"),
            APIOperation(method: .get, path: "/record", tag: "seed", summary: "Download a track (seed style)",
                         description: "The MP3 as an attachment, like GET /api/v1/tracks/{id}/download (HEAD, Range, "
                             + "If-None-Match). 404 when the track is not that user's; a private track needs its "
                             + "owner's credentials (bearer, cookie or `access_token`).",
                         access: .optionalUser,
                         query: [.string("id", "The track id (or `audio_id`)."),
                                 .string("user", "The owner's user id (or `user_id`)."),
                                 .string("audio_id", "Same as `id`."), .string("user_id", "Same as `user`.")],
                         status: 200, responseDescription: "The whole MP3.",
                         responseBody: .media("audio/mpeg", ["type": "string", "contentMediaType": "audio/mpeg"]),
                         alternatives: [(206, "The requested range."), (304, "Not modified.")],
                         errors: [401, 404, 409, 416, 422]),
        ])

    /// `POST /record` and `POST /add-audio/`: the same upload under two names.
    private static func upload(_ path: String) -> APIOperation {
        APIOperation(method: .post, path: path, tag: "seed", summary: "Upload audio (seed style)",
                     description: "Like POST /api/v1/tracks for the user `user_id`, whose token comes as a form "
                         + "field or in the query (`token`, `user_token` or `access_token`), before or after the "
                         + "file part. Any mismatch of user and token is 401 and nothing is kept. 202 while a long "
                         + "encode finishes in the background.",
                     access: .optionalUser,
                     query: [.string("user_id", "The uploading user's id (or as a form field)."),
                             .string("token", "A token of that user (or `user_token`, `access_token`; or a form field).")],
                     requestBody: APIOperation.Body(description: "The audio plus user_id and token.", content: [
                         ("multipart/form-data", Schemas.ref("SeedUpload")),
                         ("audio/*", ["type": "string", "contentMediaType": "audio/*"]),
                     ]),
                     status: 201, responseDescription: "Where to download the MP3.",
                     responseBody: .json(Schemas.ref("SeedRecord")),
                     alternatives: [(202, "Accepted; the encode finishes in the background.")],
                     errors: [400, 401, 403, 411, 413, 415, 422, 429, 503])
    }
}
