import DuradoraHTTP

extension OpenAPIArea {
    /// External login through `[auth.oidc.<name>]` (`Routes/OIDCRoutes.swift`), with the hosting service's Yandex
    /// paths as aliases of the provider `yandex`.
    static let externalLogin = OpenAPIArea(
        tag: "external-login",
        description: "Sign-in through an OpenID Connect or OAuth 2.0 provider: authorization code with PKCE, state "
            + "and (OIDC) nonce; the account is found by the provider's subject.",
        schemas: [],
        operations: [HTTPMethod.get, .post].flatMap { method in
            [login(method, "/api/v1/auth/oidc/{name}/login"), login(method, "/v1/auth/yandex/login")]
        } + [callback("/api/v1/auth/oidc/{name}/callback"), callback("/v1/auth/yandex/callback")])

    private static func login(_ method: HTTPMethod, _ path: String) -> APIOperation {
        APIOperation(method: method, path: path, tag: "external-login", summary: "Start a sign-in at the provider",
                     description: "302 to the provider's authorization URL; the sealed login state goes in the "
                         + "`duradora_oidc` cookie (10 minutes).",
                     access: .anyone, status: 302, responseDescription: "To the provider.", errors: [404, 502, 503])
    }

    private static func callback(_ path: String) -> APIOperation {
        APIOperation(method: .get, path: path, tag: "external-login", summary: "Finish a sign-in",
                     description: "Where the provider sends the browser back (`code`, `state`; or `error`). Sets the "
                         + "`duradora_session` and `duradora_refresh` cookies and sends the browser to `/`; a "
                         + "client that accepts only application/json gets the token pair instead.",
                     access: .anyone,
                     query: [.string("code", "The authorization code."), .string("state", "The login's state."),
                             .string("error", "The provider's refusal, instead of a code.")],
                     status: 303, responseDescription: "Signed in: to the web player.",
                     alternatives: [(200, "Signed in: the token pair (Accept: application/json).")],
                     errors: [400, 401, 403, 404, 422, 502, 503])
    }
}
