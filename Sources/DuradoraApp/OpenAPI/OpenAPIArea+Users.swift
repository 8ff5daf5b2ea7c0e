extension OpenAPIArea {
    /// `/api/v1/users…`: creation with an API token, and user administration.
    static let users = OpenAPIArea(
        tag: "users",
        description: "Users: creation with a long-lived API token, listing, roles, passwords, deletion.",
        schemas: [
            ("CreateUserRequest", Schemas.object([("username", Schemas.username), ("password", Schemas.password)],
                                                 required: ["username"])),
            ("CreatedUser", Schemas.object([
                ("user_id", Schemas.uuid), ("username", Schemas.string), ("role", Schemas.role),
                ("access_token", ["type": "string", "format": "uuid", "description": "An API token, valid until revoked."]),
            ], required: ["user_id", "username", "role", "access_token"])),
            ("UserPage", Schemas.page(of: Schemas.ref("User"))),
            ("UserUpdate", Schemas.object([
                ("role", ["type": "string", "enum": ["admin", "user"], "description": "Admins only."]),
                ("password", Schemas.password),
                ("max_bitrate", ["type": ["integer", "null"], "minimum": 48,
                                 "description": "The user's streaming limit in kbps; null = the stored file."]),
            ], required: [])),
        ],
        operations: [
            APIOperation(method: .post, path: "/api/v1/users", tag: "users", summary: "Create a user with an API token",
                         description: "The username comes from the JSON body or `?username=`; the password is optional "
                             + "(without one the user signs in with the API token only).",
                         access: .optionalUser,
                         query: [.string("username", "Instead of a JSON body (seed-style clients).")],
                         requestBody: .json(Schemas.ref("CreateUserRequest"), required: false),
                         status: 201, responseDescription: "The user and their API token.",
                         responseBody: .json(Schemas.ref("CreatedUser")), errors: [400, 401, 403, 409, 413, 422]),
            APIOperation(method: .get, path: "/api/v1/users", tag: "users", summary: "List users",
                         access: .admin, query: APIOperation.Parameter.pagination,
                         status: 200, responseDescription: "A page of users.",
                         responseBody: .json(Schemas.ref("UserPage")), errors: [401, 403, 422]),
            APIOperation(method: .get, path: "/api/v1/users/{id}", tag: "users", summary: "Show a user",
                         description: "Admins see anyone; users see themselves.", access: .user,
                         status: 200, responseDescription: "The user.", responseBody: .json(Schemas.ref("User")),
                         errors: [401, 403, 404]),
            APIOperation(method: .patch, path: "/api/v1/users/{id}", tag: "users", summary: "Change a role or password",
                         description: "Admins change roles; a user changes their own password.", access: .user,
                         requestBody: .json(Schemas.ref("UserUpdate")),
                         status: 200, responseDescription: "The updated user.", responseBody: .json(Schemas.ref("User")),
                         errors: [400, 401, 403, 404, 409, 413, 422]),
            APIOperation(method: .delete, path: "/api/v1/users/{id}", tag: "users", summary: "Delete a user",
                         description: "Admins delete anyone, users themselves; their tokens and playlists go too.",
                         access: .user, status: 204, responseDescription: "Deleted.", errors: [401, 403, 404, 409]),
        ])
}
