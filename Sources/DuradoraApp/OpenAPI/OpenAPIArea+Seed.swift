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
        ])
}
