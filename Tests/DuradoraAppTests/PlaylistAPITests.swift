import DuradoraApp
import DuradoraTestSupport
import Foundation
import Testing

/// Playlists: create, show, edit, share by link, search, list per user, delete.
@Suite struct PlaylistAPITests {
    @Test func createDefaultsToPrivateAndShowsTheWholeObject() throws {
        let fixture = try AdminFixture()
        defer { fixture.stop() }
        let client = fixture.client
        let alice = try client.createUser("alice")
        let response = try client.postJSON("/api/v1/playlists", #"{"name":"  Road trip ","description":"Long drives"}"#,
                                           headers: bearer(alice.token))
        #expect(response.status == 201, "\(response.text)")
        let json = try response.json()
        let id = try #require(json["id"] as? String)
        #expect(response.header("Location") == "/api/v1/playlists/\(id)")
        #expect(json["name"] as? String == "Road trip")  // trimmed
        #expect(json["description"] as? String == "Long drives")
        #expect(json["visibility"] as? String == "private")
        #expect(json["owner_id"] as? String == alice.id)
        #expect(json["owner"] as? String == "alice")
        #expect(json["share_token"] is NSNull)
        #expect(json["track_count"] as? Int == 0)
        #expect(json["duration_seconds"] as? Double == 0)
        #expect(json["created_at"] is String && json["updated_at"] is String)
        #expect(PlaylistJSON.entries(json).isEmpty && json["tracks"] != nil)

        let shown = try client.playlist(id, token: alice.token)
        #expect(shown.status == 200)
        #expect(try shown.json()["name"] as? String == "Road trip")
        // Anonymous callers cannot create.
        #expect(try client.postJSON("/api/v1/playlists", #"{"name":"x"}"#).status == 401)
    }

    @Test func showReturnsTracksInOrderWithTotals() throws {
        let fixture = try AdminFixture()
        defer { fixture.stop() }
        let client = fixture.client
        let scratch = try AudioScratch()
        let upload = try client.uploadRaw(token: fixture.admin, bytes: try scratch.tone("a.wav", seconds: 1),
                                          query: "title=Tone")
        #expect(upload.status == 201, "\(upload.text)")
        let tone = try upload.json()["id"] as? String ?? ""
        let toneSeconds = try upload.json()["duration_seconds"] as? Double ?? 0
        let empty = try client.createEmptyTrack(token: fixture.admin, query: "title=Empty&visibility=public")
        let id = try client.playlistID(token: fixture.admin, name: "Mix", visibility: "public")
        try client.addedEntry(id, track: tone, token: fixture.admin)
        try client.addedEntry(id, track: empty, token: fixture.admin)
        try client.addedEntry(id, track: tone, token: fixture.admin)

        let json = try client.playlist(id).json()
        #expect(PlaylistJSON.trackIDs(json) == [tone, empty, tone])
        #expect(PlaylistJSON.positions(json) == [0, 1, 2])
        #expect(json["track_count"] as? Int == 3)
        #expect(abs((json["duration_seconds"] as? Double ?? 0) - 2 * toneSeconds) < 0.001)
        let first = try #require(PlaylistJSON.entries(json).first?["track"] as? [String: Any])
        #expect(first["title"] as? String == "Tone")
        #expect((first["stream_url"] as? String)?.hasSuffix("/api/v1/tracks/\(tone)/stream") == true)
        // The list shows the same totals, without the tracks.
        let listed = try #require((try client.get("/api/v1/playlists").json()["items"] as? [[String: Any]])?.first)
        #expect(listed["track_count"] as? Int == 3)
        #expect(abs((listed["duration_seconds"] as? Double ?? 0) - 2 * toneSeconds) < 0.001)
        #expect(listed["tracks"] == nil)
    }

