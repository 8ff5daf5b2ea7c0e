import DuradoraTestSupport
import Foundation
import Testing
@testable import DuradoraApp

/// External login's rules that the loopback provider check (scripts/oidc-check.py) cannot provoke: ID tokens with
/// the wrong audience, issuer or nonce, expired or unsigned ones; the `[auth.oidc.<name>]` configuration and the
/// hosting service's `YANDEX_*` names. The whole browser flow against a real provider is in that script.
@Suite struct ExternalLoginTests {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)

    /// A JWT with these claims (the signature is a placeholder: signatures are IDTokenSignatureTests' part).
    static func token(_ claims: [String: Any], alg: String = "RS256") throws -> String {
        let header = try JSONSerialization.data(withJSONObject: ["alg": alg, "typ": "JWT"])
        let payload = try JSONSerialization.data(withJSONObject: claims)
        return [Array(header).base64URLEncoded, Array(payload).base64URLEncoded, "c2lnbmF0dXJl"].joined(separator: ".")
    }

    static var good: [String: Any] { [
        "iss": "http://idp.test", "aud": "duradora", "sub": "subject-1", "nonce": "the-nonce",
        "exp": now.timeIntervalSince1970 + 300, "iat": now.timeIntervalSince1970,
    ] }

    static func check(_ changes: [String: Any?], alg: String = "RS256") throws -> String? {
        var claims = good
        for (key, value) in changes { claims[key] = value }
        do {
            try OIDCIDToken(try token(claims, alg: alg))
                .check(issuer: "http://idp.test", clientID: "duradora", nonce: "the-nonce", now: now)
            return nil
        } catch let error as APIError {
            #expect(error.status.code == 400 && error.code == "oidc_login_failed")
            return error.message
        }
    }

    @Test func idTokenClaimsAreChecked() throws {
        #expect(try Self.check([:]) == nil)
        #expect(try Self.check(["aud": ["other", "duradora"], "azp": "duradora"]) == nil)
        #expect(try Self.check(["aud": "someone-else"])?.contains("aud") == true)
        #expect(try Self.check(["aud": ["duradora", "other"]])?.contains("azp") == true)
        #expect(try Self.check(["iss": "http://evil.test"])?.contains("evil.test") == true)
        #expect(try Self.check(["exp": Self.now.timeIntervalSince1970 - 120])?.contains("expired") == true)
        #expect(try Self.check(["exp": nil])?.contains("expired") == true)
        #expect(try Self.check(["iat": Self.now.timeIntervalSince1970 + 3600])?.contains("future") == true)
        #expect(try Self.check(["nonce": "another-login"])?.contains("nonce") == true)
        #expect(try Self.check(["nonce": nil])?.contains("nonce") == true)
        #expect(try Self.check(["sub": nil])?.contains("sub") == true)
        #expect(try Self.check([:], alg: "none")?.contains("unsigned") == true)
        #expect(throws: APIError.self) { try OIDCIDToken("not.a-jwt") }
    }

    @Test func providersAreConfiguredPerSection() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("oidc-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        func load(_ toml: String, environment: [String: String] = [:]) throws -> Configuration {
            let path = directory + "/config.toml"
            try toml.write(toFile: path, atomically: true, encoding: .utf8)
            return try Configuration.load(path: path, environment: environment, overrides: ConfigurationOverrides(),
                                          currentDirectory: directory)
        }
        let configuration = try load("""
            [auth]
            open_registration = true
            [auth.oidc.company]
            issuer = "http://127.0.0.1:9400/"
            client_id = "duradora"
            scopes = ["openid", "email"]
            """)
        let company = try #require(configuration.auth.oidc.first)
        #expect(company.name == "company" && company.issuer == "http://127.0.0.1:9400" && company.isOpenIDConnect)
        #expect(company.effectiveScopes == ["openid", "email"])

        // Each mistake names its key and line.
        for (toml, key, line) in [
            ("[auth.oidc.x]\nclient_id = \"c\"\nissuer = \"ftp://accounts.example\"\n", "auth.oidc.x.issuer", 1),
            ("[auth.oidc.x]\nissuer = \"http://idp.lan\"\nclient_idd = \"c\"\n", "auth.oidc.x.client_idd", 3),
            ("[auth.oidc.x]\nissuer = \"http://idp.lan\"\n", "auth.oidc.x.client_id", 1),
            ("[auth.oidc.x]\nclient_id = \"c\"\nauthorization_url = \"https://a\"\ntoken_url = \"http://t\"\n",
             "auth.oidc.x.userinfo_url", 1),
            ("[auth.oidc.x]\nclient_id = \"c\"\nissuer = \"http://idp.lan\"\nscopes = \"openid\"\n", "auth.oidc.x.scopes", 4),
        ] {
            do {
                _ = try load(toml)
                Issue.record("accepted: \(toml)")
            } catch let error as ConfigurationError {
                #expect(error.key == key, "\(toml)")
                #expect(error.line == line, "\(toml)")
            }
        }

        // The hosting service's .env names fill the `yandex` section, whose Yandex defaults stay.
        let yandex = try #require(try load("""
            [auth.oidc.yandex]
            token_url = "http://127.0.0.1:8443/token"
            userinfo_url = "http://127.0.0.1:8443/info?format=json"
            """, environment: ["YANDEX_CLIENT_ID": "yid", "YANDEX_CLIENT_SECRET": "ysecret",
                               "YANDEX_REDIRECT_URI": "https://music.example/v1/auth/yandex/callback"]).auth.oidc.first)
        #expect(yandex.clientID == "yid" && yandex.clientSecret == "ysecret" && yandex.subjectClaim == "id")
        #expect(yandex.redirectURL == "https://music.example/v1/auth/yandex/callback" && !yandex.isOpenIDConnect)
        #expect(yandex.authorizationURL == "https://oauth.yandex.ru/authorize")
        // The hosting service's names alone are enough: Yandex's own https endpoints are the defaults.
        let alone = try #require(try load("", environment: ["YANDEX_CLIENT_ID": "yid"]).auth.oidc.first)
        #expect(alone.tokenURL == "https://oauth.yandex.ru/token" && alone.userinfoURL == "https://login.yandex.ru/info?format=json")
    }

    @Test func usernamesFollowOurRules() {
        #expect(OIDCLoginService.username(from: "alice@example.test", provider: "mock") == "alice")
        #expect(OIDCLoginService.username(from: "Jörg Müller", provider: "mock") == "JrgMller")
        #expect(OIDCLoginService.username(from: "ユーザー", provider: "yandex") == "yandex-user")
        #expect(OIDCLoginService.username(from: nil, provider: "mock") == "mock-user")
    }
}
