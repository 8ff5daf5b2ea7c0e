import DuradoraApp
import DuradoraTestSupport
import Foundation
import Testing

/// Who may read, list and change a playlist (owner, other user, admin, anonymous × public, private, link), and how
/// tracks the caller may not see drop out of it.
@Suite struct PlaylistVisibilityTests {
    @Test(arguments: Backend.allCases) func readMatrix(_ backend: Backend) throws {
        let fixture = try AdminFixture(backend: backend)
        defer { fixture.stop() }
        let client = fixture.client
        let alice = try client.createUser("alice")
        let bob = try client.createUser("bob")
        let track = try client.createEmptyTrack(token: alice.token, query: "title=T&visibility=public")
        var ids: [String: String] = [:]
        var shareToken = ""
        for visibility in ["public", "private", "link"] {
            let json = try client.createPlaylist(token: alice.token, #"{"name":"\#(visibility)","visibility":"\#(visibility)"}"#)
            ids[visibility] = json["id"] as? String ?? ""
            if visibility == "link" { shareToken = json["share_token"] as? String ?? "" }
            try client.addedEntry(ids[visibility] ?? "", track: track, token: alice.token)
        }
        let callers: [(name: String, token: String?)] = [
            ("owner", alice.token), ("other", bob.token), ("admin", fixture.admin), ("anonymous", nil),
        ]
        // GET /api/v1/playlists/{id}: public for everyone; private and link for owner and admins only.
        let expected: [String: [String: Int]] = [
            "public": ["owner": 200, "other": 200, "admin": 200, "anonymous": 200],
            "private": ["owner": 200, "other": 404, "admin": 200, "anonymous": 404],
            "link": ["owner": 200, "other": 404, "admin": 200, "anonymous": 404],
        ]
        for (visibility, byCaller) in expected {
            for caller in callers {
                let response = try client.playlist(ids[visibility] ?? "", token: caller.token)
                #expect(response.status == byCaller[caller.name], "\(visibility) as \(caller.name): \(response.text)")
                if response.status == 200 {
                    #expect(try response.json()["track_count"] as? Int == 1)
                } else {
                    #expect(response.errorCode == "not_found")
                }
            }
        }
        // The share token opens the link playlist to everyone, and shows the token only to owner and admins.
        for caller in callers {
            let response = try client.get("/api/v1/playlists/shared/\(shareToken)", headers: caller.token.map(bearer) ?? [:])
            #expect(response.status == 200, "shared as \(caller.name)")
            let seesToken = try response.json()["share_token"] as? String == shareToken
            #expect(seesToken == (caller.name == "owner" || caller.name == "admin"), "token shown to \(caller.name)")
        }
        #expect(try client.get("/api/v1/playlists/shared/not-a-token").status == 404)
        // A private or public playlist has no share token, so nothing opens through the shared route.
        #expect(try client.get("/api/v1/playlists/shared/\(ids["private"] ?? "")").status == 404)

        // Lists: public ones plus the caller's own.
        let listed: [String: Set<String>] = [
            "owner": Set(ids.values), "other": [ids["public"] ?? ""], "admin": [ids["public"] ?? ""],
            "anonymous": [ids["public"] ?? ""],
        ]
        for caller in callers {
            let got = Set(try PlaylistJSON.ids(client.get("/api/v1/playlists", headers: caller.token.map(bearer) ?? [:])))
            #expect(got == listed[caller.name], "list as \(caller.name)")
        }
    }

    @Test(arguments: Backend.allCases) func writeMatrix(_ backend: Backend) throws {
        let fixture = try AdminFixture(backend: backend)
        defer { fixture.stop() }
        let client = fixture.client
        let alice = try client.createUser("alice")
        let bob = try client.createUser("bob")
        let track = try client.createEmptyTrack(token: bob.token, query: "title=T&visibility=public")
        for visibility in ["public", "private", "link"] {
            let id = try client.playlistID(token: alice.token, name: visibility, visibility: visibility)
            let path = "/api/v1/playlists/\(id)"
            // Another user: 403 where they may read it, 404 where they may not even see it.
            let stranger = visibility == "public" ? 403 : 404
            #expect(try client.patchJSON(path, #"{"name":"x"}"#, token: bob.token).status == stranger, "\(visibility)")
            #expect(try client.addEntry(id, track: track, token: bob.token).status == stranger, "\(visibility)")
            #expect(try client.reorder(id, [], token: bob.token).status == stranger, "\(visibility)")
            #expect(try client.delete(path, token: bob.token).status == stranger, "\(visibility)")
            // Anonymous: 401.
            #expect(try client.request("PATCH", path, headers: ["Content-Type": "application/json"],
                                       body: Array(#"{"name":"x"}"#.utf8)).status == 401)
            #expect(try client.postJSON(path + "/tracks", #"{"track_id":"\#(track)"}"#).status == 401)
            // Owner and admin: allowed.
            #expect(try client.addEntry(id, track: track, token: alice.token).status == 201)
            #expect(try client.addEntry(id, track: track, token: fixture.admin).status == 201)
            let renamed = try client.patchJSON(path, #"{"name":"by admin"}"#, token: fixture.admin)
            #expect(renamed.status == 200)
            #expect(try renamed.json()["owner_id"] as? String == alice.id)  // the owner stays
            #expect(try client.playlist(id, token: alice.token).json()["track_count"] as? Int == 2)
        }
    }

    @Test(arguments: Backend.allCases) func tracksTheCallerMayNotSeeDropOut(_ backend: Backend) throws {
        let fixture = try AdminFixture(backend: backend)
        defer { fixture.stop() }
        let client = fixture.client
        let alice = try client.createUser("alice")
        let bob = try client.createUser("bob")
        let mine = try client.createEmptyTrack(token: alice.token, query: "title=Mine&visibility=public")
        let bobs = try client.createEmptyTrack(token: bob.token, query: "title=Bobs&visibility=public")
        let bobsPrivate = try client.createEmptyTrack(token: bob.token, query: "title=Hidden&visibility=private")
        let id = try client.playlistID(token: alice.token, name: "Mixed", visibility: "public")
        try client.addedEntry(id, track: mine, token: alice.token)
        try client.addedEntry(id, track: bobs, token: alice.token)
        try client.addedEntry(id, track: mine, token: alice.token)
        // A track the caller may not see cannot be added, whatever its existence.
        let refused = try client.addEntry(id, track: bobsPrivate, token: alice.token)
        #expect(refused.status == 422)
        #expect(refused.text.contains("track_id"))

        // Bob makes his track private: it leaves everyone's view but his own and the admin's.
        #expect(try client.patchJSON("/api/v1/tracks/\(bobs)", #"{"visibility":"private"}"#, token: bob.token).status == 200)
        for (token, expected) in [(alice.token, [mine, mine]), (nil, [mine, mine]), (bob.token, [mine, bobs, mine]),
                                  (fixture.admin, [mine, bobs, mine])] as [(String?, [String])] {
            let json = try client.playlist(id, token: token).json()
            #expect(PlaylistJSON.trackIDs(json) == expected)
            #expect(json["track_count"] as? Int == expected.count)
            let listed = try client.get("/api/v1/playlists", headers: token.map(bearer) ?? [:]).json()
            let item = (listed["items"] as? [[String: Any]] ?? []).first { $0["id"] as? String == id }
            #expect(item?["track_count"] as? Int == expected.count, "list totals match the playlist's")
        }
        // Positions are the entries' places in the whole playlist: the hidden one leaves a gap for Alice.
        #expect(PlaylistJSON.positions(try client.playlist(id, token: alice.token).json()) == [0, 2])

        // Alice reorders what she sees; the hidden entry keeps its place.
        let visible = PlaylistJSON.entryIDs(try client.playlist(id, token: alice.token).json())
        let reordered = try client.reorder(id, visible.reversed(), token: alice.token)
        #expect(reordered.status == 200, "\(reordered.text)")
        let adminView = try client.playlist(id, token: fixture.admin).json()
        #expect(PlaylistJSON.entryIDs(adminView) == [visible[1], PlaylistJSON.entryIDs(adminView)[1], visible[0]])
        #expect(PlaylistJSON.positions(adminView) == [0, 1, 2])
        #expect(PlaylistJSON.trackIDs(adminView)[1] == bobs)
    }
}
