extension OpenAPIArea {
    /// The earlier records service (`Routes/RecordsServiceRoutes.swift`), under both of its prefixes.
    static let recordsService = OpenAPIArea(
        tag: "records-service",
        description: "The earlier records service, verbatim, under /api/v1/ and /api_v1/.",
        schemas: [
            ("RecordURL", Schemas.object([
                ("record_url", ["type": "string", "format": "uri",
                                "description": "`<public_url>/api/v1/record?record_id=…&user_id=…`."]),
            ], required: ["record_url"])),
        ],
        operations: [
            APIOperation(method: .post, path: "/api_v1/users", tag: "records-service", summary: "Create a user",
                         description: "POST /api/v1/users under the other spelling.", access: .optionalUser,
                         query: [.string("username", "The new username.")],
                         status: 201, responseDescription: "The user and API token.",
                         responseBody: .json(["type": "object"]), errors: [400, 401, 403, 409, 413, 422],
                         explicitID: "post_api_v1_users_records_spelling"),
        ] + ["/api/v1", "/api_v1"].flatMap { prefix in [upload(prefix), download(prefix)] })

    private static func idSuffix(_ prefix: String) -> String { prefix == "/api_v1" ? "_records_spelling" : "" }

    private static func upload(_ prefix: String) -> APIOperation {
        APIOperation(method: .post, path: prefix + "/record", tag: "records-service", summary: "Upload a WAV",
                     description: "A multipart `file` for `user_id`, whose token is `access_token` (query or form). "
                         + "Any mismatch of user and token is 401 and nothing is kept.",
                     access: .optionalUser,
                     query: [.string("user_id", "The uploading user's id."), .string("access_token", "Their token.")],
                     requestBody: APIOperation.Body(description: "The audio.", content: [
                         ("multipart/form-data", Schemas.ref("SeedUpload")),
                     ]),
                     status: 200, responseDescription: "Where to download the MP3.",
                     responseBody: .json(Schemas.ref("RecordURL")),
                     alternatives: [(202, "Accepted; the encode finishes in the background.")],
                     errors: [400, 401, 403, 411, 413, 415, 422, 429, 503],
                     explicitID: "post_record_upload" + idSuffix(prefix))
    }

    private static func download(_ prefix: String) -> APIOperation {
        APIOperation(method: .get, path: prefix + "/record", tag: "records-service", summary: "Download a record",
                     description: "The MP3 as an attachment (HEAD, Range); `{\"record_url\"}` when `Accept` names "
                         + "only application/json. 404 when the record is not that user's.",
                     access: .optionalUser,
                     query: [.string("record_id", "The record (track) id.", required: true),
                             .string("user_id", "Its owner's id.", required: true)],
                     status: 200, responseDescription: "The MP3, or its URL as JSON.",
                     responseBody: APIOperation.Body(description: "", content: [
                         ("audio/mpeg", ["type": "string", "contentMediaType": "audio/mpeg"]),
                         ("application/json", Schemas.ref("RecordURL")),
                     ]),
                     alternatives: [(206, "The requested range."), (304, "Not modified.")],
                     errors: [401, 404, 409, 416, 422],
                     explicitID: "get_record_download" + idSuffix(prefix))
    }
}
