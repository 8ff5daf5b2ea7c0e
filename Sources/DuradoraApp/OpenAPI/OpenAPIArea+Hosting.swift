import DuradoraHTTP

extension OpenAPIArea {
    /// The earlier audio hosting service (`Routes/HostingServiceRoutes.swift`).
    static let hostingService = OpenAPIArea(
        tag: "hosting-service",
        description: "The earlier audio hosting service, verbatim: cookie sessions (HttpOnly, SameSite=Lax, Secure "
            + "over https; opaque revocable tokens, not JWTs), admin user management, the caller's audio.",
        schemas: [
            ("HostingCredentials", Schemas.object([("username", Schemas.username), ("password", Schemas.password)],
                                                  required: ["username", "password"])),
            ("HostingUserSelector", Schemas.object([
                ("user_id", Schemas.uuid), ("username", Schemas.string),
                ("role", Schemas.role), ("password", Schemas.password),
            ], required: [])),
        ],
        operations: [
            op(.post, "/v1/auth/registration", "Register", access: .optionalUser, body: "HostingCredentials",
               status: 201, answer: "The new user.", schema: "User", errors: [400, 401, 403, 409, 413, 422]),
            op(.post, "/v1/auth/login", "Log in (cookies)",
               description: "JSON or a form. The pair in the body; the access token as the `duradora_session` "
                   + "cookie, the refresh token as `duradora_refresh` (Path=/v1/auth).",
               access: .anyone, body: "HostingCredentials", answer: "The token pair.", schema: "TokenPair",
               errors: [400, 401, 413, 422, 429]),
            op(.post, "/v1/auth/refresh", "Rotate the session",
               description: "From the `duradora_refresh` cookie (same-origin only) or `refresh_token`; the old "
                   + "refresh token is dead, re-using it revokes the whole login.",
               access: .anyone, answer: "The new pair, as cookies too.", schema: "TokenPair", errors: [400, 401, 403, 413]),
            op(.post, "/v1/auth/logout", "Log out", description: "Revokes the login (named by the access token, or by the refresh "
                   + "cookie alone once the access cookie has expired) and clears both cookies.",
               access: .user, status: 204, answer: "Logged out.", errors: [401, 403]),
            op(.get, "/v1/auth/me", "The caller", access: .user, answer: "The user.", schema: "User", errors: [401]),
            op(.post, "/v1/user/get_user", "A user (admins)", access: .admin, body: "HostingUserSelector",
               answer: "The user.", schema: "User", errors: [400, 401, 403, 404, 413, 422]),
            op(.put, "/v1/user/update_user", "Change a user",
               description: "Admins change roles; users their own password.", access: .user, body: "HostingUserSelector",
               answer: "The user.", schema: "User", errors: [400, 401, 403, 404, 409, 413, 422]),
            op(.delete, "/v1/user/delete_user", "Delete a user (admins)", access: .admin, body: "HostingUserSelector",
               status: 204, answer: "Deleted.", errors: [400, 401, 403, 404, 409, 413, 422]),
            APIOperation(method: .get, path: "/v1/audio", tag: "hosting-service", summary: "The caller's audio files",
                         access: .user, query: APIOperation.Parameter.pagination, status: 200,
                         responseDescription: "A page of the caller's tracks.",
                         responseBody: .json(Schemas.page(of: Schemas.ref("Track"))), errors: [400, 401]),
            APIOperation(method: .post, path: "/v1/audio/file", tag: "hosting-service", summary: "Upload audio",
                         description: "A multipart `file` (metadata fields as on POST /api/v1/tracks).", access: .user,
                         requestBody: APIOperation.Body(description: "The audio.", content: [
                             ("multipart/form-data", Schemas.ref("SeedUpload")),
                         ]),
                         status: 201, responseDescription: "The new track.", responseBody: .json(Schemas.ref("Track")),
                         alternatives: [(202, "Accepted; the encode finishes in the background.")],
                         errors: [400, 401, 403, 411, 413, 415, 422, 429, 503]),
            APIOperation(method: .get, path: "/v1/audio/file/{pk}", tag: "hosting-service", summary: "Stream an audio file",
                         description: "As GET /api/v1/tracks/{id}/stream (HEAD, Range).", access: .optionalUser,
                         status: 200, responseDescription: "The MP3.",
                         responseBody: .media("audio/mpeg", ["type": "string", "contentMediaType": "audio/mpeg"]),
                         alternatives: [(206, "The requested range."), (304, "Not modified.")],
                         errors: [401, 404, 409, 416]),
        ])

    private static func op(
        _ method: HTTPMethod, _ path: String, _ summary: String, description: String = "", access: APIOperation.Access,
        body: String? = nil, status: Int = 200, answer: String, schema: String? = nil, errors: [Int]
    ) -> APIOperation {
        APIOperation(method: method, path: path, tag: "hosting-service", summary: summary, description: description,
                     access: access,
                     requestBody: body.map { name in
                         APIOperation.Body(description: "JSON or a form.", content: [
                             ("application/json", Schemas.ref(name)), ("application/x-www-form-urlencoded", Schemas.ref(name)),
                         ])
                     },
                     status: status, responseDescription: answer, responseBody: schema.map { .json(Schemas.ref($0)) },
                     errors: errors)
    }
}
