import DuradoraTestSupport
import Foundation
import Testing
@testable import DuradoraApp

/// The earlier music API (`/track`, `/stream`, `/register`, `/login`, `/set_rights`, `/playlist…`) over real
/// sockets, call for call as its clients make them: parameters as a form, as JSON and in the query.
@Suite struct MusicAPITests {
    static let form = ["Content-Type": "application/x-www-form-urlencoded"]

    static func post(_ client: TestClient, _ target: String, form body: String, token: String? = nil) throws -> TestResponse {
        var headers = form
        if let token { headers.merge(bearer(token)) { $1 } }
        return try client.request("POST", target, headers: headers, body: Array(body.utf8))
    }

    static func post(_ client: TestClient, _ target: String, json body: String, token: String? = nil) throws -> TestResponse {
        try client.postJSON(target, body, headers: token.map(bearer) ?? [:])
    }

    /// `{"status":"success", …}` with 200, or a failed expectation showing the answer.
    @discardableResult
    static func success(_ response: TestResponse, sourceLocation: SourceLocation = #_sourceLocation) throws -> [String: Any] {
        #expect(response.status == 200, "\(response.text)", sourceLocation: sourceLocation)
        let json = try response.json()
        #expect(json["status"] as? String == "success", "\(response.text)", sourceLocation: sourceLocation)
        return json
    }

