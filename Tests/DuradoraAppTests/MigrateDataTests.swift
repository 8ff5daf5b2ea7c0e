import DuradoraTestSupport
import Foundation
import Testing
@testable import DuradoraApp

/// `duradora migrate-data --to postgresql://…`: an installation used on SQLite — users, tracks, a playlist, a
/// favourite, a play, an app password — copied into a fresh PostgreSQL database, then served from there: the same
/// logins, the same lists, and new rows continue where the copied ones end. A second run inserts nothing and
/// prints the same checksums.
@Suite(.serialized) struct MigrateDataTests {
    @Test func anInstallationMovesFromSQLiteToPostgreSQL() throws {
        let data = try TemporaryDirectory()
        defer { data.remove() }
        func configure(_ config: inout Configuration) {
            config.storage.database = data.path("duradora.sqlite3")
            config.storage.uploads = data.path("uploads")
            config.auth.secretKeyFile = data.path("secret.key")
        }
        let sqlite = try AdminFixture(configure: configure)
        let client = sqlite.client
        let ana = try client.createUser("ana", password: "ana-password")
        let scratch = try AudioScratch()
        let upload = try client.uploadMultipart(
            token: ana.token, fields: [("title", "Ana's song"), ("album", "First"), ("artist", "Ana")],
            file: ("a.wav", try scratch.tone("a.wav")))
        let track = try upload.json()["id"] as? String ?? ""
        let adminTrack = try client.createEmptyTrack(token: sqlite.admin, query: "title=Second&album=Other&artist=Root")
        let playlist = try client.postJSON("/api/v1/playlists", #"{"name":"Mix","visibility":"private"}"#,
                                           headers: bearer(ana.token)).json()["id"] as? String ?? ""
        _ = try client.postJSON("/api/v1/playlists/\(playlist)/tracks", #"{"track_id":"\#(track)"}"#, headers: bearer(ana.token))
        #expect(try client.request("PUT", "/api/v1/me/favorites/tracks/\(track)", headers: bearer(ana.token)).status == 204)
        _ = try client.request("POST", "/api/v1/tracks/\(track)/plays", headers: bearer(ana.token))
        let appPassword = try client.postJSON("/api/v1/auth/app-passwords", #"{"name":"phone"}"#, headers: bearer(ana.token))
            .json()["password"] as? String ?? ""
        func snapshot(_ fixture: AdminFixture, _ token: String) throws -> [String] {
            let tracks = try fixture.client.get("/api/v1/tracks?limit=100", headers: bearer(token)).json()["items"] as? [[String: Any]] ?? []
            let favorites = try fixture.client.get("/api/v1/me/favorites", headers: bearer(token)).text
            let entries = try fixture.client.get("/api/v1/playlists/\(playlist)", headers: bearer(token)).text
            return tracks.map { "\($0["id"] ?? "") \($0["title"] ?? "") \($0["album_id"] ?? "") \($0["play_count"] ?? "")" }
                + [favorites, entries].map { $0.replacingOccurrences(of: ":\(fixture.app.port)", with: "") }
        }
        let before = try snapshot(sqlite, ana.token)
        #expect(before.count == 4)
        sqlite.stop()

        let target = try TestPostgres.start().makeDatabase()
        let run = try Maintenance.migrateDatabase(from: data.path("duradora.sqlite3"), to: target)
        let rows = Dictionary(uniqueKeysWithValues: run.tables.map { ($0.name, $0.rows) })
        #expect(rows["users"] == 2 && rows["tracks"] == 2 && rows["playlist_entries"] == 1 && rows["track_stars"] == 1,
                "\(run.summary)")
        #expect(run.tables.allSatisfy { $0.inserted == $0.rows })
        let again = try Maintenance.migrateDatabase(from: data.path("duradora.sqlite3"), to: target)
        #expect(again.tables.allSatisfy { $0.inserted == 0 } && again.tables.map(\.digest) == run.tables.map(\.digest))
        let refused = #expect(throws: MaintenanceError.self) {
            try Maintenance.migrateDatabase(from: data.path("duradora.sqlite3"), to: "mysql://somewhere/db")
        }
        #expect(refused?.message.contains("postgresql://") == true)

        let postgres = try AdminFixture { config in
            configure(&config)
            config.storage.database = target
        }
        defer { postgres.stop() }
        let anaAgain = try postgres.client.loginPair("ana", "ana-password").access
        let after = try snapshot(postgres, anaAgain)
        #expect(after == before, "\(after)\n\(before)")
        // The stored audio is where it was, the app password still opens Subsonic, and new rows get new ids.
        #expect(try postgres.client.get("/api/v1/tracks/\(track)/stream", headers: bearer(anaAgain)).status == 200)
        let ping = try postgres.client.get("/rest/ping?u=ana&p=\(appPassword)&v=1.16.1&c=test&f=json").text
        #expect(ping.contains(#""status":"ok""#), "\(ping)")
        let third = try postgres.client.createEmptyTrack(token: postgres.admin, query: "title=Third")
        let newest = try postgres.client.get("/api/v1/tracks?limit=1", headers: bearer(postgres.admin)).json()["items"]
            as? [[String: Any]]
        #expect(newest?.first?["id"] as? String == third && third != adminTrack)
    }
}
