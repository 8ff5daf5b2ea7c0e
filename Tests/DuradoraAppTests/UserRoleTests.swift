import Foundation
import Testing
@testable import DuradoraApp
import DuradoraTestSupport

/// Roles: who may raise whom, and the server never losing its last admin.
@Suite struct UserRoleTests {
    @Test func userCannotRaiseOwnRole() throws {
        let fixture = try AdminFixture()
        defer { fixture.stop() }
        let client = fixture.client
        let user = try client.createUser("climber")
        let response = try client.patchJSON("/api/v1/users/\(user.id)", #"{"role":"admin"}"#, token: user.token)
        #expect(response.status == 403)
        #expect(response.errorCode == "forbidden")
        #expect(try client.me(user.token).json()["role"] as? String == "user")
        // Setting the role one already has changes nothing and is allowed.
        #expect(try client.patchJSON("/api/v1/users/\(user.id)", #"{"role":"user"}"#, token: user.token).status == 200)
    }

    @Test func userCannotTouchSomeoneElse() throws {
        let fixture = try AdminFixture()
        defer { fixture.stop() }
        let client = fixture.client
        let user = try client.createUser("nosy")
        let response = try client.patchJSON("/api/v1/users/\(fixture.adminID)", #"{"role":"user"}"#, token: user.token)
        #expect(response.status == 404)
        #expect(try client.me(fixture.admin).json()["role"] as? String == "admin")
    }

    @Test func lastAdminCannotBeDemotedOrDeleted() throws {
        let fixture = try AdminFixture()
        defer { fixture.stop() }
        let client = fixture.client
        let demote = try client.patchJSON("/api/v1/users/\(fixture.adminID)", #"{"role":"user"}"#, token: fixture.admin)
        #expect(demote.status == 409)
        #expect(demote.errorCode == "last_admin")
        let delete = try client.delete("/api/v1/users/\(fixture.adminID)", token: fixture.admin)
        #expect(delete.status == 409)
        #expect(delete.errorCode == "last_admin")
        #expect(try client.me(fixture.admin).json()["role"] as? String == "admin")
    }

    @Test func adminMayStepDownWhenAnotherAdminRemains() throws {
        let fixture = try AdminFixture()
        defer { fixture.stop() }
        let client = fixture.client
        let second = try client.createUser("deputy")
        #expect(try client.patchJSON("/api/v1/users/\(second.id)", #"{"role":"admin"}"#, token: fixture.admin).status == 200)
        let stepDown = try client.patchJSON("/api/v1/users/\(fixture.adminID)", #"{"role":"user"}"#, token: fixture.admin)
        #expect(stepDown.status == 200)
        #expect(try stepDown.json()["role"] as? String == "user")
        // Now the deputy is the last admin.
        #expect(try client.delete("/api/v1/users/\(second.id)", token: second.token).status == 409)
        #expect(try client.delete("/api/v1/users/\(fixture.adminID)", token: second.token).status == 204)
    }

    @Test func invalidRoleIs422NamingTheField() throws {
        let fixture = try AdminFixture()
        defer { fixture.stop() }
        let user = try fixture.client.createUser("roleless")
        let response = try fixture.client.patchJSON("/api/v1/users/\(user.id)", #"{"role":"superuser"}"#, token: fixture.admin)
        #expect(response.status == 422)
        #expect(((try response.json()["error"] as? [String: Any])?["message"] as? String)?.hasPrefix("role") == true)
    }

    @Test func bootstrapAdminIsCreatedOnceAndOnlyWithoutAnAdmin() throws {
        let fixture = try AdminFixture()
        defer { fixture.stop() }
        let me = try fixture.client.me(fixture.admin).json()
        #expect(me["username"] as? String == "root")
        #expect(me["role"] as? String == "admin")
        #expect(fixture.app.log.contains { $0.contains("created bootstrap admin") })
        #expect(!fixture.app.log.contains { $0.contains(AdminFixture.password) })

        // A second start on the same database: there is an admin, nothing changes.
        var configuration = fixture.app.application.configuration
        configuration.auth.bootstrapAdmin = .init(username: "another", password: "password1")
        let users = try UserController.make(configuration: configuration, database: fixture.app.application.database)
        #expect(try users.bootstrapAdmin(username: "another", password: "password1") == .adminExists)
        #expect(try fixture.client.login("another", "password1").status == 401)
    }

    @Test func bootstrapDoesNotPromoteAnExistingUser() throws {
        let app = try TestApplication()
        defer { app.stop() }
        try app.makeClient().createUser("squatter", password: "password1")
        let outcome = try app.application.users.bootstrapAdmin(username: "SQUATTER", password: "password2")
        #expect(outcome == .usernameTaken)
        let client = try app.makeClient()
        let token = try client.loginPair("squatter", "password1").access
        #expect(try client.me(token).json()["role"] as? String == "user")
    }

    @Test func invalidBootstrapAdminIsAConfigurationError() throws {
        #expect(throws: ConfigurationError.self) {
            try TestApplication { $0.auth.bootstrapAdmin = .init(username: "root", password: "short") }
        }
        #expect(throws: ConfigurationError.self) {
            try TestApplication { $0.auth.bootstrapAdmin = .init(username: "the root", password: "password1") }
        }
    }
}
