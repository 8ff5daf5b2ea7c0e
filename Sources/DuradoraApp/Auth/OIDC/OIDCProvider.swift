import DuradoraHTTP
import Foundation
import Synchronization

/// One configured login provider at run time: its endpoints (from the configuration, or discovered once from the
/// issuer and kept) and the back-channel calls of the authorization-code flow. Every call blocks on the network
/// for at most `timeout` seconds: run it on a worker, never an event loop.
final class OIDCProvider: Sendable {
    struct Endpoints: Sendable {
        var authorization: String
        var token: String
        var userinfo: String?
        /// The `iss` an ID token must carry; nil for plain OAuth 2.0.
        var issuer: String?
        /// The key set ID tokens are verified against; nil = the provider publishes none.
        var jwks: String?
    }

    /// What the token endpoint answered.
    struct Tokens: Sendable {
        var accessToken: String
        var idToken: String?
    }

    let configuration: OIDCProviderConfiguration
    let timeout: Double
    /// The largest answer read from the provider: a discovery document or token answer is a few KiB.
    static let maxAnswerBytes = 256 * 1024
    private let discovered = Mutex<Endpoints?>(nil)
    private let signingKeys = OIDCSigningKeys()

    init(_ configuration: OIDCProviderConfiguration, timeout: Double = 10) {
        self.configuration = configuration
        self.timeout = timeout
    }

    var name: String { configuration.name }

    /// The endpoints; an issuer's discovery document is fetched on first use (a provider down at start-up does
    /// not stop the server) and kept once it was read. Explicit URLs win over discovered ones.
    func endpoints() throws -> Endpoints {
        let configuration = configuration
        guard !configuration.issuer.isEmpty else {
            return Endpoints(authorization: configuration.authorizationURL, token: configuration.tokenURL,
                             userinfo: configuration.userinfoURL.isEmpty ? nil : configuration.userinfoURL, issuer: nil,
                             jwks: configuration.jwksURL.isEmpty ? nil : configuration.jwksURL)
        }
        if let known = discovered.withLock({ $0 }) { return known }
        let document = try json(get(configuration.issuer + "/.well-known/openid-configuration"), "discovery document")
        guard document["issuer"] as? String == configuration.issuer else {
            throw unavailable("its discovery document names another issuer (\(document["issuer"] ?? "none"))")
        }
        func url(_ key: String, _ configured: String) throws -> String {
            if !configured.isEmpty { return configured }
            guard let value = document[key] as? String, !value.isEmpty else { throw unavailable("its discovery document has no \(key)") }
            return value
        }
        let endpoints = Endpoints(
            authorization: try url("authorization_endpoint", configuration.authorizationURL),
            token: try url("token_endpoint", configuration.tokenURL),
            userinfo: configuration.userinfoURL.isEmpty ? document["userinfo_endpoint"] as? String : configuration.userinfoURL,
            issuer: configuration.issuer,
            jwks: configuration.jwksURL.isEmpty ? document["jwks_uri"] as? String : configuration.jwksURL)
        discovered.withLock { $0 = endpoints }
        return endpoints
    }

    /// Exchanges the authorization code (with its PKCE verifier) at the token endpoint, authenticating with HTTP
    /// Basic (RFC 6749 §2.3.1; Yandex takes it too). A refusal (a used or expired code) is the user's 400.
    func exchange(code: String, verifier: String, redirectURL: String, at endpoints: Endpoints) throws -> Tokens {
        var form = [("grant_type", "authorization_code"), ("code", code), ("redirect_uri", redirectURL),
                    ("code_verifier", verifier)]
        var headers = [("Content-Type", "application/x-www-form-urlencoded"), ("Accept", "application/json")]
        if configuration.clientSecret.isEmpty {
            form.append(("client_id", configuration.clientID))
        } else {
            let pair = Self.formEncode(configuration.clientID) + ":" + Self.formEncode(configuration.clientSecret)
            headers.append(("Authorization", "Basic " + Data(pair.utf8).base64EncodedString()))
        }
        let body = form.map { Self.formEncode($0.0) + "=" + Self.formEncode($0.1) }.joined(separator: "&")
        let (status, bytes) = try call("POST", endpoints.token, headers: headers, body: Array(body.utf8))
        let answer = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any]
        guard status == 200 else {
            if (400..<500).contains(status) {
                let reason = (answer?["error"] as? String).map { " (\($0))" } ?? ""
                throw APIError.oidcLoginFailed("The sign-in provider refused the login code\(reason); start the sign-in again.")
            }
            throw unavailable("its token endpoint answered \(status)")
        }
        guard let accessToken = answer?["access_token"] as? String, !accessToken.isEmpty else {
            throw unavailable("its token answer has no access_token")
        }
        return Tokens(accessToken: accessToken, idToken: answer?["id_token"] as? String)
    }

    /// The userinfo claims, fetched with the access token.
    func userinfo(accessToken: String, at url: String) throws -> [String: Any] {
        let (status, bytes) = try call("GET", url, headers: [("Authorization", "Bearer \(accessToken)"),
                                                            ("Accept", "application/json")], body: [])
        guard status == 200 else { throw unavailable("its userinfo endpoint answered \(status)") }
        return try json(bytes, "userinfo answer")
    }

    /// Checks the ID token's signature against the provider's key set, when it publishes one.
    func verifySignature(_ token: OIDCIDToken, at endpoints: Endpoints) throws {
        guard let url = endpoints.jwks else { return }
        try signingKeys.verify(token) { try get(url) }
    }

    // MARK: Private

    private func get(_ url: String) throws -> [UInt8] {
        let (status, bytes) = try call("GET", url, headers: [("Accept", "application/json")], body: [])
        guard status == 200 else { throw unavailable("\(url) answered \(status)") }
        return bytes
    }

    private func call(_ method: String, _ url: String, headers: [(String, String)], body: [UInt8]) throws -> (Int, [UInt8]) {
        var bytes: [UInt8] = []
        do {
            let head = try PlainHTTPClient.send(method, url, headers: headers, body: body.isEmpty ? [] : [.bytes(body)],
                                                timeout: timeout,
                                                caFile: configuration.caFile.isEmpty ? nil : configuration.caFile) { piece in
                bytes += piece
                if bytes.count > Self.maxAnswerBytes { throw PlainHTTPClient.Failure(description: "its answer is too large") }
            }
            return (head.status, bytes)
        } catch let failure as PlainHTTPClient.Failure {
            throw unavailable(failure.description)
        }
    }

    private func json(_ bytes: [UInt8], _ what: String) throws -> [String: Any] {
        guard let object = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any] else {
            throw unavailable("its \(what) is not a JSON object")
        }
        return object
    }

    private func unavailable(_ reason: String) -> APIError {
        .oidcProviderUnavailable("The sign-in provider \"\(name)\" cannot be used right now: \(reason). Try again later.")
    }

    /// `application/x-www-form-urlencoded` for one name or value (RFC 6749 Appendix B).
    static func formEncode(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }
}
