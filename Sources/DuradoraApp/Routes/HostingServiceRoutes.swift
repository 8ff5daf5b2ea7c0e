import DuradoraHTTP
import Foundation

/// The earlier audio hosting service (`/v1/…`): cookie sessions, admin user management and the caller's audio
/// files. Each route maps onto the controller call of its `/api/v1` twin. That service handed out JWTs; ours stay
/// opaque random tokens stored as hashes, so a logout, a password change or a deleted user ends them at once
/// (a JWT stays valid until it expires). Clients that only carried the cookies see no difference.
///
/// Cookies: the access token is the usual `duradora_session` (so every route and `<audio src>` accept it); the
/// refresh token is `duradora_refresh`, scoped to `/v1/auth` so it only travels to refresh and logout. Both are
/// HttpOnly, SameSite=Lax, and Secure when `server.public_url` is https.
struct HostingServiceRoutes: Sendable {
    static let refreshCookie = "duradora_refresh"
    static let refreshPath = "/v1/auth"

    let users: UserController
    let tracks: TrackRoutes
    let cookie: SessionCookie

    func register(on router: Router) {
        router.post("/v1/auth/registration") { request, context in
            try UserRoutes.checkRegistrationIsOpen(users.settings, context)
            let parameters = try CompatParameters(request)
            let user = try users.create(username: try parameters.required("username", "login"),
                                        password: try parameters.required("password"))
            return try .json(user, status: .created)
        }
        router.post("/v1/auth/login") { request, _ in
            // JSON, or the form of FastAPI's OAuth2PasswordRequestForm (`username`, `password`).
            let parameters = try CompatParameters(request)
            let pair = try users.login(username: try parameters.required("username", "login"),
                                       password: try parameters.required("password"), address: request.remoteAddress)
            return try session(pair)
        }
        router.post("/v1/auth/refresh") { request, _ in try refresh(request) }
        router.post("/v1/auth/logout") { request, context in try logout(request, context) }
        router.get("/v1/auth/me") { _, context in try .json(context.requireUser()) }
        router.post("/v1/user/get_user") { request, context in
            let admin = try context.requireAdmin()
            return try .json(try target(CompatParameters(request), caller: admin))
        }
        router.put("/v1/user/update_user") { request, context in try updateUser(request, context) }
        router.delete("/v1/user/delete_user") { request, context in
            let admin = try context.requireAdmin()
            let user = try target(try CompatParameters(request), caller: admin)
            try users.delete(id: user.id, caller: admin)
            return Response(status: .noContent)
        }
        router.get("/v1/audio") { request, context in
            let caller = try context.requireUser()
            let page = try Pagination(request)
            let list = try tracks.tracks.list(TrackQuery(
                ownerID: caller.id, viewerID: caller.id, viewerIsAdmin: caller.isAdmin, limit: page.limit, offset: page.offset))
            return .json(bytes: TrackList(list, baseURL: tracks.baseURL()).json())
        }
        router.post("/v1/audio/file") { request, context in
            let owner = try context.requireUser()
            try tracks.checkUploadsAllowed(for: owner)
            let (track, isProcessing) = try tracks.createFromUpload(
                request, isFileRequired: true, mergesQuery: true, aliases: ["name": "title"]) { _ in
                owner
            }
            return .json(bytes: TrackResource(track: track, baseURL: tracks.baseURL()).json(),
                         status: isProcessing ? .accepted : .created)
        }
        router.get("/v1/audio/file/{pk}") { request, context in
            guard let id = UUID.parse(context.parameters.require("pk")) else { throw APIError.notFound("Track") }
            return try tracks.stream(id: id, request, context, isDownload: false)
        }
    }

