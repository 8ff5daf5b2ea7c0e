import COpenSSL
import Foundation

/// One signing key from a provider's JWKS (RFC 7517), held by OpenSSL: RSA (`n`, `e`) for RS256 or P-256 EC
/// (`x`, `y`) for ES256, the two algorithms OpenID providers sign ID tokens with. Each key verifies exactly one
/// algorithm, so a token cannot pick a weaker one for the key (`none`, or HS256 with the public key as the secret).
final class JWKPublicKey: @unchecked Sendable {
    // @unchecked: the EVP_PKEY is never changed after init, and OpenSSL 3 allows concurrent use of a key for
    // verification; each `verify` has its own digest context.
    enum Algorithm: String, Sendable {
        case rs256 = "RS256"
        case es256 = "ES256"
    }

    let algorithm: Algorithm
    let keyID: String?
    private let key: OpaquePointer

    /// RSA keys shorter than this are refused: a 1024-bit modulus can be factored by a well-funded attacker.
    static let minimumRSABits: Int32 = 2048

    /// The key a JWK describes, or nil when it is not one we verify with (an encryption key, another curve, a
    /// short RSA key, an `alg` other than the one its type implies, or bytes OpenSSL refuses).
    init?(jwk: [String: Any]) {
        if let use = jwk["use"] as? String, use != "sig" { return nil }
        let built: (Algorithm, OpaquePointer)?
        switch jwk["kty"] as? String {
        case "RSA":
            guard let n = (jwk["n"] as? String).flatMap({ [UInt8](base64URL: $0) }),
                  let e = (jwk["e"] as? String).flatMap({ [UInt8](base64URL: $0) }) else { return nil }
            built = Self.make("RSA") { builder, numbers in
                numbers.append(contentsOf: [BN_bin2bn(n, Int32(n.count), nil), BN_bin2bn(e, Int32(e.count), nil)])
                return numbers.allSatisfy { $0 != nil } && OSSL_PARAM_BLD_push_BN(builder, Self.cName("n"), numbers[0]) == 1
                    && OSSL_PARAM_BLD_push_BN(builder, Self.cName("e"), numbers[1]) == 1
            }.map { (.rs256, $0) }
        case "EC":
            guard jwk["crv"] as? String == "P-256",
                  let x = (jwk["x"] as? String).flatMap({ [UInt8](base64URL: $0) }), x.count == 32,
                  let y = (jwk["y"] as? String).flatMap({ [UInt8](base64URL: $0) }), y.count == 32 else { return nil }
            let point = [0x04] + x + y  // uncompressed SEC1 point
            built = point.withUnsafeBufferPointer { point in
                Self.make("EC") { builder, _ in
                    OSSL_PARAM_BLD_push_utf8_string(builder, Self.cName("group"), Self.cName("prime256v1"), 0) == 1
                        && OSSL_PARAM_BLD_push_octet_string(builder, Self.cName("pub"), point.baseAddress, point.count) == 1
                }
            }.map { (.es256, $0) }
        default:
            return nil
        }
        guard let (algorithm, key) = built else { return nil }
        let declaredMatches = (jwk["alg"] as? String).map { $0 == algorithm.rawValue } ?? true
        let longEnough = algorithm != .rs256 || EVP_PKEY_get_bits(key) >= Self.minimumRSABits
        guard declaredMatches, longEnough else {
            EVP_PKEY_free(key)
            return nil
        }
        self.algorithm = algorithm
        self.key = key
        keyID = jwk["kid"] as? String
    }

    deinit { EVP_PKEY_free(key) }

    /// Whether `signature` (as JWS carries it: PKCS #1 v1.5 for RS256, raw `r‖s` for ES256) signs `message`
    /// with SHA-256 under this key.
    func verify(_ message: [UInt8], signature: [UInt8]) -> Bool {
        var signature = signature
        if algorithm == .es256 {
            guard signature.count == 64 else { return false }
            signature = Self.derECDSASignature(r: signature[..<32], s: signature[32...])
        }
        guard let context = EVP_MD_CTX_new() else { return false }
        defer { EVP_MD_CTX_free(context) }
        guard EVP_DigestVerifyInit(context, nil, EVP_sha256(), nil, key) == 1 else { return false }
        return EVP_DigestVerify(context, signature, signature.count, message, message.count) == 1
    }

    // MARK: Private

    /// A C string that outlives the call: the parameter builder keeps the pointers it is given (names and
    /// values alike) until `OSSL_PARAM_BLD_to_param`, so a Swift string's temporary buffer would dangle.
    private static func cName(_ text: StaticString) -> UnsafePointer<CChar> {
        UnsafeRawPointer(text.utf8Start).assumingMemoryBound(to: CChar.self)
    }

    /// A public key of `type` from the parameters `fill` pushes (any BIGNUMs it makes go in `numbers`, freed here).
    private static func make(_ type: String, _ fill: (OpaquePointer, inout [OpaquePointer?]) -> Bool) -> OpaquePointer? {
        guard let builder = OSSL_PARAM_BLD_new() else { return nil }
        var numbers: [OpaquePointer?] = []
        defer {
            OSSL_PARAM_BLD_free(builder)
            numbers.forEach { BN_free($0) }
        }
        guard fill(builder, &numbers), let parameters = OSSL_PARAM_BLD_to_param(builder) else { return nil }
        defer { OSSL_PARAM_free(parameters) }
        guard let context = EVP_PKEY_CTX_new_from_name(nil, type, nil) else { return nil }
        defer { EVP_PKEY_CTX_free(context) }
        var key: OpaquePointer?
        guard EVP_PKEY_fromdata_init(context) == 1,
              EVP_PKEY_fromdata(context, &key, duradora_evp_pkey_public_key(), parameters) == 1 else { return nil }
        return key
    }

    /// JWS's fixed-size `r‖s` as the DER `ECDSA-Sig-Value` OpenSSL verifies (two positive INTEGERs in a SEQUENCE).
    private static func derECDSASignature(r: ArraySlice<UInt8>, s: ArraySlice<UInt8>) -> [UInt8] {
        func integer(_ bytes: ArraySlice<UInt8>) -> [UInt8] {
            var value = Array(bytes.drop { $0 == 0 })
            if value.isEmpty || value[0] >= 0x80 { value.insert(0, at: 0) }
            return [0x02, UInt8(value.count)] + value
        }
        let body = integer(r) + integer(s)
        return [0x30, UInt8(body.count)] + body
    }
}
