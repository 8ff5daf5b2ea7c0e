import DuradoraHTTP

/// `/api/v1/auth/…`: register, login, refresh, logout, me. Parsing and rendering only; the rules are in
/// `UserController`.
struct AuthRoutes: Sendable {
    let users: UserController
    let cookie: SessionCookie

    func register(on router: Router) {
        router.post("/api/v1/auth/register") { request, context in try register(request, context) }
        router.post("/api/v1/auth/login") { request, _ in try login(request) }
        router.post("/api/v1/auth/refresh") { request, _ in try refresh(request) }
        router.post("/api/v1/auth/logout") { request, context in try logout(request, context) }
        router.get("/api/v1/auth/me") { _, context in try .json(context.requireUser()) }
    }

    func register(_ request: Request, _ context: RequestContext) throws -> Response {
        try UserRoutes.checkRegistrationIsOpen(users.settings, context)
        let body = try JSONBody.read(request)!
        let user = try users.create(
            username: try body.requiredString("username"), password: try body.requiredString("password"))
        return try .json(user, status: .created)
    }

    func login(_ request: Request) throws -> Response {
        let body = try JSONBody.read(request)!
        let pair = try users.login(
            username: try body.requiredString("username"), password: try body.requiredString("password"),
            address: request.remoteAddress)
        return try tokenResponse(pair)
    }

    func refresh(_ request: Request) throws -> Response {
        let body = try JSONBody.read(request)!
        return try tokenResponse(try users.refresh(try body.requiredString("refresh_token")))
    }

    func logout(_ request: Request, _ context: RequestContext) throws -> Response {
        _ = try context.requireUser()
        // The middleware accepted exactly this token, so it is the one to revoke.
        if let credentials = Credentials.extract(from: request) { try users.logout(token: credentials.token) }
        return Response(status: .noContent, headers: [.setCookie: cookie.clearing, .cacheControl: "no-store"])
    }

    /// The pair as JSON, the access token also as the session cookie; never cached.
    private func tokenResponse(_ pair: TokenPair) throws -> Response {
        try .json(pair, headers: [
            .setCookie: cookie.setting(pair.accessToken, maxAge: pair.expiresIn), .cacheControl: "no-store",
        ])
    }
}
