import DuradoraHTTP
import Foundation

/// External login (`[auth.oidc.<name>]`): the OAuth 2.0 authorization-code flow with PKCE and `state`, plus
/// OpenID Connect's `nonce` and ID token when the provider speaks it. `begin` makes the provider's URL and the
/// sealed state; `finish` checks the answer, redeems the code and reads the account over the back channel, then
/// finds the local user linked to the provider's subject — or creates one, when registration is open — and opens
/// a login. Every network call happens before the one write transaction, so a provider that fails midway leaves
/// no user, no link and no token behind. Blocking (network, database): call it on a worker.
final class OIDCLoginService: Sendable {
    let providers: [String: OIDCProvider]
    let users: UserController
    private let key: [UInt8]
    /// Logins waiting on a provider at once: a provider that hangs holds a worker for up to its timeout, so
    /// without a bound it could hold them all. Past it: 503.
    private let outbound: DispatchSemaphore
    static let maxConcurrentLogins = 8

    init(configurations: [OIDCProviderConfiguration], users: UserController, key: [UInt8], timeout: Double = 10) {
        providers = Dictionary(configurations.map { ($0.name, OIDCProvider($0, timeout: timeout)) }) { $1 }
        self.users = users
        self.key = key
        outbound = DispatchSemaphore(value: Self.maxConcurrentLogins)
    }

    func provider(_ name: String) throws(APIError) -> OIDCProvider {
        guard let provider = providers[name] else { throw .notFound("Login provider \"\(name)\"") }
        return provider
    }

    /// The provider's authorization URL for a new login, and the sealed state for the browser to keep.
    func begin(_ provider: OIDCProvider, redirectURL: String) throws -> (location: String, cookie: String) {
        let configuration = provider.configuration
        let endpoints = try limited { try provider.endpoints() }
        let login = OIDCLoginState.start(provider: provider.name, redirectURL: redirectURL, now: users.clock.now())
        var query = [("response_type", "code"), ("client_id", configuration.clientID), ("redirect_uri", redirectURL),
                     ("state", login.state), ("code_challenge", login.codeChallenge), ("code_challenge_method", "S256")]
        if !configuration.effectiveScopes.isEmpty { query.append(("scope", configuration.effectiveScopes.joined(separator: " "))) }
        if configuration.isOpenIDConnect { query.append(("nonce", login.nonce)) }
        let separator = endpoints.authorization.contains("?") ? "&" : "?"
        let location = endpoints.authorization + separator
            + query.map { OIDCProvider.formEncode($0.0) + "=" + OIDCProvider.formEncode($0.1) }.joined(separator: "&")
        return (location, login.sealed(key: key))
    }

    /// The provider sent the browser back with `query`; `cookie` is the state `begin` sealed. Returns a new login.
    func finish(_ provider: OIDCProvider, query: (String) -> String?, cookie: String?) throws -> TokenPair {
        let now = users.clock.now()
        guard let cookie, let login = OIDCLoginState.open(cookie, key: key, now: now), login.provider == provider.name,
              let state = query("state"), Sodium.constantTimeEquals(Array(state.utf8), Array(login.state.utf8))
        else { throw APIError.oidcStateMismatch }
        if let error = query("error") {
            let detail = query("error_description").map { ": \($0)" } ?? ""
            throw APIError(status: .unauthorized, code: "oidc_login_denied",
                           message: "The sign-in provider did not sign you in (\(error)\(detail)).")
        }
        guard let code = query("code"), !code.isEmpty else { throw APIError.invalidField("code", "is required") }
        let subject = try limited { try account(provider, code: code, login: login, now: now) }
        return try link(provider: provider.name, subject: subject.id, suggestedName: subject.name)
    }

    // MARK: Private

