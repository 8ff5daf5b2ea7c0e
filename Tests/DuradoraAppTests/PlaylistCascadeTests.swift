import DuradoraHTTP
import DuradoraTestSupport
import Foundation
import Testing

@testable import DuradoraApp

/// What happens to playlists when the things they point at go, and how their secrets stay out of the log.
@Suite struct PlaylistCascadeTests {
    @Test(arguments: Backend.allCases) func keptTracksOfADeletedUserStayInOtherPlaylists(_ backend: Backend) throws {
        let fixture = try AdminFixture(backend: backend) { $0.library.keepTracksOfDeletedUsers = true }
        defer { fixture.stop() }
        let client = fixture.client
        let alice = try client.createUser("alice")
        let bob = try client.createUser("bob")
        let bobsTrack = try client.createEmptyTrack(token: bob.token, query: "title=Kept&visibility=public")
        let alices = try client.playlistID(token: alice.token, name: "Alice's", visibility: "public")
        try client.addedEntry(alices, track: bobsTrack, token: alice.token)
        let bobs = try client.playlistID(token: bob.token, name: "Bob's", visibility: "public")
        try client.addedEntry(bobs, track: bobsTrack, token: bob.token)

        #expect(try client.delete("/api/v1/users/\(bob.id)", token: bob.token).status == 204)
        // Bob's playlist went with him; his track stayed (ownerless), and so did its entry in Alice's playlist.
        #expect(try client.playlist(bobs, token: fixture.admin).status == 404)
        let json = try client.playlist(alices).json()
        #expect(PlaylistJSON.trackIDs(json) == [bobsTrack])
        #expect((PlaylistJSON.entries(json).first?["track"] as? [String: Any])?["owner_id"] is NSNull)
    }

    @Test(arguments: Backend.allCases) func deletingAPlaylistTrackOfManyPlaylistsClosesEveryGap(_ backend: Backend) throws {
        let fixture = try AdminFixture(backend: backend)
        defer { fixture.stop() }
        let client = fixture.client
        let keep = try client.createEmptyTrack(token: fixture.admin, query: "title=Keep&visibility=public")
        let drop = try client.createEmptyTrack(token: fixture.admin, query: "title=Drop&visibility=public")
        var playlists: [String] = []
        for index in 0..<3 {
            let id = try client.playlistID(token: fixture.admin, name: "P\(index)")
            for track in [drop, keep, drop, drop, keep, drop] { try client.addedEntry(id, track: track, token: fixture.admin) }
            playlists.append(id)
        }
        #expect(try client.delete("/api/v1/tracks/\(drop)", token: fixture.admin).status == 204)
        for id in playlists {
            let json = try client.playlist(id, token: fixture.admin).json()
            #expect(PlaylistJSON.trackIDs(json) == [keep, keep])
            #expect(PlaylistJSON.positions(json) == [0, 1])
        }
        // Adding at the end after the cascade lands right after the survivors.
        let entry = try client.addEntry(playlists[0], track: keep, token: fixture.admin)
        #expect(try entry.json()["position"] as? Int == 2)
    }

    @Test func accessLogMasksShareTokensInPaths() {
        let route = "/api/v1/playlists/shared/{share_token}"
        #expect(AccessLog.maskingSecretSegments("/api/v1/playlists/shared/abc", route: route)
                    == "/api/v1/playlists/shared/***")
        #expect(AccessLog.maskingSecretSegments("/api/v1/playlists/shared/abc/?x=1", route: route)
                    == "/api/v1/playlists/shared/***?x=1")
        #expect(AccessLog.maskingSecretSegments("/api/v1/playlists/abc", route: "/api/v1/playlists/{id}")
                    == "/api/v1/playlists/abc")
        #expect(AccessLog.maskingSecretSegments("/nowhere/abc", route: "unmatched") == "/nowhere/abc")
    }
}
