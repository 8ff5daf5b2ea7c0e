@testable import DuradoraApp
import DuradoraTestSupport
import Foundation
import Testing

/// Every way a Subsonic client authenticates, and every error code the checks answer with.
@Suite struct SubsonicAuthTests {
    @Test func md5MatchesTheSpecificationsExampleAndRFC1321() {
        #expect(MD5.hex(Array("sesamec19b2d".utf8)) == "26719a1196d2a940705a59634eb18eab")
        #expect(MD5.hex([]) == "d41d8cd98f00b204e9800998ecf8427e")
        #expect(MD5.hex(Array(String(repeating: "1234567890", count: 8).utf8)) == "57edf4a22be3c955ac49da2e2107b67a")
    }

    @Test func everyCredentialFormOfAnAppPasswordWorks() throws {
        let fixture = try SubsonicFixture()
        defer { fixture.stop() }
        let client = fixture.client
        let password = fixture.alicePassword
        let hex = password.utf8.map { String(format: "%02x", $0) }.joined()
        let forms: [(String, [(String, String)])] = [
            ("clear p", [("u", "alice"), ("p", password)]),
            ("enc: lower-case hex", [("u", "alice"), ("p", "enc:" + hex)]),
            ("ENC: upper-case hex", [("u", "alice"), ("p", "ENC:" + hex.uppercased())]),
            ("token, 6-char salt", Subsonic.token("alice", password, salt: "abcdef")),
            ("token, 32-char salt", Subsonic.token("alice", password, salt: String(repeating: "9f", count: 16))),
            ("token, upper-case t", Subsonic.token("alice", password).map { $0.0 == "t" ? ("t", $0.1.uppercased()) : $0 }),
            ("username in another case", [("u", "ALICE"), ("p", password)]),
            ("apiKey", [("apiKey", password)]),
        ]
        for (name, parameters) in forms {
            for post in [false, true] {
                let response = try client.subsonicJSON("ping", parameters, post: post)
                #expect(response["status"] as? String == "ok", "\(name), post \(post): \(response)")
            }
        }
        // The same salt twice is fine (DSub keeps one per server).
        #expect(try client.subsonicJSON("ping", Subsonic.token("alice", password))["status"] as? String == "ok")
        #expect(try client.subsonicJSON("tokenInfo", [("apiKey", password)])["tokenInfo"] as? [String: String]
            == ["username": "alice"])
    }

    @Test func loginPasswordAndBearerTokensNeverWorkOnRest() throws {
        let fixture = try SubsonicFixture()
        defer { fixture.stop() }
        let client = fixture.client
        #expect(Subsonic.error(try client.subsonicJSON("ping", [("u", "alice"), ("p", "alicepassword")])) == 40)
        #expect(Subsonic.error(try client.subsonicJSON("ping", Subsonic.token("alice", "alicepassword"))) == 40)
        // Someone else's app password is not alice's.
        #expect(Subsonic.error(try client.subsonicJSON("ping", [("u", "alice"), ("p", fixture.rootPassword)])) == 40)
        #expect(Subsonic.error(try client.subsonicJSON("ping", [("u", "nobody"), ("p", fixture.alicePassword)])) == 40)
        let bearer = try client.subsonic("ping", [("f", "json")], headers: bearer(fixture.alice.token))
        #expect(Subsonic.error(try bearer.json()["subsonic-response"] as? [String: Any] ?? [:]) == 42)
        let query = try client.subsonicJSON("ping", [("access_token", fixture.alice.token)])
        #expect(Subsonic.error(query) == 42)
    }

    @Test func sessionTokensAndCookiesOnRestGetSubsonicsOwnRefusalWithoutALookup() throws {
        let fixture = try SubsonicFixture()
        defer { fixture.stop() }
        let client = fixture.client
        let database = fixture.app.application.database
        let before = database.statementCount
        // Nothing is looked up for a token /rest never accepts (a valid one, or garbage).
        for token in [fixture.alice.token, "not-a-token"] {
            let answer = try client.subsonic("ping", [("f", "json")], headers: bearer(token))
            #expect(answer.status == 200)
            #expect(Subsonic.error(try answer.json()["subsonic-response"] as? [String: Any] ?? [:]) == 42)
        }
        #expect(database.statementCount == before)
        // A cross-site form post with the session cookie is no CSRF risk here (the cookie is not read): it gets a
        // Subsonic document in XML, not the REST API's 403 JSON.
        let cookie = ["Cookie": "duradora_session=\(fixture.alice.token)", "Origin": "https://elsewhere.example",
                      "Sec-Fetch-Site": "cross-site"]
        let posted = try client.subsonic("ping", [("v", "1.16.1")], post: true, headers: cookie)
        #expect(posted.status == 200)
        #expect(posted.header("Content-Type") == "text/xml; charset=utf-8")
        #expect(posted.text.contains(#"<error code="42""#))
    }

    @Test func eachBrokenRequestGetsItsOwnCode() throws {
        let fixture = try SubsonicFixture()
        defer { fixture.stop() }
        let client = fixture.client
        let password = fixture.alicePassword
        let cases: [(String, [(String, String)], Int)] = [
            ("nothing", [], 10),
            ("u only", [("u", "alice")], 10),
            ("t without s", [("u", "alice"), ("t", "abc")], 10),
            ("s without t", [("u", "alice"), ("s", "abcdef")], 10),
            ("broken enc:", [("u", "alice"), ("p", "enc:zz")], 40),
            ("wrong token", Subsonic.token("alice", "not-the-password"), 40),
            ("short salt", Subsonic.token("alice", password, salt: "abc"), 41),
            ("p and t together", [("u", "alice"), ("p", password)] + Subsonic.token("alice", password), 43),
            ("apiKey with u", [("apiKey", password), ("u", "alice")], 43),
            ("apiKey with t and s", [("apiKey", password)] + Subsonic.token("alice", password).filter { $0.0 != "u" }, 43),
            ("unknown apiKey", [("apiKey", "nope")], 44),
            ("empty apiKey", [("apiKey", "")], 44),
        ]
        for (name, parameters, code) in cases {
            let response = try client.subsonicJSON("ping", parameters)
            #expect(response["status"] as? String == "failed", "\(name)")
            #expect(Subsonic.error(response) == code, "\(name): \(response)")
            let message = (response["error"] as? [String: Any])?["message"] as? String
            #expect(!(message ?? "").isEmpty, "\(name)")
        }
    }

    @Test func extensionsNeedNoCredentialsAndListOnlyWhatIsImplemented() throws {
        let fixture = try SubsonicFixture()
        defer { fixture.stop() }
        let response = try fixture.client.subsonicJSON("getOpenSubsonicExtensions", [])
        #expect(response["status"] as? String == "ok")
        let names = (response["openSubsonicExtensions"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
        #expect(Set(names) == ["formPost", "apiKeyAuthentication", "transcodeOffset", "songLyrics"])
        // Everything else does need them.
        #expect(Subsonic.error(try fixture.client.subsonicJSON("getLicense", [])) == 10)
    }

    @Test func credentialsNeverReachTheAccessLog() throws {
        let fixture = try SubsonicFixture()
        defer { fixture.stop() }
        let token = Subsonic.token("alice", fixture.alicePassword)
        _ = try fixture.client.subsonic("ping", [("u", "alice"), ("p", fixture.alicePassword)])
        _ = try fixture.client.subsonic("ping", token)
        _ = try fixture.client.subsonic("ping", [("apiKey", fixture.alicePassword)])
        let tokenValue = token.first { $0.0 == "t" }?.1 ?? "?"
        #expect(TestHTTPServer.eventually(within: 5) { fixture.app.log.filter { $0.contains("/rest/ping") }.count >= 3 })
        let log = fixture.app.log.joined(separator: "\n")
        #expect(!log.contains(fixture.alicePassword))
        #expect(!log.contains(tokenValue))
    }
}