    /// Registers `name` (form, `login`) and logs in (JSON) → token.
    static func account(_ client: TestClient, _ name: String) throws -> String {
        try success(post(client, "/register", form: "login=\(name)&password=\(name)-password"))
        let login = try success(post(client, "/login", json: #"{"login":"\#(name)","password":"\#(name)-password"}"#))
        return try #require(login["token"] as? String)
    }

    @Test func documentedFlowCallForCall() throws {
        let app = try TestApplication()
        defer { app.stop() }
        let client = try app.makeClient()
        let token = try Self.account(client, "alice")
        #expect(try client.me(token).json()["username"] as? String == "alice")
        // `username` instead of `login`, in the query.
        try Self.success(client.request("POST", "/register?username=bob&password=bob-password"))
        #expect(try Self.success(client.request("POST", "/login?username=bob&password=bob-password"))["token"] is String)

        // A track with its file and metadata in one multipart upload.
        let scratch = try AudioScratch()
        let wav = try scratch.tone("song.wav", seconds: 0.5)
        let created = try Self.success(client.uploadMultipart(
            token: token, fields: [("title", "First"), ("visibility", "public")], file: ("song.wav", wav), target: "/track"))
        let songID = try #require(created["id"] as? String)
        let shown = try client.get("/track?id=\(songID)").json()
        #expect(shown["title"] as? String == "First")
        #expect(shown["status"] as? String == "ready")

        // Metadata only, in the query; then the file for it; then metadata as a form.
        let empty = try Self.success(client.request("POST", "/track?title=Later&artist=Me", headers: bearer(token)))
        let laterID = try #require(empty["id"] as? String)
        #expect(try client.get("/track?id=\(laterID)", headers: bearer(token)).json()["status"] as? String == "empty")
        try Self.success(client.uploadMultipart(token: token, file: ("later.wav", wav), target: "/track?id=\(laterID)"))
        try Self.success(Self.post(client, "/track?id=\(laterID)", form: "album=Sessions&year=2001", token: token))
        let later = try client.get("/track?id=\(laterID)", headers: bearer(token)).json()
        #expect(later["status"] as? String == "ready")
        #expect(later["title"] as? String == "Later" && later["artist"] as? String == "Me")
        #expect(later["album"] as? String == "Sessions" && later["year"] as? Int == 2001)

        // Streaming with Range, as everywhere.
        let whole = try client.get("/stream?id=\(songID)")
        #expect(whole.status == 200)
        #expect(whole.header("Content-Type") == "audio/mpeg")
        let part = try client.get("/stream?id=\(songID)", headers: ["Range": "bytes=0-99"])
        #expect(part.status == 206)
        #expect(part.body == Array(whole.body.prefix(100)))

        // Playlists: create (JSON), add twice (form), remove the first entry (query), read, list, search.
        let playlist = try Self.success(Self.post(client, "/playlist", json: #"{"name":"Road Mix","visibility":"public"}"#,
                                                  token: token))
        let playlistID = try #require(playlist["id"] as? String)
        try Self.success(Self.post(client, "/playlist/add_song?id=\(songID)", form: "playlist_id=\(playlistID)", token: token))
        try Self.success(Self.post(client, "/playlist/add_song?id=\(laterID)", json: #"{"playlist_id":"\#(playlistID)"}"#,
                                   token: token))
        try Self.success(Self.post(client, "/playlist/add_song?id=\(songID)", form: "playlist_id=\(playlistID)", token: token))
        try Self.success(client.request("POST", "/playlist/remove_song?id=\(songID)&playlist_id=\(playlistID)",
                                        headers: bearer(token)))
        let read = try client.get("/playlist?id=\(playlistID)").json()
        #expect(read["name"] as? String == "Road Mix")
        let entries = try #require(read["tracks"] as? [[String: Any]])
        let order = entries.compactMap { ($0["track"] as? [String: Any])?["id"] as? String }
        #expect(order == [laterID, songID])  // the first of the two entries of `songID` went
        let theirs = try client.get("/user/playlists?username=alice").json()
        #expect(theirs["total"] as? Int == 1)
        let found = try client.get("/playlist/search?search_string=road").json()
        #expect((found["items"] as? [[String: Any]])?.first?["id"] as? String == playlistID)
        #expect(try client.get("/playlist/search?search_string=nothing").json()["total"] as? Int == 0)
    }

    @Test func setRightsIsForAdminsAndChangesTheRole() throws {
        let fixture = try AdminFixture()
        defer { fixture.stop() }
        let client = fixture.client
        let token = try Self.account(client, "carol")
        let refused = try Self.post(client, "/set_rights", form: "username=carol&rights=admin", token: token)
        #expect(refused.status == 403)
        #expect(refused.errorCode != nil)
        #expect(try Self.post(client, "/set_rights", form: "username=carol&rights=admin").status == 401)
        try Self.success(Self.post(client, "/set_rights", json: #"{"username":"carol","rights":"admin"}"#, token: fixture.admin))
        #expect(try client.me(token).json()["role"] as? String == "admin")
        let bad = try Self.post(client, "/set_rights", form: "username=carol&rights=god", token: fixture.admin)
        #expect(bad.status == 422)
        #expect(bad.text.contains("rights"))
        #expect(try Self.post(client, "/set_rights", form: "username=nobody&rights=user", token: fixture.admin).status == 404)
    }

    @Test func badInputGetsItsStatusAndLeavesNothingBehind() throws {
        let app = try TestApplication()
        defer { app.stop() }
        let client = try app.makeClient()
        let usersBefore = try app.application.database.read { try $0.users.count() }
        let missing = try Self.post(client, "/register", form: "login=dave")
        #expect(missing.status == 422)
        #expect(missing.errorCode == "invalid_field" && missing.text.contains("password"))
        #expect(try Self.post(client, "/register", form: "login=has space&password=long-enough").status == 422)
        #expect(try Self.post(client, "/register", json: #"{"login":"#).status == 400)
        #expect(try app.application.database.read { try $0.users.count() } == usersBefore)

        let token = try Self.account(client, "erin")
        #expect(try Self.post(client, "/register", form: "login=ERIN&password=long-enough").status == 409)
        let wrong = try Self.post(client, "/login", form: "login=erin&password=wrong-password")
        #expect(wrong.status == 401)
        #expect(wrong.errorCode != nil)

        // Uploads: not audio (415), anonymous (401), bad metadata with a good file (422): no row, no file.
        let scratch = try AudioScratch()
        let wav = try scratch.tone("ok.wav", seconds: 0.3)
        let notAudio = try client.uploadMultipart(token: token, file: ("notes.wav", Array("just text".utf8)), target: "/track")
        #expect(notAudio.status == 415)
        let anonymous = try client.request("POST", "/track?title=x")
        #expect(anonymous.status == 401)
        #expect(anonymous.header("WWW-Authenticate") == "Bearer")
        let badYear = try client.uploadMultipart(token: token, fields: [("year", "soon")], file: ("ok.wav", wav), target: "/track")
        #expect(badYear.status == 422 && badYear.text.contains("year"))
        #expect(try Self.post(client, "/track", json: #"{"visibility":"secret"}"#, token: token).status == 422)
        #expect(try app.trackCount() == 0)
        #expect(app.uploadedFiles.isEmpty)

        // Changing a track: a bad file or a bad field changes nothing.
        let id = try #require(try Self.success(client.request("POST", "/track?title=Kept", headers: bearer(token)))["id"] as? String)
        let badFile = try client.uploadMultipart(token: token, file: ("x.wav", Array("noise".utf8)), target: "/track?id=\(id)")
        #expect(badFile.status == 415)
        let badField = try client.uploadMultipart(
            token: token, fields: [("track_number", "0")], file: ("ok.wav", wav), target: "/track?id=\(id)")
        #expect(badField.status == 422)
        let kept = try client.get("/track?id=\(id)", headers: bearer(token)).json()
        #expect(kept["status"] as? String == "empty" && kept["title"] as? String == "Kept")
        #expect(app.uploadedFiles.isEmpty)
        let other = try Self.account(client, "frank")
        #expect(try Self.post(client, "/track?id=\(id)", form: "title=Mine", token: other).status == 403)  // a link track: visible, not theirs

        // Look-ups: missing id 422, malformed or unknown 404.
        #expect(try client.get("/track").status == 422)
        #expect(try client.get("/track?id=nonsense").status == 404)
        #expect(try client.get("/stream?id=\(UUID().uuidString)").status == 404)
        #expect(try client.get("/playlist?id=nonsense").status == 404)
        #expect(try client.get("/user/playlists?username=ghost").status == 404)

        // Playlists: no name, unknown playlist, a song that is not in it.
        #expect(try Self.post(client, "/playlist", form: "visibility=public", token: token).status == 422)
        #expect(try Self.post(client, "/playlist", form: "name=x&visibility=everyone", token: token).status == 422)
        #expect(try Self.post(client, "/playlist", form: "name=x").status == 401)
        #expect(try client.get("/user/playlists?username=erin", headers: bearer(token)).json()["total"] as? Int == 0)
        let playlistID = try #require(try Self.success(Self.post(client, "/playlist", form: "name=Set", token: token))["id"] as? String)
        let unknown = try Self.post(client, "/playlist/add_song?id=\(id)", form: "playlist_id=\(UUID().uuidString)", token: token)
        #expect(unknown.status == 404)
        #expect(try Self.post(client, "/playlist/add_song?id=\(UUID().uuidString)", form: "playlist_id=\(playlistID)",
                              token: token).status == 422)
        #expect(try Self.post(client, "/playlist/add_song?id=\(id)", form: "", token: token).status == 422)
        let notIn = try Self.post(client, "/playlist/remove_song?id=\(id)", form: "playlist_id=\(playlistID)", token: token)
        #expect(notIn.status == 404)
        #expect(notIn.errorCode == "not_found")
        #expect(try Self.post(client, "/playlist/add_song?id=\(id)", form: "playlist_id=\(playlistID)", token: other).status == 404)
    }
}
