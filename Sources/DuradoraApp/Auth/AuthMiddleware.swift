import DuradoraHTTP

/// Finds the request's token (see `Credentials`), checks it, and puts the result in the context under
/// `AuthMiddleware.key`. It never refuses a request itself: anonymous access is the route's decision, made with
/// `context.requireUser()` / `context.requireAdmin()`. A token that does not check out counts as no token.
/// Routes in `skipping` authenticate their own way (Subsonic's app passwords): their tokens are not looked up, so
/// a session token sent there costs no query, touches nothing, and gets that API's own refusal.
public struct AuthMiddleware: Middleware {
    public static let key = ContextKey<TokenService.Authentication>("duradora.authentication")

    let tokens: TokenService
    let skipping: Set<String>

    public init(tokens: TokenService, skipping: Set<String> = []) {
        self.tokens = tokens
        self.skipping = skipping
    }

    public func applies(to method: HTTPMethod, pattern: String) -> Bool {
        !skipping.contains(pattern)
    }

    /// Not on the `skipping` routes (the router asks `applies`).
    public func handle(
        _ request: Request, context: RequestContext, next: (Request, RequestContext) throws -> Response
    ) throws -> Response {
        guard let credentials = Credentials.extract(from: request),
              let authentication = try tokens.authenticate(credentials.token)
        else { return try next(request, context) }
        var context = context
        context[Self.key] = authentication
        return try next(request, context)
    }
}

extension RequestContext {
    /// The checked token and its user, when the request carried a valid one.
    public var authentication: TokenService.Authentication? { self[AuthMiddleware.key] }

    /// The authenticated user, if any.
    public var user: User? { authentication?.user }

    /// The authenticated user; 401 (with `WWW-Authenticate: Bearer`) otherwise.
    public func requireUser() throws(APIError) -> User {
        guard let user else { throw .unauthenticated }
        return user
    }

    /// The authenticated admin; 401 without valid credentials, 403 for a user who is not an admin.
    public func requireAdmin() throws(APIError) -> User {
        let user = try requireUser()
        guard user.isAdmin else { throw .adminRequired }
        return user
    }
}
