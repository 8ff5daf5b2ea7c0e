import DuradoraHTTP

/// Seed-style compatibility routes for scripts written for earlier simple audio services. Each maps onto the same
/// `UserController` call as `POST /api/v1/users` (same rules, same errors); only the request and answer shapes differ.
/// (`/record` and `/add-audio/` join this file with the track upload path.)
struct SeedRoutes: Sendable {
    let users: UserController

    func register(on router: Router) {
        // `{"username"}` as JSON (or a form, or `?username=`).
        router.post("/user") { request, context in
            let body = try JSONBody.read(request, allowEmpty: true)
            let username = try body?.string("username") ?? request.query("username")
            return try create(username: username, field: "username", context)
        }
        // `?user_name=`, or the same field in a JSON or form body.
        router.post("/create-user/") { request, context in
            let body = try JSONBody.read(request, allowEmpty: true)
            let username = try request.query("user_name") ?? request.query("username")
                ?? body?.string("user_name") ?? body?.string("username")
            return try create(username: username, field: "user_name", context)
        }
    }

    private func create(username: String?, field: String, _ context: RequestContext) throws -> Response {
        try UserRoutes.checkRegistrationIsOpen(users.settings, context)
        guard let username else { throw APIError.invalidField(field, "is required") }
        let (user, token) = try users.createWithAPIToken(username: username, password: nil)
        return try .json(SeedUser(userID: user.id.uuidString.lowercased(), token: token), status: .created)
    }
}

/// `{"user_id", "token"}`, with the token repeated under the names other clients read.
struct SeedUser: Encodable {
    let userID: String
    let token: String

    enum CodingKeys: String, CodingKey {
        case userID = "user_id"
        case token
        case userToken = "user_token"
        case accessToken = "access_token"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(userID, forKey: .userID)
        try container.encode(token, forKey: .token)
        try container.encode(token, forKey: .userToken)
        try container.encode(token, forKey: .accessToken)
    }
}
