import DuradoraHTTP

/// CSRF protection for the session cookie: a state-changing request (anything but GET, HEAD, OPTIONS) that
/// authenticates with the cookie must come from our own origin. Browsers say where a request comes from in
/// `Sec-Fetch-Site` (all current engines) and `Origin` (every cross-origin POST, and any fetch); the cookie is
/// `SameSite=Lax`, which already keeps it off cross-site POSTs, but not off same-site ones from a sibling subdomain
/// or off older browsers — so we check, and refuse with 403.
///
/// Requests with a bearer token or `access_token` are not affected: a browser never attaches those by itself.
/// A cookie request with neither header comes from a non-browser client (curl with a cookie jar), which no other
/// site can drive, and is let through.
///
/// Routes in `skipping` never read the cookie (Subsonic's `/rest`), so there is no session to protect there.
public struct CrossOriginGuard: Middleware {
    let skipping: Set<String>

    public init(skipping: Set<String> = []) {
        self.skipping = skipping
    }

    public func applies(to method: HTTPMethod, pattern: String) -> Bool {
        !skipping.contains(pattern)
    }

    /// Not on the `skipping` routes (the router asks `applies`).
    public func handle(
        _ request: Request, context: RequestContext, next: (Request, RequestContext) throws -> Response
    ) throws -> Response {
        if Self.isStateChanging(request.method), Credentials.extract(from: request)?.source == .cookie,
           !Self.isSameOrigin(request) {
            throw Self.refusal
        }
        return try next(request, context)
    }

    /// The 403 for a cookie request from another site (also used for the hosting service's refresh cookie).
    static var refusal: APIError {
        APIError(status: .forbidden, code: "cross_origin_request",
                 message: "A request from another site may not use this session; reload the page and try again.")
    }

    static func isStateChanging(_ method: HTTPMethod) -> Bool {
        method != .get && method != .head && method != .options
    }

    static func isSameOrigin(_ request: Request) -> Bool {
        if let site = request.headers[.secFetchSite]?.trimmingHTTPWhitespace().lowercased() {
            return site == "same-origin" || site == "none"   // "none": the user typed it or used a bookmark
        }
        guard let origin = request.headers[.origin]?.trimmingHTTPWhitespace() else { return true }
        guard let host = request.headers[.host]?.trimmingHTTPWhitespace().lowercased(), let authority = authority(of: origin)
        else { return false }   // includes `Origin: null` (sandboxed frames, some redirects)
        return withoutDefaultPort(authority) == withoutDefaultPort(host)
    }

    /// `host[:port]` of a serialised origin such as `https://music.example:8443`, lower-cased. The scheme is not
    /// compared: behind a TLS-terminating proxy the browser says https while we see plain HTTP on the same host.
    static func authority(of origin: String) -> String? {
        guard let range = origin.range(of: "://") else { return nil }
        let authority = origin[range.upperBound...].lowercased()
        return authority.isEmpty || authority.contains("/") ? nil : authority
    }

    /// `Host: x:80` and `Origin: http://x` name the same place.
    private static func withoutDefaultPort(_ authority: String) -> Substring {
        for port in [":80", ":443"] where authority.hasSuffix(port) { return authority.dropLast(port.count) }
        return Substring(authority)
    }
}

extension HTTPHeader {
    static let origin: HTTPHeader = "Origin"
    static let secFetchSite: HTTPHeader = "Sec-Fetch-Site"
}
