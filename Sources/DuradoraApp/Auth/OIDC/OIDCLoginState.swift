import Foundation

/// What a started external login must remember until the provider sends the browser back: the `state` (binds the
/// answer to this browser: login CSRF), the PKCE verifier (only the one who started the login can redeem the
/// code), the OIDC `nonce` (binds the ID token to this login) and the redirect URL the code was issued for.
///
/// Kept in the browser as a cookie sealed with the server's secret key (libsodium secretbox, `auth.secret_key_file`)
/// rather than in server memory, so several instances behind one address share it and a restart loses nothing.
/// It is only good for `lifetime`, and the callback clears it.
struct OIDCLoginState: Codable, Equatable {
    static let cookieName = "duradora_oidc"
    static let lifetime = 600

    var provider: String
    var state: String
    var nonce: String
    var verifier: String
    var redirectURL: String
    /// Seconds since 1970 after which the callback refuses it.
    var expires: Int

    static func start(provider: String, redirectURL: String, now: Date) -> OIDCLoginState {
        OIDCLoginState(provider: provider, state: TokenService.makeSecret(), nonce: TokenService.makeSecret(),
                       verifier: TokenService.makeSecret(), redirectURL: redirectURL,
                       expires: Int(now.timeIntervalSince1970) + lifetime)
    }

    /// PKCE S256 (RFC 7636 §4.2): base64url(SHA-256(verifier)).
    var codeChallenge: String { Sodium.sha256(Array(verifier.utf8)).base64URLEncoded }

    func sealed(key: [UInt8]) -> String {
        Sodium.seal((try? JSONEncoder().encode(self)).map(Array.init) ?? [], key: key).base64URLEncoded
    }

    /// The state in `cookie`, if it was sealed with `key` and has not expired.
    static func open(_ cookie: String, key: [UInt8], now: Date) -> OIDCLoginState? {
        guard let sealed = [UInt8](base64URL: cookie), let plain = Sodium.open(sealed, key: key),
              let state = try? JSONDecoder().decode(OIDCLoginState.self, from: Data(plain)),
              Int(now.timeIntervalSince1970) <= state.expires
        else { return nil }
        return state
    }
}
