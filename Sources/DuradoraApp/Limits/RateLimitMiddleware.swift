import DuradoraHTTP

/// Meters chosen routes (method + pattern, e.g. `POST /api/v1/tracks`) per client address with one
/// `ClientRateLimiter`; over the budget they answer 429 with `Retry-After` before the handler reads any body.
/// The client address is `Request.remoteAddress`, which already honours `server.trusted_proxies`.
struct RateLimitMiddleware: Middleware {
    let limiter: ClientRateLimiter
    /// `"POST /api/v1/tracks"`-style keys: the method and the router's pattern (never the raw path).
    let routes: Set<String>

    func applies(to method: HTTPMethod, pattern: String) -> Bool {
        routes.contains("\(method.rawValue) \(pattern)")
    }

    /// Only on `routes` (the router asks `applies`).
    func handle(_ request: Request, context: RequestContext,
                next: (Request, RequestContext) throws -> Response) throws -> Response {
        if let wait = limiter.take(request.remoteAddress) {
            throw APIError.tooManyRequests(retryAfter: wait)
        }
        return try next(request, context)
    }
}
