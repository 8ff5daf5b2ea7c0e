import DuradoraTestSupport
import Foundation
import Testing
@testable import DuradoraApp

/// ID-token signatures against a provider's key set (JWKS): keys made in the test with the `openssl` command line
/// (RSA 2048 and P-256), tokens signed by it, then changed, re-labelled or signed by a key the provider does not
/// publish. The real provider's signatures are checked end to end by scripts/oidc-check.py.
@Suite struct IDTokenSignatureTests {
    /// A private key in a temporary PEM file, its public half as a JWK, and signing with it.
    struct TestKey {
        let path: String
        let jwk: [String: Any]
        let algorithm: String

        init(_ algorithm: String, kid: String, bits: Int = 2048) throws {
            self.algorithm = algorithm
            path = NSTemporaryDirectory() + "idtoken-\(UUID().uuidString).pem"
            if algorithm == "RS256" {
                try Self.openssl(["genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:\(bits)", "-out", path])
                let modulus = String(decoding: try Self.openssl(["rsa", "-in", path, "-noout", "-modulus"]), as: UTF8.self)
                let hex = Array(modulus.trimmingCharacters(in: .whitespacesAndNewlines).dropFirst("Modulus=".count))
                let n = stride(from: 0, to: hex.count, by: 2).map { UInt8(String(hex[$0...$0 + 1]), radix: 16)! }
                jwk = ["kty": "RSA", "kid": kid, "use": "sig", "n": n.base64URLEncoded, "e": [UInt8]([1, 0, 1]).base64URLEncoded]
            } else {
                try Self.openssl(["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", path])
                let point = try Self.openssl(["pkey", "-in", path, "-pubout", "-outform", "DER"]).suffix(64)
                jwk = ["kty": "EC", "kid": kid, "crv": "P-256", "x": point.prefix(32).base64URLEncoded,
                       "y": point.suffix(32).base64URLEncoded]
            }
        }

        /// A compact JWS of `claims`; `header` overrides the header's fields.
        func sign(_ claims: [String: Any], header: [String: Any] = [:]) throws -> String {
            var fields: [String: Any] = ["alg": algorithm, "typ": "JWT", "kid": jwk["kid"]!]
            fields.merge(header) { $1 }
            let input = Array(try JSONSerialization.data(withJSONObject: fields)).base64URLEncoded + "."
                + Array(try JSONSerialization.data(withJSONObject: claims)).base64URLEncoded
            var signature = try Self.openssl(["dgst", "-sha256", "-sign", path], input: Array(input.utf8))
            if algorithm == "ES256" { signature = Self.rawECDSA(signature) }
            return input + "." + signature.base64URLEncoded
        }

        @discardableResult
        static func openssl(_ arguments: [String], input: [UInt8] = []) throws -> [UInt8] {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
            process.arguments = arguments
            let stdin = Pipe(), stdout = Pipe()
            process.standardInput = stdin
            process.standardOutput = stdout
            process.standardError = FileHandle.nullDevice  // key generation prints progress dots
            try process.run()
            stdin.fileHandleForWriting.write(Data(input))
            try stdin.fileHandleForWriting.close()
            let output = stdout.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            #expect(process.terminationStatus == 0, "openssl \(arguments)")
            return Array(output)
        }

        /// OpenSSL's DER `ECDSA-Sig-Value` as JWS's `r‖s`, 32 bytes each.
        static func rawECDSA(_ der: [UInt8]) -> [UInt8] {
            var offset = 2
            var raw: [UInt8] = []
            for _ in 0..<2 {
                let length = Int(der[offset + 1])
                let value = der[(offset + 2)..<(offset + 2 + length)].drop { $0 == 0 }
                raw += [UInt8](repeating: 0, count: 32 - value.count) + value
                offset += 2 + length
            }
            return raw
        }
    }

    static var claims: [String: Any] { ["iss": "http://idp.test", "sub": "subject-1", "aud": "duradora"] }

    static func jwks(_ keys: [TestKey]) throws -> [UInt8] {
        Array(try JSONSerialization.data(withJSONObject: ["keys": keys.map(\.jwk)]))
    }

    /// nil when the token verifies, else the error's message (always a 400 `oidc_login_failed`).
    static func verify(_ token: String, keys: OIDCSigningKeys, serving: [TestKey]) throws -> String? {
        do {
            try keys.verify(try OIDCIDToken(token)) { try jwks(serving) }
            return nil
        } catch let error as APIError {
            #expect(error.status.code == 400 && error.code == "oidc_login_failed")
            return error.message
        }
    }

    @Test(arguments: ["RS256", "ES256"])
    func rightSignaturesPassAndWrongOnesFail(algorithm: String) throws {
        let key = try TestKey(algorithm, kid: "k1")
        let stranger = try TestKey(algorithm, kid: "k1")  // same kid, a key the provider never published
        let keys = OIDCSigningKeys()
        let token = try key.sign(Self.claims)
        #expect(try Self.verify(token, keys: keys, serving: [key]) == nil)

        // The payload changed after signing (another subject), with the original signature kept.
        var parts = token.split(separator: ".").map(String.init)
        parts[1] = Array(try JSONSerialization.data(withJSONObject: ["sub": "admin", "aud": "duradora"])).base64URLEncoded
        #expect(try Self.verify(parts.joined(separator: "."), keys: keys, serving: [key])?.contains("signature is wrong") == true)
        #expect(try Self.verify(try stranger.sign(Self.claims), keys: keys, serving: [key])?.contains("signature is wrong") == true)
    }

    @Test func algorithmMustMatchTheKey() throws {
        let rsa = try TestKey("RS256", kid: "rsa")
        let keys = OIDCSigningKeys()
        // HS256 "signed" with the public key as the secret, and a token claiming ES256 under the RSA key's kid.
        #expect(try Self.verify(try rsa.sign(Self.claims, header: ["alg": "HS256"]), keys: keys, serving: [rsa])?
            .contains("accepts only RS256 and ES256") == true)
        #expect(try Self.verify(try rsa.sign(Self.claims, header: ["alg": "ES256"]), keys: keys, serving: [rsa])?
            .contains("does not publish") == true)
        #expect(throws: APIError.self) { try OIDCIDToken(try rsa.sign(Self.claims, header: ["alg": "none"])) }
        // A short RSA key in the set is not used at all.
        #expect(JWKPublicKey(jwk: try TestKey("RS256", kid: "short", bits: 1024).jwk) == nil)
        var declaredOther = rsa.jwk
        declaredOther["alg"] = "RS512"
        #expect(JWKPublicKey(jwk: declaredOther) == nil)
    }

    @Test func anUnknownKeyIDRefetchesTheKeySetOnce() throws {
        let old = try TestKey("RS256", kid: "2025")
        let new = try TestKey("RS256", kid: "2026")
        let keys = OIDCSigningKeys()
        var fetches = 0
        var published = [old]
        func verify(_ token: String) throws -> String? {
            do {
                try keys.verify(try OIDCIDToken(token)) { fetches += 1; return try Self.jwks(published) }
                return nil
            } catch let error as APIError { return error.message }
        }
        #expect(try verify(try old.sign(Self.claims)) == nil)
        #expect(try verify(try old.sign(Self.claims)) == nil)
        #expect(fetches == 1)  // kept, not fetched per login
        published = [old, new]  // the provider rotated its keys
        #expect(try verify(try new.sign(Self.claims)) == nil)
        #expect(fetches == 2)
        #expect(try verify(try new.sign(Self.claims, header: ["kid": "never-published"]))?.contains("does not publish") == true)
        #expect(fetches == 3)
    }
}
