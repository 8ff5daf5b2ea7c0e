import DuradoraApp
import DuradoraTestSupport
import Foundation
import Testing

/// `/api/v1/auth/app-passwords`: made, shown once, listed without the secret, sealed at rest, revoked at once.
@Suite struct AppPasswordTests {
    @Test(arguments: Backend.allCases) func createShowsThePasswordOnceAndTheListNever(_ backend: Backend) throws {
        let fixture = try AdminFixture(backend: backend)
        defer { fixture.stop() }
        let client = fixture.client
        let created = try client.postJSON("/api/v1/auth/app-passwords", #"{"name":"DSub"}"#, headers: bearer(fixture.admin))
        #expect(created.status == 201)
        #expect(created.header("Cache-Control") == "no-store")
        let json = try created.json()
        let password = try #require(json["password"] as? String)
        #expect(password.count >= 20)
        #expect(json["name"] as? String == "DSub")
        let list = try client.get("/api/v1/auth/app-passwords", headers: bearer(fixture.admin))
        #expect(list.status == 200)
        let items = try #require(try list.json()["items"] as? [[String: Any]])
        #expect(items.count == 1)
        #expect(items.first?["id"] as? String == json["id"] as? String)
        #expect(items.first?["password"] == nil)
        #expect(!list.text.contains(password))
    }

    @Test(arguments: Backend.allCases) func nameIsRequiredAndAnonymousCallersAreRefused(_ backend: Backend) throws {
        let fixture = try AdminFixture(backend: backend)
        defer { fixture.stop() }
        let client = fixture.client
        #expect(try client.postJSON("/api/v1/auth/app-passwords", #"{"name":"x"}"#).status == 401)
        let empty = try client.postJSON("/api/v1/auth/app-passwords", #"{"name":"  "}"#, headers: bearer(fixture.admin))
        #expect(empty.status == 422)
        #expect(try client.get("/api/v1/auth/app-passwords").status == 401)
    }

    @Test(arguments: Backend.allCases) func passwordIsSealedAtRestUnderAKeyFileOnlyTheServerReads(_ backend: Backend) throws {
        let fixture = try AdminFixture(backend: backend)
        defer { fixture.stop() }
        let password = try fixture.client.makeAppPassword(token: fixture.admin).password
        let keyPath = fixture.app.application.configuration.auth.secretKeyFile
        let attributes = try FileManager.default.attributesOfItem(atPath: keyPath)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        #expect((attributes[.size] as? NSNumber)?.intValue == 32)
        // Neither the database file nor its write-ahead log holds the password in clear.
        let database = fixture.app.application.configuration.storage.database
        for path in [database, database + "-wal"] where FileManager.default.fileExists(atPath: path) {
            let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
            #expect(bytes.range(of: Data(password.utf8)) == nil, "\(path) holds the password")
        }
        #expect(!fixture.app.log.joined().contains(password))
    }

    @Test(arguments: Backend.allCases) func revokedPasswordFailsOnTheNextRequestEvenWhenCached(_ backend: Backend) throws {
        let fixture = try AdminFixture(backend: backend)
        defer { fixture.stop() }
        let client = fixture.client
        let (id, password) = try client.makeAppPassword(token: fixture.admin)
        let auth = [("u", "root"), ("p", password)]
        // Twice: the second answer comes from the cache.
        for _ in 0..<2 { #expect(try client.subsonicJSON("ping", auth)["status"] as? String == "ok") }
        for (method, params) in [("ping", auth), ("ping", Subsonic.token("root", password)), ("ping", [("apiKey", password)])] {
            #expect(try client.subsonicJSON(method, params)["status"] as? String == "ok")
        }
        #expect(try client.delete("/api/v1/auth/app-passwords/\(id)", token: fixture.admin).status == 204)
        #expect(Subsonic.error(try client.subsonicJSON("ping", auth)) == 40)
        #expect(Subsonic.error(try client.subsonicJSON("ping", Subsonic.token("root", password))) == 40)
        #expect(Subsonic.error(try client.subsonicJSON("ping", [("apiKey", password)])) == 44)
        #expect(try client.delete("/api/v1/auth/app-passwords/\(id)", token: fixture.admin).status == 404)
    }

    @Test(arguments: Backend.allCases) func anotherUsersAppPasswordCannotBeRevoked(_ backend: Backend) throws {
        let fixture = try AdminFixture(backend: backend)
        defer { fixture.stop() }
        let client = fixture.client
        let (id, password) = try client.makeAppPassword(token: fixture.admin)
        let bob = try client.createUser("bob")
        #expect(try client.delete("/api/v1/auth/app-passwords/\(id)", token: bob.token).status == 404)
        #expect(try client.subsonicJSON("ping", [("u", "root"), ("p", password)])["status"] as? String == "ok")
    }

    @Test func keyFileSurvivesARestartSoPasswordsKeepWorking() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("duradora-key-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        func start() throws -> TestApplication {
            try TestApplication { config in
                config.storage = .init(baseDirectory: directory.path)
                config.auth.secretKeyFile = directory.appendingPathComponent("keys/secret.key").path
                config.auth.bootstrapAdmin = .init(username: "root", password: AdminFixture.password)
            }
        }
        let first = try start()
        let client = try first.makeClient()
        let token = try client.loginPair("root", AdminFixture.password).access
        let password = try client.makeAppPassword(token: token).password
        first.stop()
        let second = try start()
        defer { second.stop() }
        let response = try second.makeClient().subsonicJSON("ping", [("u", "root"), ("p", password)])
        #expect(response["status"] as? String == "ok")
    }
}
