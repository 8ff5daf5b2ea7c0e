import Foundation

/// An ID token's claims, checked as OpenID Connect Core §3.1.3.7 asks: `iss` is the configured issuer, `aud`
/// names our client (and `azp` does when there are several audiences), `exp` has not passed, `iat` is not in the
/// future, `nonce` is the one this login sent.
///
/// The signature is checked by `OIDCSigningKeys` when the provider publishes a key set (JWKS). Without one (a
/// plain OAuth 2.0 provider that still sends an ID token) the token came straight from the token endpoint over
/// the back channel, in exchange for a code only we could redeem (PKCE), which §3.1.3.7 item 6 allows in place of
/// the signature; the account is then read again from userinfo, and both must name the same subject.
struct OIDCIDToken {
    /// Clocks differ: a token may look this many seconds early or late.
    static let leeway: TimeInterval = 60

    let claims: [String: Any]
    /// The header's `alg` and `kid`, the bytes the signature covers (`header.payload`), and the signature.
    let algorithm: String
    let keyID: String?
    let signingInput: [UInt8]
    let signature: [UInt8]

    init(_ token: String) throws(APIError) {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let headerBytes = [UInt8](base64URL: parts[0]), let payloadBytes = [UInt8](base64URL: parts[1]),
              let header = try? JSONSerialization.jsonObject(with: Data(headerBytes)) as? [String: Any],
              let claims = try? JSONSerialization.jsonObject(with: Data(payloadBytes)) as? [String: Any],
              let signature = [UInt8](base64URL: parts[2])
        else { throw .oidcLoginFailed("The sign-in provider's ID token is not a JWT.") }
        guard let algorithm = header["alg"] as? String, algorithm.lowercased() != "none" else {
            throw .oidcLoginFailed("The sign-in provider's ID token is unsigned (alg none).")
        }
        self.claims = claims
        self.algorithm = algorithm
        keyID = header["kid"] as? String
        signingInput = Array(token.utf8[..<parts[1].endIndex])
        self.signature = signature
    }

    var subject: String? { Self.text(claims["sub"]) }

    func check(issuer: String?, clientID: String, nonce: String, now: Date) throws(APIError) {
        if let issuer, claims["iss"] as? String != issuer {
            throw .oidcLoginFailed("The ID token was issued by \(claims["iss"] ?? "nobody"), not by \(issuer).")
        }
        let audiences = (claims["aud"] as? String).map { [$0] } ?? (claims["aud"] as? [String]) ?? []
        guard audiences.contains(clientID) else {
            throw .oidcLoginFailed("The ID token is meant for another application (aud), not for this server's client id.")
        }
        if audiences.count > 1, claims["azp"] as? String != clientID {
            throw .oidcLoginFailed("The ID token has several audiences and names another authorized party (azp).")
        }
        let time = now.timeIntervalSince1970
        guard let expires = (claims["exp"] as? NSNumber)?.doubleValue, expires + Self.leeway > time else {
            throw .oidcLoginFailed("The ID token has expired; start the sign-in again.")
        }
        if let issued = (claims["iat"] as? NSNumber)?.doubleValue, issued - Self.leeway > time {
            throw .oidcLoginFailed("The ID token was issued in the future; check this server's clock.")
        }
        guard let sent = claims["nonce"] as? String, Sodium.constantTimeEquals(Array(sent.utf8), Array(nonce.utf8)) else {
            throw .oidcLoginFailed("The ID token belongs to another sign-in (nonce); start the sign-in again.")
        }
        guard subject != nil else { throw .oidcLoginFailed("The ID token names no account (sub).") }
    }

    /// A claim as text: a string, or a number (some providers send numeric ids).
    static func text(_ value: Any?) -> String? {
        if let string = value as? String, !string.isEmpty { return string }
        if let number = value as? NSNumber, !(number is Bool) { return number.stringValue }
        return nil
    }
}