    /// The refresh token from its cookie (or a JSON/form `refresh_token`) → a new pair, the old one dead. A cookie
    /// refresh changes state on the strength of a cookie alone, so it must come from our own origin (see
    /// `CrossOriginGuard`, which only knows the session cookie).
    func refresh(_ request: Request) throws -> Response {
        guard let token = try refreshCookie(request) ?? CompatParameters(request).string("refresh_token") else {
            throw APIError(status: .unauthorized, code: "unauthenticated",
                           message: "Send the refresh token (its cookie, or refresh_token).",
                           headers: [.wwwAuthenticate: "Bearer"])
        }
        return try session(try users.refresh(token))
    }

    /// Ends the login and clears both cookies. The access cookie lives an hour, the refresh cookie a month: a
    /// browser that comes back after the first expired still holds the login in the second, so that one alone
    /// is enough to end it (same-origin only, as for a refresh by cookie).
    func logout(_ request: Request, _ context: RequestContext) throws -> Response {
        let refreshToken = try refreshCookie(request)
        if context.user == nil && refreshToken == nil { _ = try context.requireUser() }
        if context.user != nil, let credentials = Credentials.extract(from: request) {
            try users.logout(token: credentials.token)
        }
        if let refreshToken { try users.logout(token: refreshToken) }
        var headers: HTTPHeaders = [.cacheControl: "no-store"]
        headers.add(.setCookie, cookie.clearing)
        headers.add(.setCookie, cookie.clearing(Self.refreshCookie, path: Self.refreshPath))
        return Response(status: .noContent, headers: headers)
    }

    /// The refresh cookie's token; 403 when the request comes from another site (see `CrossOriginGuard`, which
    /// only knows the session cookie).
    private func refreshCookie(_ request: Request) throws -> String? {
        let token = request.headers.values(.cookie).lazy
            .compactMap { Credentials.cookieValue(named: Self.refreshCookie, in: $0) }.first { !$0.isEmpty }
        if token != nil, !CrossOriginGuard.isSameOrigin(request) { throw CrossOriginGuard.refusal }
        return token
    }

    /// `PUT /v1/user/update_user`: `user_id` or `username`, then `role` (admins) and/or `password` (the user).
    func updateUser(_ request: Request, _ context: RequestContext) throws -> Response {
        let caller = try context.requireUser()
        let parameters = try CompatParameters(request)
        let user = try target(parameters, caller: caller)
        let role = try parameters.string("role").map { text throws(APIError) -> Role in
            guard let role = Role(rawValue: text) else { throw .invalidField("role", "must be \"admin\" or \"user\"") }
            return role
        }
        return try .json(users.update(id: user.id, role: role, password: parameters.string("password"), caller: caller,
                                      callerToken: context.authentication?.tokenID))
    }

    /// The user named by `user_id` (or `id`) or `username`, as `caller` may see them (404 otherwise).
    private func target(_ parameters: CompatParameters, caller: User) throws -> User {
        if let text = parameters.string("user_id", "id") {
            guard let id = UUID(uuidString: text) else { throw APIError.notFound("User") }
            return try users.show(id: id, caller: caller)
        }
        let username = try parameters.required("username", "user_id")
        guard let user = try users.database.read({ try $0.users.find(username: username) }) else {
            throw APIError.notFound("User")
        }
        return try users.show(id: user.id, caller: caller)
    }

    /// The pair as JSON (FastAPI style: `token_type` too) and as the two cookies; never cached.
    private func session(_ pair: TokenPair) throws -> Response {
        try .json(pair, headers: sessionHeaders(pair))
    }

    /// The two cookies of a login (also set by an external login's callback), and no caching.
    func sessionHeaders(_ pair: TokenPair) -> HTTPHeaders {
        var headers: HTTPHeaders = [.cacheControl: "no-store"]
        headers.add(.setCookie, cookie.setting(pair.accessToken, maxAge: pair.expiresIn))
        let refreshAge = Int(users.tokens.configuration.refreshTTL)
        headers.add(.setCookie, cookie.setting(Self.refreshCookie, pair.refreshToken, maxAge: refreshAge, path: Self.refreshPath))
        return headers
    }
}
