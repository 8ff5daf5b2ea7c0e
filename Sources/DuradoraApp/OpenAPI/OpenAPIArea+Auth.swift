extension OpenAPIArea {
    /// `/api/v1/auth/…`: register, log in, refresh, log out, who am I.
    static let auth = OpenAPIArea(
        tag: "auth",
        description: "Accounts with passwords and the access/refresh token pair.",
        schemas: [
            ("User", Schemas.object([("id", Schemas.uuid), ("username", Schemas.string), ("role", Schemas.role),
                                     ("created_at", Schemas.dateTime),
                                     ("max_bitrate", ["type": ["integer", "null"], "minimum": 48,
                                                      "description": "Streams are transcoded down to this many kbps when the request names no max_bitrate; null = the stored file."])],
                                    required: ["id", "username", "role", "created_at"])),
            ("Credentials", Schemas.object([("username", Schemas.username), ("password", Schemas.password)],
                                           required: ["username", "password"])),
            ("RefreshRequest", Schemas.object([("refresh_token", Schemas.string)], required: ["refresh_token"])),
            ("TokenPair", Schemas.object([
                ("access_token", Schemas.string), ("refresh_token", Schemas.string),
                ("token_type", ["type": "string", "const": "Bearer"]),
                ("expires_in", ["type": "integer", "description": "Seconds until the access token expires."]),
            ], required: ["access_token", "refresh_token", "token_type", "expires_in"])),
        ],
        operations: [
            APIOperation(method: .post, path: "/api/v1/auth/register", tag: "auth", summary: "Register with a password",
                         description: "Open to anyone while `auth.open_registration` is true; otherwise admins only.",
                         access: .optionalUser, requestBody: .json(Schemas.ref("Credentials")),
                         status: 201, responseDescription: "The new user.", responseBody: .json(Schemas.ref("User")),
                         errors: [400, 401, 403, 409, 413, 422]),
            APIOperation(method: .post, path: "/api/v1/auth/login", tag: "auth", summary: "Log in",
                         description: "Also sets the `duradora_session` cookie (HttpOnly, SameSite=Lax).",
                         requestBody: .json(Schemas.ref("Credentials")),
                         status: 200, responseDescription: "A fresh token pair.",
                         responseBody: .json(Schemas.ref("TokenPair")), errors: [400, 401, 413, 422, 429]),
            APIOperation(method: .post, path: "/api/v1/auth/refresh", tag: "auth", summary: "Rotate the token pair",
                         description: "The old refresh token dies; re-using a dead one revokes its whole family.",
                         requestBody: .json(Schemas.ref("RefreshRequest")),
                         status: 200, responseDescription: "A new token pair.",
                         responseBody: .json(Schemas.ref("TokenPair")), errors: [400, 401, 413, 422]),
            APIOperation(method: .post, path: "/api/v1/auth/logout", tag: "auth", summary: "Revoke this token",
                         access: .user, status: 204, responseDescription: "Logged out; the cookie is cleared.",
                         errors: [401]),
            APIOperation(method: .get, path: "/api/v1/auth/me", tag: "auth", summary: "The authenticated user",
                         access: .user, status: 200, responseDescription: "The caller.",
                         responseBody: .json(Schemas.ref("User")), errors: [401]),
        ])
}
