import Foundation
import Testing
import DuradoraApp
import DuradoraTestSupport

/// One test per row of the contract's authentication table, over real sockets.
@Suite struct UserAPITests {
    @Test func createUserReturnsUUIDAPITokenThatAuthenticates() throws {
        let app = try TestApplication()
        defer { app.stop() }
        let client = try app.makeClient()
        let response = try client.postJSON("/api/v1/users", #"{"username":"ada"}"#)
        #expect(response.status == 201)
        #expect(response.header("Content-Type") == "application/json; charset=utf-8")
        let json = try response.json()
        #expect(json["username"] as? String == "ada")
        #expect(json["role"] as? String == "user")
        let id = try #require(json["user_id"] as? String)
        let token = try #require(json["access_token"] as? String)
        #expect(UUID(uuidString: id) != nil && id == id.lowercased())
        #expect(UUID(uuidString: token) != nil && token == token.lowercased())
        let me = try client.me(token)
        #expect(me.status == 200)
        #expect(try me.json()["id"] as? String == id)
    }

    @Test func createUserAcceptsQueryUsernameAndOptionalPassword() throws {
        let app = try TestApplication()
        defer { app.stop() }
        let client = try app.makeClient()
        let seed = try client.request("POST", "/api/v1/users?username=seedling")
        #expect(seed.status == 201)
        #expect(try seed.json()["username"] as? String == "seedling")
        try client.createUser("withpass", password: "correct horse")
        #expect(try client.login("withpass", "correct horse").status == 200)
        #expect(try client.login("seedling", "anything at all").status == 401)  // token-only user: no password
    }

    @Test func trailingSlashIsTheSameRoute() throws {
        let app = try TestApplication()
        defer { app.stop() }
        #expect(try app.makeClient().postJSON("/api/v1/users/", #"{"username":"slash"}"#).status == 201)
    }

    @Test func registerReturnsUserObject() throws {
        let app = try TestApplication()
        defer { app.stop() }
        let response = try app.makeClient().postJSON(
            "/api/v1/auth/register", #"{"username":"Grace","password":"hopper1906"}"#)
        #expect(response.status == 201)
        let json = try response.json()
        #expect(Set(json.keys) == ["id", "username", "role", "created_at", "max_bitrate"])
        #expect(json["username"] as? String == "Grace")
        #expect(json["role"] as? String == "user")
        #expect((json["created_at"] as? String).flatMap(RFC3339.date(from:)) != nil)
    }

    @Test func registerRequiresPassword() throws {
        let app = try TestApplication()
        defer { app.stop() }
        let response = try app.makeClient().postJSON("/api/v1/auth/register", #"{"username":"nopass"}"#)
        #expect(response.status == 422)
        #expect(response.errorCode == "invalid_field")
        #expect(((try response.json()["error"] as? [String: Any])?["message"] as? String)?.hasPrefix("password") == true)
    }

    @Test func closedRegistrationLeavesAccountCreationToAdmins() throws {
        let fixture = try AdminFixture { $0.auth.openRegistration = false }
        defer { fixture.stop() }
        let client = fixture.client
        let anonymous = try client.postJSON("/api/v1/auth/register", #"{"username":"x","password":"12345678"}"#)
        #expect(anonymous.status == 401)
        #expect(anonymous.header("WWW-Authenticate") == "Bearer")
        let byAdmin = try client.postJSON("/api/v1/users", #"{"username":"invited"}"#, headers: bearer(fixture.admin))
        #expect(byAdmin.status == 201)
        let invitedToken = try byAdmin.json()["access_token"] as? String ?? ""
        let byUser = try client.postJSON("/api/v1/users", #"{"username":"friend"}"#, headers: bearer(invitedToken))
        #expect(byUser.status == 403)
        #expect(byUser.errorCode == "registration_closed")
    }

    @Test func loginAnswersPairAndSessionCookie() throws {
        let app = try TestApplication()
        defer { app.stop() }
        let client = try app.makeClient()
        try client.createUser("lin", password: "password1")
        let response = try client.login("lin", "password1")
        #expect(response.status == 200)
        let json = try response.json()
        #expect(json["token_type"] as? String == "Bearer")
        #expect(json["expires_in"] as? Int == 3600)
        let access = try #require(json["access_token"] as? String)
        #expect(json["refresh_token"] as? String != nil)
        let cookie = try #require(response.header("Set-Cookie"))
        #expect(cookie.hasPrefix("duradora_session=\(access);"))
        let attributes = Set(cookie.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) })
        #expect(attributes.isSuperset(of: ["HttpOnly", "SameSite=Lax", "Path=/", "Max-Age=3600"]))
        #expect(!attributes.contains("Secure"))
        #expect(response.header("Cache-Control") == "no-store")
        #expect(try client.me(access).status == 200)
    }

    @Test func loginUsernameIsCaseInsensitive() throws {
        let app = try TestApplication()
        defer { app.stop() }
        let client = try app.makeClient()
        try client.createUser("MixedCase", password: "password1")
        #expect(try client.login("mixedcase", "password1").status == 200)
    }

    @Test func unknownUserAndWrongPasswordGiveTheSame401() throws {
        let app = try TestApplication()
        defer { app.stop() }
        let client = try app.makeClient()
        try client.createUser("known", password: "password1")
        let wrong = try client.login("known", "password2")
        let unknown = try client.login("unknown", "password1")
        for response in [wrong, unknown] {
            #expect(response.status == 401)
            #expect(response.header("WWW-Authenticate") == "Bearer")
            #expect(response.errorCode == "invalid_credentials")
        }
        #expect(wrong.body == unknown.body)
    }

    @Test func refreshRotatesAndReuseRevokesTheFamily() throws {
        let app = try TestApplication()
        defer { app.stop() }
        let client = try app.makeClient()
        try client.createUser("rot", password: "password1")
        let first = try client.loginPair("rot", "password1")
        let refreshed = try client.postJSON("/api/v1/auth/refresh", #"{"refresh_token":"\#(first.refresh)"}"#)
        #expect(refreshed.status == 200)
        #expect(refreshed.header("Set-Cookie")?.hasPrefix("duradora_session=") == true)
        let second = try refreshed.json()
        let secondAccess = try #require(second["access_token"] as? String)
        let secondRefresh = try #require(second["refresh_token"] as? String)
        #expect(secondRefresh != first.refresh)
        #expect(try client.me(secondAccess).status == 200)

        // The old refresh token is dead; presenting it again revokes everything of this login.
        let reuse = try client.postJSON("/api/v1/auth/refresh", #"{"refresh_token":"\#(first.refresh)"}"#)
        #expect(reuse.status == 401)
        #expect(reuse.errorCode == "refresh_token_reused")
        #expect(try client.me(secondAccess).status == 401)
        #expect(try client.me(first.access).status == 401)
        let afterReuse = try client.postJSON("/api/v1/auth/refresh", #"{"refresh_token":"\#(secondRefresh)"}"#)
        #expect(afterReuse.status == 401)
    }

    @Test func refreshWithUnknownOrAccessTokenIs401() throws {
        let app = try TestApplication()
        defer { app.stop() }
        let client = try app.makeClient()
        try client.createUser("ref", password: "password1")
        let pair = try client.loginPair("ref", "password1")
        for token in ["nonsense", pair.access] {
            let response = try client.postJSON("/api/v1/auth/refresh", #"{"refresh_token":"\#(token)"}"#)
            #expect(response.status == 401)
            #expect(response.errorCode == "invalid_refresh_token")
        }
        #expect(try client.me(pair.access).status == 200)  // a failed refresh does not end the login
        #expect(try client.me(pair.refresh).status == 401)  // a refresh token is not a credential
    }

    @Test func logoutRevokesTheTokenAndClearsTheCookie() throws {
        let app = try TestApplication()
        defer { app.stop() }
        let client = try app.makeClient()
        try client.createUser("bye", password: "password1")
        let pair = try client.loginPair("bye", "password1")
        let response = try client.request("POST", "/api/v1/auth/logout", headers: bearer(pair.access))
        #expect(response.status == 204)
        let cookie = try #require(response.header("Set-Cookie"))
        #expect(cookie.hasPrefix("duradora_session=;"))
        #expect(cookie.contains("Max-Age=0"))
        #expect(try client.me(pair.access).status == 401)
        // Logging out ends the login: its refresh token is dead too.
        #expect(try client.postJSON("/api/v1/auth/refresh", #"{"refresh_token":"\#(pair.refresh)"}"#).status == 401)
        #expect(try client.request("POST", "/api/v1/auth/logout").status == 401)
    }

    @Test func meWithoutCredentialsIs401WithChallenge() throws {
        let app = try TestApplication()
        defer { app.stop() }
        let client = try app.makeClient()
        for headers in [[:], bearer("not-a-token"), ["Authorization": "Basic YWxhZGRpbjpvcGVu"]] {
            let response = try client.get("/api/v1/auth/me", headers: headers)
            #expect(response.status == 401)
            #expect(response.header("WWW-Authenticate") == "Bearer")
            #expect(response.errorCode == "unauthenticated")
        }
    }

    @Test func listUsersIsAdminOnlyAndPaged() throws {
        let fixture = try AdminFixture()
        defer { fixture.stop() }
        let client = fixture.client
        let user = try client.createUser("member1")
        for index in 2...5 { try client.createUser("member\(index)") }
        #expect(try client.get("/api/v1/users").status == 401)
        let forbidden = try client.get("/api/v1/users", headers: bearer(user.token))
        #expect(forbidden.status == 403)
        #expect(forbidden.errorCode == "admin_required")

        let page = try client.get("/api/v1/users?limit=2&offset=1", headers: bearer(fixture.admin))
        #expect(page.status == 200)
        let json = try page.json()
        #expect(json["total"] as? Int == 6)
        #expect(json["limit"] as? Int == 2)
        #expect(json["offset"] as? Int == 1)
        let items = try #require(json["items"] as? [[String: Any]])
        #expect(items.map { $0["username"] as? String } == ["member1", "member2"])
        #expect(items.allSatisfy { $0["password_hash"] == nil })

        let defaults = try client.get("/api/v1/users", headers: bearer(fixture.admin)).json()
        #expect(defaults["limit"] as? Int == 50)
        #expect(defaults["offset"] as? Int == 0)
        #expect(try client.get("/api/v1/users?limit=9999", headers: bearer(fixture.admin)).json()["limit"] as? Int == 500)
        let bad = try client.get("/api/v1/users?limit=ten", headers: bearer(fixture.admin))
        #expect(bad.status == 422)
        #expect(((try bad.json()["error"] as? [String: Any])?["message"] as? String)?.hasPrefix("limit") == true)
        #expect(try client.get("/api/v1/users?offset=-1", headers: bearer(fixture.admin)).status == 422)
    }

    @Test func showUserIsForAdminOrSelf() throws {
        let fixture = try AdminFixture()
        defer { fixture.stop() }
        let client = fixture.client
        let alice = try client.createUser("alice")
        let bob = try client.createUser("bob")
        #expect(try client.get("/api/v1/users/\(alice.id)").status == 401)
        let own = try client.get("/api/v1/users/\(alice.id)", headers: bearer(alice.token))
        #expect(own.status == 200)
        #expect(try own.json()["username"] as? String == "alice")
        #expect(try client.get("/api/v1/users/\(alice.id)", headers: bearer(fixture.admin)).status == 200)
        // Someone else's account is not visible: 404, not 403.
        #expect(try client.get("/api/v1/users/\(bob.id)", headers: bearer(alice.token)).status == 404)
        #expect(try client.get("/api/v1/users/\(UUID().uuidString.lowercased())", headers: bearer(fixture.admin)).status == 404)
        #expect(try client.get("/api/v1/users/not-a-uuid", headers: bearer(fixture.admin)).status == 404)
    }

    @Test func patchChangesOwnPasswordAndAdminChangesRole() throws {
        let fixture = try AdminFixture()
        defer { fixture.stop() }
        let client = fixture.client
        let user = try client.createUser("patchy", password: "password1")
        let changed = try client.patchJSON("/api/v1/users/\(user.id)", #"{"password":"password2"}"#, token: user.token)
        #expect(changed.status == 200)
        #expect(try changed.json()["username"] as? String == "patchy")
        #expect(try client.login("patchy", "password1").status == 401)
        #expect(try client.login("patchy", "password2").status == 200)

        let promoted = try client.patchJSON("/api/v1/users/\(user.id)", #"{"role":"admin"}"#, token: fixture.admin)
        #expect(promoted.status == 200)
        #expect(try promoted.json()["role"] as? String == "admin")
        #expect(try client.get("/api/v1/users", headers: bearer(user.token)).status == 200)  // takes effect at once

        // An admin sets roles, not other people's passwords.
        let other = try client.patchJSON("/api/v1/users/\(user.id)", #"{"password":"password3"}"#, token: fixture.admin)
        #expect(other.status == 403)
    }

    @Test func passwordChangeEndsOtherLoginsOnly() throws {
        let app = try TestApplication()
        defer { app.stop() }
        let client = try app.makeClient()
        let user = try client.createUser("leaky", password: "password1")
        let here = try client.loginPair("leaky", "password1")
        let elsewhere = try client.loginPair("leaky", "password1")
        let response = try client.patchJSON("/api/v1/users/\(user.id)", #"{"password":"password2"}"#, token: here.access)
        #expect(response.status == 200)
        #expect(try client.me(here.access).status == 200)
        #expect(try client.postJSON("/api/v1/auth/refresh", #"{"refresh_token":"\#(here.refresh)"}"#).status == 200)
        #expect(try client.me(elsewhere.access).status == 401)
        #expect(try client.postJSON("/api/v1/auth/refresh", #"{"refresh_token":"\#(elsewhere.refresh)"}"#).status == 401)
        #expect(try client.me(user.token).status == 200)  // API tokens are separate credentials
    }

    @Test func deleteUserRemovesAccountAndTokens() throws {
        let fixture = try AdminFixture()
        defer { fixture.stop() }
        let client = fixture.client
        let gone = try client.createUser("gone", password: "password1")
        let pair = try client.loginPair("gone", "password1")
        let other = try client.createUser("other")
        #expect(try client.delete("/api/v1/users/\(other.id)", token: gone.token).status == 404)
        #expect(try client.delete("/api/v1/users/\(gone.id)", token: fixture.admin).status == 204)
        #expect(try client.me(gone.token).status == 401)
        #expect(try client.me(pair.access).status == 401)
        #expect(try client.postJSON("/api/v1/auth/refresh", #"{"refresh_token":"\#(pair.refresh)"}"#).status == 401)
        #expect(try client.get("/api/v1/users/\(gone.id)", headers: bearer(fixture.admin)).status == 404)
        #expect(try client.delete("/api/v1/users/\(gone.id)", token: fixture.admin).status == 404)

        // Users may delete themselves.
        let own = try client.delete("/api/v1/users/\(other.id)", token: other.token)
        #expect(own.status == 204)
        #expect(own.header("Set-Cookie")?.hasPrefix("duradora_session=;") == true)
        #expect(try client.me(other.token).status == 401)
    }
}
