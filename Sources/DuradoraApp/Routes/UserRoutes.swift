import DuradoraHTTP
import Foundation

/// `/api/v1/users…`: seed-style creation with an API token, listing, showing, updating and deleting users.
struct UserRoutes: Sendable {
    let users: UserController
    let cookie: SessionCookie

    func register(on router: Router) {
        router.post("/api/v1/users") { request, context in try create(request, context) }
        router.get("/api/v1/users") { request, context in try list(request, context) }
        router.get("/api/v1/users/{id}") { _, context in
            try .json(users.show(id: try Self.userID(context), caller: try context.requireUser()))
        }
        router.patch("/api/v1/users/{id}") { request, context in try update(request, context) }
        router.delete("/api/v1/users/{id}") { _, context in
            let caller = try context.requireUser()
            let id = try Self.userID(context)
            try users.delete(id: id, caller: caller)
            // Deleting oneself is also logging out: the browser may drop its dead session cookie.
            return Response(status: .noContent, headers: id == caller.id ? [.setCookie: cookie.clearing] : [:])
        }
    }

    /// `{"user_id","username","role","access_token"}`, from a JSON body or `?username=` (seed clients).
    func create(_ request: Request, _ context: RequestContext) throws -> Response {
        try Self.checkRegistrationIsOpen(users.settings, context)
        let body = try JSONBody.read(request, allowEmpty: true)
        guard let username = try body?.string("username") ?? request.query("username") else {
            throw APIError.invalidField("username", "is required")
        }
        let (user, token) = try users.createWithAPIToken(username: username, password: try body?.string("password"))
        return try .json(CreatedUser(user: user, accessToken: token), status: .created)
    }

    func list(_ request: Request, _ context: RequestContext) throws -> Response {
        _ = try context.requireAdmin()
        let page = try Pagination(request)
        return try .json(users.list(limit: page.limit, offset: page.offset))
    }

    func update(_ request: Request, _ context: RequestContext) throws -> Response {
        let caller = try context.requireUser()
        let id = try Self.userID(context)
        let body = try JSONBody.read(request, allowEmpty: true)
        let role = try body?.string("role").map { text throws(APIError) -> Role in
            guard let role = Role(rawValue: text) else { throw .invalidField("role", "must be \"admin\" or \"user\"") }
            return role
        }
        let maxBitrate: Int?? = body?.contains("max_bitrate") == true ? .some(try body?.integer("max_bitrate")) : nil
        let user = try users.update(
            id: id, role: role, password: try body?.string("password"), maxBitrate: maxBitrate, caller: caller,
            callerToken: context.authentication?.tokenID)
        return try .json(user)
    }

    /// Open registration: anyone. Closed: only an admin creates accounts (401 without credentials, 403 otherwise).
    static func checkRegistrationIsOpen(_ settings: UserController.Settings, _ context: RequestContext) throws {
        guard !settings.openRegistration else { return }
        guard try context.requireUser().isAdmin else { throw APIError.registrationClosed }
    }

    /// The `{id}` parameter; a malformed id names no user, so it is a 404 like an unknown one.
    static func userID(_ context: RequestContext) throws(APIError) -> UUID {
        guard let id = UUID(uuidString: context.parameters.require("id")) else { throw .notFound("User") }
        return id
    }
}

/// What `POST /api/v1/users` answers.
struct CreatedUser: Encodable {
    let user: User
    let accessToken: String

    enum CodingKeys: String, CodingKey {
        case userID = "user_id"
        case username
        case role
        case accessToken = "access_token"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(user.id.lowercasedString, forKey: .userID)
        try container.encode(user.username, forKey: .username)
        try container.encode(user.role, forKey: .role)
        try container.encode(accessToken, forKey: .accessToken)
    }
}