    @Test func patchRenamesDescribesAndManagesTheShareToken() throws {
        let fixture = try AdminFixture()
        defer { fixture.stop() }
        let client = fixture.client
        let alice = try client.createUser("alice")
        let id = try client.playlistID(token: alice.token, name: "Old")
        let path = "/api/v1/playlists/\(id)"

        let renamed = try client.patchJSON(path, #"{"name":"New","description":"About"}"#, token: alice.token)
        #expect(renamed.status == 200, "\(renamed.text)")
        #expect(try renamed.json()["name"] as? String == "New")
        #expect(try renamed.json()["description"] as? String == "About")
        #expect(try client.patchJSON(path, #"{"description":null}"#, token: alice.token).json()["description"] is NSNull)

        // Sharing by link makes a 128-bit URL-safe token; the shared route serves it to anyone.
        let linked = try client.patchJSON(path, #"{"visibility":"link"}"#, token: alice.token).json()
        let token = try #require(linked["share_token"] as? String)
        #expect(token.count == 22)
        #expect(token.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" })
        let shared = try client.get("/api/v1/playlists/shared/\(token)")
        #expect(shared.status == 200)
        #expect(try shared.json()["id"] as? String == id)
        #expect(try shared.json()["share_token"] is NSNull)  // only owner and admins see it
        #expect(try client.playlist(id).status == 404)  // link playlists are not readable by id

        // Regenerating kills the old token.
        let regenerated = try client.patchJSON(path, #"{"regenerate_share_token":true}"#, token: alice.token).json()
        let newToken = try #require(regenerated["share_token"] as? String)
        #expect(newToken != token)
        #expect(try client.get("/api/v1/playlists/shared/\(token)").status == 404)
        #expect(try client.get("/api/v1/playlists/shared/\(newToken)").status == 200)

        // Leaving link kills the token; coming back makes a new one.
        let publicJSON = try client.patchJSON(path, #"{"visibility":"public"}"#, token: alice.token).json()
        #expect(publicJSON["share_token"] is NSNull)
        #expect(try client.get("/api/v1/playlists/shared/\(newToken)").status == 404)
        let again = try client.patchJSON(path, #"{"visibility":"link"}"#, token: alice.token).json()
        let third = try #require(again["share_token"] as? String)
        #expect(third != newToken && third != token)

        // Regenerating a playlist that is not shared by link is refused.
        _ = try client.patchJSON(path, #"{"visibility":"private"}"#, token: alice.token)
        let refused = try client.patchJSON(path, #"{"regenerate_share_token":true}"#, token: alice.token)
        #expect(refused.status == 422)
        #expect(refused.text.contains("regenerate_share_token"))
        // Creating as link gives a token at once.
        let created = try client.createPlaylist(token: alice.token, #"{"name":"L","visibility":"link"}"#)
        #expect((created["share_token"] as? String)?.count == 22)
        // Share tokens are secrets: the access log masks them.
        #expect(TestHTTPServer.eventually { fixture.app.log.contains { $0.contains("/api/v1/playlists/shared/***") } })
        for secret in [token, newToken, third] {
            #expect(!fixture.app.log.contains { $0.contains(secret) }, "the log shows a share token")
        }
    }

    @Test func deleteRemovesThePlaylistButNotTheTracks() throws {
        let fixture = try AdminFixture()
        defer { fixture.stop() }
        let client = fixture.client
        let alice = try client.createUser("alice")
        let bob = try client.createUser("bob")
        let track = try client.createEmptyTrack(token: alice.token, query: "title=T&visibility=public")
        let id = try client.playlistID(token: alice.token, name: "Gone", visibility: "public")
        try client.addedEntry(id, track: track, token: alice.token)
        #expect(try client.delete("/api/v1/playlists/\(id)", token: bob.token).status == 403)
        #expect(try client.request("DELETE", "/api/v1/playlists/\(id)").status == 401)
        #expect(try client.delete("/api/v1/playlists/\(id)", token: alice.token).status == 204)
        #expect(try client.playlist(id, token: alice.token).status == 404)
        #expect(try client.delete("/api/v1/playlists/\(id)", token: alice.token).status == 404)
        #expect(try client.track(track).status == 200)
        // Admins may delete anyone's.
        let other = try client.playlistID(token: alice.token, name: "Other")
        #expect(try client.delete("/api/v1/playlists/\(other)", token: fixture.admin).status == 204)
    }

    @Test func searchByNameEscapesWildcards() throws {
        let fixture = try AdminFixture()
        defer { fixture.stop() }
        let client = fixture.client
        let alice = try client.createUser("alice")
        let bob = try client.createUser("bob")
        let summer = try client.playlistID(token: alice.token, name: "Summer Hits", visibility: "public")
        let percent = try client.playlistID(token: alice.token, name: "100% Summer_Mix", visibility: "public")
        let hidden = try client.playlistID(token: alice.token, name: "Secret summer", visibility: "private")
        let bobs = try client.playlistID(token: bob.token, name: "Bob's summer", visibility: "private")

        #expect(Set(try PlaylistJSON.ids(client.get("/api/v1/playlists?q=summer"))) == [summer, percent])
        #expect(Set(try PlaylistJSON.ids(client.get("/api/v1/playlists?q=SUMMER", headers: bearer(alice.token))))
                    == [summer, percent, hidden])
        #expect(Set(try PlaylistJSON.ids(client.get("/api/v1/playlists?q=summer", headers: bearer(bob.token))))
                    == [summer, percent, bobs])
        // % and _ are literal, not wildcards.
        #expect(try PlaylistJSON.ids(client.get("/api/v1/playlists?q=%25")) == [percent])
        #expect(try PlaylistJSON.ids(client.get("/api/v1/playlists?q=r_M")) == [percent])
        #expect(try PlaylistJSON.ids(client.get("/api/v1/playlists?q=_")) == [percent])
        #expect(try PlaylistJSON.ids(client.get("/api/v1/playlists?q=Summer%20H")) == [summer])
        #expect(try client.get("/api/v1/playlists?q=%5C").json()["total"] as? Int == 0)  // a backslash
        #expect(try client.get("/api/v1/playlists?q=%27%3B%20DROP%20TABLE%20playlists%3B--").status == 200)
        // Pagination, newest first.
        let page = try client.get("/api/v1/playlists?limit=1&offset=1").json()
        #expect(page["total"] as? Int == 2)
        #expect(page["limit"] as? Int == 1)
        #expect(page["offset"] as? Int == 1)
        #expect((page["items"] as? [[String: Any]])?.first?["id"] as? String == summer)
        #expect(try client.get("/api/v1/playlists?limit=0").status == 422)
    }

    @Test func userPlaylistsShowPublicOnesToOthersAndAllToSelfAndAdmins() throws {
        let fixture = try AdminFixture()
        defer { fixture.stop() }
        let client = fixture.client
        let alice = try client.createUser("alice")
        let bob = try client.createUser("bob")
        let open = try client.playlistID(token: alice.token, name: "Open", visibility: "public")
        let closed = try client.playlistID(token: alice.token, name: "Closed", visibility: "private")
        let linked = try client.playlistID(token: alice.token, name: "Linked", visibility: "link")
        let path = "/api/v1/users/alice/playlists"
        #expect(try PlaylistJSON.ids(client.get(path)) == [open])
        #expect(try PlaylistJSON.ids(client.get(path, headers: bearer(bob.token))) == [open])
        #expect(Set(try PlaylistJSON.ids(client.get(path, headers: bearer(alice.token)))) == [open, closed, linked])
        #expect(Set(try PlaylistJSON.ids(client.get("/api/v1/users/ALICE/playlists", headers: bearer(fixture.admin))))
                    == [open, closed, linked])
        let missing = try client.get("/api/v1/users/nobody/playlists")
        #expect(missing.status == 404)
        #expect(missing.errorCode == "not_found")
        #expect(try client.get(path + "?limit=1").json()["total"] as? Int == 1)
    }
}
