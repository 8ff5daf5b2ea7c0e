import Foundation
import Testing
import DuradoraApp
import DuradoraTestSupport

/// Bad input: the precise status and JSON error, and nothing left behind.
@Suite struct UserInputTests {
    private func userCount(_ app: TestApplication) throws -> Int {
        try app.application.database.read { try $0.users.count() }
    }

    private func message(_ response: TestResponse) -> String {
        ((try? response.json())?["error"] as? [String: Any])?["message"] as? String ?? ""
    }

    @Test(arguments: [
        ("", "username"), (String(repeating: "a", count: 65), "username"), ("has space", "username"),
        ("ünïcode", "username"), ("semi;colon", "username"), ("slash/name", "username"),
    ])
    func invalidUsernamesAre422(username: String, field: String) throws {
        let app = try TestApplication()
        defer { app.stop() }
        let body = try JSONSerialization.data(withJSONObject: ["username": username, "password": "password1"])
        let response = try app.makeClient().postJSON("/api/v1/auth/register", String(decoding: body, as: UTF8.self))
        #expect(response.status == 422)
        #expect(response.errorCode == "invalid_field")
        #expect(message(response).hasPrefix(field))
        #expect(try userCount(app) == 0)
    }

    @Test func usernameEdgesAreAccepted() throws {
        let app = try TestApplication()
        defer { app.stop() }
        let client = try app.makeClient()
        try client.createUser("a")
        try client.createUser(String(repeating: "z", count: 64))
        try client.createUser("A.b_c-9")
    }

    @Test(arguments: ["short", String(repeating: "p", count: 1025)])
    func passwordLengthIsChecked(password: String) throws {
        let app = try TestApplication()
        defer { app.stop() }
        let response = try app.makeClient().postJSON(
            "/api/v1/auth/register", #"{"username":"pw","password":"\#(password)"}"#)
        #expect(response.status == 422)
        #expect(message(response).hasPrefix("password"))
        #expect(try userCount(app) == 0)
    }

    @Test func passwordLimitsCountBytes() throws {
        let app = try TestApplication()
        defer { app.stop() }
        let client = try app.makeClient()
        // Four two-byte characters are 8 bytes: long enough. 1024 bytes is the most.
        #expect(try client.postJSON("/api/v1/auth/register", #"{"username":"u1","password":"éééé"}"#).status == 201)
        let longest = String(repeating: "p", count: 1024)
        #expect(try client.postJSON("/api/v1/auth/register", #"{"username":"u2","password":"\#(longest)"}"#).status == 201)
    }

    @Test func usernamesAreUniqueIgnoringCase() throws {
        let app = try TestApplication()
        defer { app.stop() }
        let client = try app.makeClient()
        try client.createUser("Taken")
        for body in [#"{"username":"taken"}"#, #"{"username":"TAKEN","password":"password1"}"#] {
            let response = try client.postJSON("/api/v1/users", body)
            #expect(response.status == 409)
            #expect(response.errorCode == "username_taken")
        }
        #expect(try client.postJSON("/api/v1/auth/register", #"{"username":"tAkEn","password":"password1"}"#).status == 409)
        #expect(try userCount(app) == 1)
    }

    @Test(arguments: [#"{"username":"x""#, "not json", #"{"username":"x"} trailing"#, "\u{FF}\u{FE}"])
    func malformedJSONIs400(body: String) throws {
        let app = try TestApplication()
        defer { app.stop() }
        let response = try app.makeClient().postJSON("/api/v1/auth/register", body)
        #expect(response.status == 400)
        #expect(response.errorCode == "malformed_json")
        #expect(try userCount(app) == 0)
    }

    @Test func nonObjectBodyIs400() throws {
        let app = try TestApplication()
        defer { app.stop() }
        let response = try app.makeClient().postJSON("/api/v1/auth/login", #"["username","password"]"#)
        #expect(response.status == 400)
        #expect(response.errorCode == "bad_request")
    }

    @Test func emptyBodyIs400() throws {
        let app = try TestApplication()
        defer { app.stop() }
        let response = try app.makeClient().postJSON("/api/v1/auth/login", "")
        #expect(response.status == 400)
        #expect(response.errorCode == "malformed_json")
    }

    @Test(arguments: [
        (#"{"username":5,"password":"password1"}"#, "username"),
        (#"{"username":"typed","password":12345678}"#, "password"),
        (#"{"username":["a"],"password":"password1"}"#, "username"),
        (#"{"username":"typed","password":true}"#, "password"),
        (#"{"password":"password1"}"#, "username"),
    ])
    func wrongTypesAre422NamingTheField(body: String, field: String) throws {
        let app = try TestApplication()
        defer { app.stop() }
        let response = try app.makeClient().postJSON("/api/v1/auth/register", body)
        #expect(response.status == 422)
        #expect(response.errorCode == "invalid_field")
        #expect(message(response).hasPrefix(field))
        #expect(try userCount(app) == 0)
    }

    @Test func oversizeBodyIs413AndLeavesNoRow() throws {
        let app = try TestApplication()
        defer { app.stop() }
        let padding = String(repeating: " ", count: 70_000)
        let response = try app.makeClient().postJSON("/api/v1/users", #"{"username":"big"\#(padding)}"#)
        #expect(response.status == 413)
        #expect(response.errorCode == "body_too_large")
        #expect(try userCount(app) == 0)
    }

    @Test func formBodyIsReadLikeJSON() throws {
        let app = try TestApplication()
        defer { app.stop() }
        let response = try app.makeClient().request(
            "POST", "/api/v1/auth/register", headers: ["Content-Type": "application/x-www-form-urlencoded"],
            body: Array("username=formed&password=pass%20word".utf8))
        #expect(response.status == 201)
        #expect(try app.makeClient().login("formed", "pass word").status == 200)
    }

    @Test func concurrentRegistrationsOfOneNameHaveExactlyOneWinner() throws {
        let app = try TestApplication()
        defer { app.stop() }
        let statuses = StatusList()
        DispatchQueue.concurrentPerform(iterations: 12) { index in
            let name = index.isMultiple(of: 2) ? "racer" : "RACER"
            let status = (try? app.makeClient().postJSON(
                "/api/v1/auth/register", #"{"username":"\#(name)","password":"password1"}"#).status) ?? -1
            statuses.append(status)
        }
        #expect(statuses.values.filter { $0 == 201 }.count == 1)
        #expect(statuses.values.filter { $0 == 409 }.count == 11)
        #expect(try userCount(app) == 1)
    }
}

private final class StatusList: @unchecked Sendable {
    private let lock = NSLock()
    private var list: [Int] = []
    func append(_ value: Int) { lock.withLock { list.append(value) } }
    var values: [Int] { lock.withLock { list } }
}
