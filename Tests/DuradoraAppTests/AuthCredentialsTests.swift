import Foundation
import Testing
@testable import DuradoraApp
import DuradoraTestSupport

/// Where credentials come from, how long they live and when they stop working.
@Suite struct AuthCredentialsTests {
    @Test func sessionCookieAuthenticates() throws {
        let app = try TestApplication()
        defer { app.stop() }
        let client = try app.makeClient()
        try client.createUser("cookie", password: "password1")
        let access = try client.loginPair("cookie", "password1").access
        let response = try client.get("/api/v1/auth/me", headers: ["Cookie": "theme=dark; duradora_session=\(access); x=1"])
        #expect(response.status == 200)
        #expect(try response.json()["username"] as? String == "cookie")
    }

    @Test func accessTokenQueryParameterAuthenticatesAndIsMaskedInTheLog() throws {
        let app = try TestApplication()
        defer { app.stop() }
        let client = try app.makeClient()
        let user = try client.createUser("query")
        let response = try client.get("/api/v1/auth/me?access_token=\(user.token)")
        #expect(response.status == 200)
        #expect(try response.json()["username"] as? String == "query")
        #expect(TestHTTPServer.eventually { app.log.contains { $0.contains("access_token=***") } })
        #expect(!app.log.contains { $0.contains(user.token) })
    }

    @Test func bearerHeaderComesFirst() throws {
        let app = try TestApplication()
        defer { app.stop() }
        let client = try app.makeClient()
        let first = try client.createUser("first")
        let second = try client.createUser("second")
        let response = try client.get(
            "/api/v1/auth/me?access_token=\(second.token)",
            headers: ["Authorization": "bearer \(first.token)", "Cookie": "duradora_session=\(second.token)"])
        #expect(try response.json()["username"] as? String == "first")
        let cookieOverQuery = try client.get(
            "/api/v1/auth/me?access_token=\(first.token)", headers: ["Cookie": "duradora_session=\(second.token)"])
        #expect(try cookieOverQuery.json()["username"] as? String == "second")
    }

    @Test func cookieIsSecureWhenPublicURLIsHTTPS() throws {
        let app = try TestApplication { $0.server.publicURL = "https://music.example.org" }
        defer { app.stop() }
        let client = try app.makeClient()
        try client.createUser("secure", password: "password1")
        let cookie = try #require(try client.login("secure", "password1").header("Set-Cookie"))
        #expect(cookie.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }.contains("Secure"))
    }

    @Test func accessTokenExpiresAfterTTLButAPITokenDoesNot() throws {
        let clock = TestClock()
        let app = try TestApplication(clock: clock.timeSource) { $0.auth.accessTTLSeconds = 600 }
        defer { app.stop() }
        let client = try app.makeClient()
        let api = try client.createUser("clocked", password: "password1")
        let pair = try client.loginPair("clocked", "password1")
        clock.advance(by: 599)
        #expect(try client.me(pair.access).status == 200)
        clock.advance(by: 1)
        #expect(try client.me(pair.access).status == 401)
        clock.advance(by: 86_400 * 365)
        #expect(try client.me(api.token).status == 200)
    }

    @Test func refreshTokenExpires() throws {
        let clock = TestClock()
        let app = try TestApplication(clock: clock.timeSource) { $0.auth.refreshTTLSeconds = 7200 }
        defer { app.stop() }
        let client = try app.makeClient()
        try client.createUser("late", password: "password1")
        let pair = try client.loginPair("late", "password1")
        clock.advance(by: 7200)
        let response = try client.postJSON("/api/v1/auth/refresh", #"{"refresh_token":"\#(pair.refresh)"}"#)
        #expect(response.status == 401)
        #expect(response.errorCode == "invalid_refresh_token")
    }

    @Test func revokedAPITokenStopsWorking() throws {
        let app = try TestApplication()
        defer { app.stop() }
        let client = try app.makeClient()
        let user = try client.createUser("revoked")
        #expect(try client.request("POST", "/api/v1/auth/logout", headers: bearer(user.token)).status == 204)
        let response = try client.me(user.token)
        #expect(response.status == 401)
        #expect(response.header("WWW-Authenticate") == "Bearer")
    }

    @Test func logoutEndsOnlyThatLogin() throws {
        let app = try TestApplication()
        defer { app.stop() }
        let client = try app.makeClient()
        try client.createUser("two", password: "password1")
        let phone = try client.loginPair("two", "password1")
        let laptop = try client.loginPair("two", "password1")
        #expect(try client.request("POST", "/api/v1/auth/logout", headers: ["Cookie": "duradora_session=\(phone.access)"]).status == 204)
        #expect(try client.me(phone.access).status == 401)
        #expect(try client.me(laptop.access).status == 200)
    }

    @Test func deletedUsersTokensAreRejected() throws {
        let fixture = try AdminFixture()
        defer { fixture.stop() }
        let client = fixture.client
        let user = try client.createUser("doomed")
        #expect(try client.delete("/api/v1/users/\(user.id)", token: fixture.admin).status == 204)
        #expect(try client.me(user.token).status == 401)
        #expect(try client.get("/api/v1/auth/me?access_token=\(user.token)").status == 401)
    }

    @Test func credentialParsing() {
        #expect(Credentials.bearerToken("Bearer abc") == "abc")
        #expect(Credentials.bearerToken("BEARER  abc ") == "abc")
        #expect(Credentials.bearerToken("Basic abc") == nil)
        #expect(Credentials.bearerToken("Bearer") == nil)
        #expect(Credentials.cookieValue(named: "duradora_session", in: "a=1; duradora_session=xyz") == "xyz")
        #expect(Credentials.cookieValue(named: "duradora_session", in: "duradora_session=\"q\"") == "q")
        #expect(Credentials.cookieValue(named: "duradora_session", in: "my_duradora_session=1") == nil)
    }
}
