import DuradoraHTTP
import Foundation

/// External login through `[auth.oidc.<name>]`: `GET|POST /api/v1/auth/oidc/{name}/login` sends the browser to
/// the provider, `GET /api/v1/auth/oidc/{name}/callback` is where it comes back. The hosting service's Yandex
/// routes (`/v1/auth/yandex/login`, `/v1/auth/yandex/callback`) are the same two for the provider `yandex`.
///
/// The callback answers as a login does: the session and refresh cookies (see `HostingServiceRoutes`), then a
/// redirect to the web player — or the token pair as JSON for a client that accepts only JSON.
struct OIDCRoutes: Sendable {
    let logins: OIDCLoginService
    let hosting: HostingServiceRoutes
    let cookie: SessionCookie
    let baseURL: @Sendable () -> String

    func register(on router: Router) {
        for method in [HTTPMethod.get, .post] {
            router.add(method, "/api/v1/auth/oidc/{name}/login") { _, context in
                let name = context.parameters.require("name")
                return try begin(name, callback: "/api/v1/auth/oidc/\(name)/callback")
            }
            router.add(method, "/v1/auth/yandex/login") { _, _ in try begin("yandex", callback: "/v1/auth/yandex/callback") }
        }
        router.get("/api/v1/auth/oidc/{name}/callback") { request, context in
            try finish(context.parameters.require("name"), request)
        }
        router.get("/v1/auth/yandex/callback") { request, _ in try finish("yandex", request) }
    }

    /// 302 to the provider, the sealed state in a cookie. The cookie is SameSite=Lax: the provider's redirect
    /// back is a top-level GET from another site, which Lax lets through (Strict would not).
    private func begin(_ name: String, callback: String) throws -> Response {
        let provider = try logins.provider(name)
        let redirectURL = provider.configuration.redirectURL.isEmpty ? baseURL() + callback : provider.configuration.redirectURL
        let (location, state) = try logins.begin(provider, redirectURL: redirectURL)
        var headers: HTTPHeaders = [.cacheControl: "no-store", .location: location]
        headers.add(.setCookie, cookie.setting(OIDCLoginState.cookieName, state, maxAge: OIDCLoginState.lifetime, path: "/"))
        return Response(status: .found, headers: headers)
    }

    private func finish(_ name: String, _ request: Request) throws -> Response {
        let provider = try logins.provider(name)
        let state = request.headers.values(.cookie).lazy
            .compactMap { Credentials.cookieValue(named: OIDCLoginState.cookieName, in: $0) }.first { !$0.isEmpty }
        let clearing = cookie.clearing(OIDCLoginState.cookieName, path: "/")
        let pair: TokenPair
        do {
            pair = try logins.finish(provider, query: { request.query($0) }, cookie: state)
        } catch let error as APIError {
            var headers = error.headers
            headers.add(.setCookie, clearing)  // a failed sign-in starts again from the beginning
            throw APIError(status: error.status, code: error.code, message: error.message, headers: headers)
        }
        var headers = hosting.sessionHeaders(pair)
        headers.add(.setCookie, clearing)
        if RecordsServiceRoutes.acceptsOnlyJSON(request) { return try .json(pair, headers: headers) }
        headers[.location] = "/"
        return Response(status: HTTPStatus(code: 303, reason: "See Other"), headers: headers)
    }
}
