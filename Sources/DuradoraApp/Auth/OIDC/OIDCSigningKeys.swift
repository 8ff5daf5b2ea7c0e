import Foundation
import Synchronization

/// A provider's ID-token signing keys from its JWKS, fetched on first use and kept. A token naming a `kid` we do
/// not hold makes one fresh fetch (the provider rotated its keys); still unknown after that, the token fails. The
/// refetch needs no rate limit: ID tokens reach us only from the provider's own token endpoint, in exchange for a
/// code this server asked for, so only the provider can make us refetch, and each login fetches at most once.
final class OIDCSigningKeys: Sendable {
    private let keys = Mutex<[JWKPublicKey]?>(nil)

    /// Checks `token`'s signature against the key set `fetch` returns (the JWKS document's bytes).
    func verify(_ token: OIDCIDToken, fetch: () throws -> [UInt8]) throws {
        guard let algorithm = JWKPublicKey.Algorithm(rawValue: token.algorithm) else {
            throw APIError.oidcLoginFailed("The ID token is signed with \(token.algorithm); this server accepts only "
                + "RS256 and ES256 from a provider with a key set (JWKS).")
        }
        var key = keys.withLock { $0 }.flatMap { Self.pick(from: $0, for: token, algorithm) }
        if key == nil {
            let fresh = try Self.parse(fetch())
            keys.withLock { $0 = fresh }
            key = Self.pick(from: fresh, for: token, algorithm)
        }
        guard let key else {
            throw APIError.oidcLoginFailed("The ID token is signed with a key (kid \(token.keyID ?? "none")) the "
                + "sign-in provider does not publish in its key set (JWKS).")
        }
        guard key.verify(token.signingInput, signature: token.signature) else {
            throw APIError.oidcLoginFailed("The ID token's signature is wrong: it was not signed by the sign-in "
                + "provider's key, or it was changed on the way.")
        }
    }

    /// The key with the token's `kid` and algorithm; without a `kid`, the only key of that algorithm.
    private static func pick(from keys: [JWKPublicKey], for token: OIDCIDToken, _ algorithm: JWKPublicKey.Algorithm)
        -> JWKPublicKey?
    {
        let candidates = keys.filter { $0.algorithm == algorithm && (token.keyID == nil || $0.keyID == token.keyID) }
        return candidates.count == 1 ? candidates[0] : nil
    }

    /// The usable keys of a JWKS document (others — encryption keys, unknown types — are skipped).
    static func parse(_ bytes: [UInt8]) throws -> [JWKPublicKey] {
        guard let document = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any],
              let entries = document["keys"] as? [[String: Any]] else {
            throw APIError.oidcProviderUnavailable("The sign-in provider's key set (JWKS) is not a JSON object with keys.")
        }
        return entries.compactMap(JWKPublicKey.init(jwk:))
    }
}
