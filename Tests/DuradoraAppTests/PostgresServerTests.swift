import DuradoraApp
import DuradoraTestSupport
import Foundation
import Testing

/// The real server on PostgreSQL (`storage.database = "postgresql://…"`), over its sockets.
@Suite struct PostgresServerTests {
    @Test func registerLoginUploadListAndPlaylistOnPostgreSQL() throws {
        let url = try TestPostgres.start().makeDatabase()
        let app = try TestApplication { $0.storage.database = url }
        defer { app.stop() }
        #expect(app.application.database is PostgresDatabase)
        let client = try app.makeClient()

        let registered = try client.postJSON("/api/v1/auth/register", #"{"username":"Grace","password":"hopper1906"}"#)
        #expect(registered.status == 201, "\(registered.text)")
        #expect(try client.postJSON("/api/v1/auth/register", #"{"username":"GRACE","password":"hopper1906"}"#).status == 409)
        let token = try client.loginPair("grace", "hopper1906").access
        #expect(try client.me(token).json()["username"] as? String == "Grace")

        let scratch = try AudioScratch()
        let bytes = try scratch.mp3("song.mp3", seconds: 1, tag: ID3Tag(title: "Amazing Grace", artist: "Hopper"))
        let upload = try client.uploadRaw(token: token, bytes: bytes, contentType: "audio/mpeg", query: "visibility=public")
        #expect(upload.status == 201, "\(upload.text)")
        let trackID = try upload.json()["id"] as? String ?? ""

        let listed = try client.getJSON("/api/v1/tracks?q=amaz")
        #expect((listed["items"] as? [[String: Any]])?.compactMap { $0["id"] as? String } == [trackID])
        #expect(listed["total"] as? Int == 1)
        #expect(try client.items("/api/v1/artists").strings("name") == ["Hopper"])
        let stream = try client.get("/api/v1/tracks/\(trackID)/stream")
        #expect(stream.status == 200)
        #expect(!stream.body.isEmpty)

        let playlist = try client.playlistID(token: token, name: "Hymns", visibility: "public")
        try client.addedEntry(playlist, track: trackID, token: token)
        try client.addedEntry(playlist, track: trackID, position: 0, token: token)
        let shown = try client.playlist(playlist).json()
        #expect(PlaylistJSON.trackIDs(shown) == [trackID, trackID])
        #expect(try client.delete("/api/v1/tracks/\(trackID)", token: token).status == 204)
        #expect(PlaylistJSON.trackIDs(try client.playlist(playlist).json()) == [])
    }

    /// While PostgreSQL is down a request that needs it gets 503 with `Retry-After` (and counts as a database
    /// error); once it is back, the next request succeeds.
    @Test func aDatabaseOutageAnswers503AndTheServerRecovers() throws {
        let server = try TestPostgres()
        defer { server.stop() }
        _ = try server.query("CREATE DATABASE outage")
        let app = try TestApplication { $0.storage.database = server.url(database: "outage") }
        defer { app.stop() }
        let client = try app.makeClient()
        let user = try client.createUser("ada")
        #expect(try client.me(user.token).status == 200)

        server.stopServer()
        let down = try client.get("/api/v1/tracks", headers: bearer(user.token))
        #expect(down.status == 503, "\(down.text)")
        #expect(down.header("Retry-After") == "1")
        #expect(try client.get("/api/v1/tracks").status == 503)
        let scrape = try PrometheusText(try client.get("/metrics").text)
        #expect(scrape.value("duradora_database_errors_total") == 2)

        try server.startAgain()
        #expect(try client.get("/api/v1/tracks", headers: bearer(user.token)).status == 200)
        #expect(try client.me(user.token).status == 200)
    }
}
