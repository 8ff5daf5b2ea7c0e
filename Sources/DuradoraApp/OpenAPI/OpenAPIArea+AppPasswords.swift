extension OpenAPIArea {
    /// `/api/v1/auth/app-passwords…`, written from the contract's "App passwords" section. Keep each entry's
    /// method and path identical to its route in `AppPasswordRoutes`.
    static let appPasswords = OpenAPIArea(
        tag: "app-passwords",
        description: "Per-client passwords for apps that cannot log in (Subsonic clients): shown once, sealed at "
            + "rest, revocable at once. The account's own password never works on /rest.",
        schemas: [
            ("AppPassword", Schemas.object(fields, required: fields.map(\.0))),
            ("NewAppPassword", Schemas.object(fields + [
                ("password", ["type": "string", "description": "Shown this once; use it as a Subsonic password or apiKey."]),
            ], required: fields.map(\.0) + ["password"])),
            ("AppPasswordCreate", Schemas.object([
                ("name", ["type": "string", "minLength": 1, "maxLength": 100, "description": "Which app it is for."]),
            ], required: ["name"])),
            ("AppPasswordPage", Schemas.page(of: Schemas.ref("AppPassword"))),
        ],
        operations: [
            APIOperation(method: .post, path: "/api/v1/auth/app-passwords", tag: "app-passwords",
                         summary: "Make an app password",
                         description: "At most 50 per user (409 `too_many_app_passwords`).", access: .user,
                         requestBody: .json(Schemas.ref("AppPasswordCreate")),
                         status: 201, responseDescription: "The app password, with the password itself this once.",
                         responseBody: .json(Schemas.ref("NewAppPassword")), errors: [400, 401, 409, 413, 422]),
            APIOperation(method: .get, path: "/api/v1/auth/app-passwords", tag: "app-passwords",
                         summary: "List your app passwords", description: "Oldest first, without the passwords.",
                         access: .user, query: APIOperation.Parameter.pagination,
                         status: 200, responseDescription: "A page of app passwords.",
                         responseBody: .json(Schemas.ref("AppPasswordPage")), errors: [401, 422]),
            APIOperation(method: .delete, path: "/api/v1/auth/app-passwords/{id}", tag: "app-passwords",
                         summary: "Revoke an app password", description: "It fails from the next request on.",
                         access: .user, status: 204, responseDescription: "Revoked.", errors: [401, 404]),
        ])

    private static let fields: [(String, JSONValue)] = [
        ("id", Schemas.uuid), ("name", Schemas.string), ("created_at", Schemas.dateTime),
    ]
}