    /// Redeems the code and reads the account: its subject (checked against the ID token's, when there is one)
    /// and a name to suggest for a new local user.
    private func account(_ provider: OIDCProvider, code: String, login: OIDCLoginState, now: Date) throws
        -> (id: String, name: String?)
    {
        let configuration = provider.configuration
        let endpoints = try provider.endpoints()
        let tokens = try provider.exchange(code: code, verifier: login.verifier, redirectURL: login.redirectURL, at: endpoints)
        var idToken: OIDCIDToken?
        // Plain OAuth 2.0 sent no nonce, so an ID token there could not be bound to this login: not used.
        if configuration.isOpenIDConnect, let text = tokens.idToken {
            let token = try OIDCIDToken(text)
            try provider.verifySignature(token, at: endpoints)
            try token.check(issuer: endpoints.issuer, clientID: configuration.clientID, nonce: login.nonce, now: now)
            idToken = token
        } else if configuration.isOpenIDConnect {
            throw APIError.oidcLoginFailed("The sign-in provider sent no ID token although OpenID Connect was asked for.")
        }
        var claims = idToken?.claims ?? [:]
        if let url = endpoints.userinfo {
            let info = try provider.userinfo(accessToken: tokens.accessToken, at: url)
            let claim = idToken == nil ? configuration.subjectClaim : "sub"
            guard let subject = OIDCIDToken.text(info[claim]) else {
                throw APIError.oidcLoginFailed("The sign-in provider's account answer names no account (\(claim)).")
            }
            if let expected = idToken?.subject, subject != expected {
                throw APIError.oidcLoginFailed("The sign-in provider's account answer names another account than its ID token.")
            }
            claims.merge(info) { $1 }
            claims["sub"] = subject
        }
        guard let subject = OIDCIDToken.text(claims["sub"]) else {
            throw APIError.oidcLoginFailed("The sign-in provider named no account.")
        }
        let name = [configuration.usernameClaim, "preferred_username", "login", "nickname", "email"].lazy
            .compactMap { claims[$0] as? String }.first
        return (subject, name)
    }

    /// The linked user's new login; on first sight of the subject, a new user (password-less: they sign in
    /// through the provider, or set a password later) linked to it, in the same transaction.
    private func link(provider: String, subject: String, suggestedName: String?) throws -> TokenPair {
        let now = users.clock.now()
        return try users.database.write { transaction in
            if let user = try transaction.externalIdentities.user(provider: provider, subject: subject) {
                return try users.tokens.issuePair(for: user.id, in: transaction)
            }
            guard users.settings.openRegistration else { throw APIError.registrationClosed }
            let base = Self.username(from: suggestedName, provider: provider)
            var username = base
            var suffix = 1
            while try transaction.users.find(username: username) != nil {
                suffix += 1
                username = "\(base.prefix(AccountRules.usernameLengths.upperBound - 6))-\(suffix)"
            }
            let user = try transaction.users.create(username: username, role: .user, passwordHash: nil, createdAt: now)
            try transaction.externalIdentities.link(provider: provider, subject: subject, userID: user.id, createdAt: now)
            return try users.tokens.issuePair(for: user.id, in: transaction)
        }
    }

    /// A username from the provider's suggestion, kept to our rules (letters, digits, `_.-`; 64 at most).
    static func username(from suggestion: String?, provider: String) -> String {
        let local = (suggestion ?? "").split(separator: "@").first ?? ""  // an email's local part
        var kept = ""
        for scalar in local.unicodeScalars where scalar.isASCII
            && (CharacterSet.alphanumerics.contains(scalar) || "_.-".unicodeScalars.contains(scalar)) {
            kept.unicodeScalars.append(scalar)
        }
        return kept.isEmpty ? "\(provider)-user" : String(kept.prefix(AccountRules.usernameLengths.upperBound))
    }

    private func limited<T>(_ body: () throws -> T) throws -> T {
        guard outbound.wait(timeout: .now()) == .success else {
            throw APIError.unavailable("Too many sign-ins are waiting on the provider; try again shortly.", retryAfter: 5)
        }
        defer { outbound.signal() }
        return try body()
    }
}
