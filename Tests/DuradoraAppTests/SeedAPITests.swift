import Foundation
import Testing
import DuradoraApp
import DuradoraTestSupport

/// The seed-style user endpoints of the contract's compatibility table, over real sockets.
@Suite struct SeedAPITests {
    @Test func postUserReturnsUserIDAndTokenThatAuthenticates() throws {
        let app = try TestApplication()
        defer { app.stop() }
        let client = try app.makeClient()
        let response = try client.postJSON("/user", #"{"username":"seedy"}"#)
        #expect(response.status == 201)
        #expect(response.header("Content-Type") == "application/json; charset=utf-8")
        let json = try response.json()
        let id = try #require(json["user_id"] as? String)
        let token = try #require(json["token"] as? String)
        #expect(UUID(uuidString: id) != nil && id == id.lowercased())
        #expect(UUID(uuidString: token) != nil)
        #expect(json["user_token"] as? String == token)
        #expect(json["access_token"] as? String == token)
        let me = try client.me(token)
        #expect(me.status == 200)
        #expect(try me.json()["id"] as? String == id)
        #expect(try me.json()["username"] as? String == "seedy")
    }

    @Test func createUserFromQueryWithAndWithoutTrailingSlash() throws {
        let app = try TestApplication()
        defer { app.stop() }
        let client = try app.makeClient()
        let slash = try client.request("POST", "/create-user/?user_name=first")
        #expect(slash.status == 201)
        let token = try #require(try slash.json()["token"] as? String)
        #expect(try client.me(token).json()["username"] as? String == "first")
        #expect(try client.request("POST", "/create-user?user_name=second").status == 201)
        // The same field in a form body, as `curl -d user_name=…` sends it.
        let form = try client.request("POST", "/create-user/", headers: ["Content-Type": "application/x-www-form-urlencoded"],
                                      body: Array("user_name=third".utf8))
        #expect(form.status == 201)
    }

    @Test func missingOrInvalidUsernameIs422NamingTheField() throws {
        let app = try TestApplication()
        defer { app.stop() }
        let client = try app.makeClient()
        let missing = try client.request("POST", "/create-user/")
        #expect(missing.status == 422)
        #expect(missing.errorCode == "invalid_field")
        #expect(missing.text.contains("user_name"))
        let empty = try client.postJSON("/user", "{}")
        #expect(empty.status == 422)
        #expect(empty.text.contains("username"))
        #expect(try client.postJSON("/user", #"{"username":"no spaces"}"#).status == 422)
        #expect(try client.postJSON("/user", #"{"username":"#).status == 400)
    }

    @Test func takenUsernameIs409WhicheverEndpointCreatedIt() throws {
        let app = try TestApplication()
        defer { app.stop() }
        let client = try app.makeClient()
        #expect(try client.postJSON("/user", #"{"username":"Twin"}"#).status == 201)
        let again = try client.request("POST", "/create-user/?user_name=twin")
        #expect(again.status == 409)
        #expect(again.errorCode == "username_taken")
        #expect(try client.postJSON("/api/v1/users", #"{"username":"TWIN"}"#).status == 409)
    }

    @Test func closedRegistrationAppliesToSeedEndpointsToo() throws {
        let fixture = try AdminFixture { $0.auth.openRegistration = false }
        defer { fixture.stop() }
        let anonymous = try fixture.client.postJSON("/user", #"{"username":"outsider"}"#)
        #expect(anonymous.status == 401)
        let byAdmin = try fixture.client.request("POST", "/create-user/?user_name=insider", headers: bearer(fixture.admin))
        #expect(byAdmin.status == 201)
    }

    @Test func getOnSeedPathIs405WithAllow() throws {
        let app = try TestApplication()
        defer { app.stop() }
        let response = try app.makeClient().get("/user")
        #expect(response.status == 405)
        #expect(response.header("Allow")?.contains("POST") == true)
    }
}
