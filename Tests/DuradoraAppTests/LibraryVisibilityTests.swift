import DuradoraApp
import DuradoraTestSupport
import Foundation
import Testing

/// A private track never shows through an album, an artist, a genre, a count or a search hit.
@Suite struct LibraryVisibilityTests {
    @Test func privateTracksCountOnlyForTheirOwner() throws {
        let fixture = try AdminFixture()
        defer { fixture.stop() }
        let client = fixture.client
        let (_, ana) = try client.createUser("ana")
        let (_, bob) = try client.createUser("bob")
        try client.libraryTrack(token: ana, ["title": "Open", "artist": "Ana", "album": "Shared", "visibility": "public",
                                             "genre": "Folk"])
        try client.libraryTrack(token: ana, ["title": "Secret", "artist": "Ana", "album": "Shared", "visibility": "private",
                                             "genre": "Folk", "year": "2001"])
        try client.libraryTrack(token: ana, ["title": "Hidden", "artist": "Ghost", "album": "Diary",
                                             "visibility": "private", "genre": "Noise"])
        try client.libraryTrack(token: ana, ["title": "Unlisted", "artist": "Ghost", "album": "Link only",
                                             "visibility": "link"])

        for (token, sharedCount, albumNames, genres) in [
            // An admin's lists are public tracks plus their own, like anyone's (contract, "Tracks").
            (nil as String?, 1, ["Shared"], ["Folk"]), (bob, 1, ["Shared"], ["Folk"]), (fixture.admin, 1, ["Shared"], ["Folk"]),
            (ana, 2, ["Diary", "Link only", "Shared"], ["Folk", "Noise"]),
        ] {
            let albums = try client.items("/api/v1/albums?sort=name", token: token)
            #expect(albums.strings("name") == albumNames)
            let shared = try #require(albums.first { $0["name"] as? String == "Shared" })
            #expect(shared["track_count"] as? Int == sharedCount)
            // The private track's year does not leak either.
            #expect((shared["year"] as? Int) == (sharedCount == 2 ? 2001 : nil))
            let album = try client.getJSON("/api/v1/albums/\(shared["id"] as? String ?? "")", token: token)
            #expect((album["tracks"] as? [[String: Any]])?.count == sharedCount)
            let artists = try client.items("/api/v1/artists", token: token)
            #expect(artists.first { $0["name"] as? String == "Ana" }?["track_count"] as? Int == sharedCount)
            #expect(artists.contains { $0["name"] as? String == "Ghost" } == (token == ana))
            #expect(try client.items("/api/v1/genres", token: token).strings("name") == genres)
            #expect(try client.items("/api/v1/albums?q=diary", token: token).count == (token == ana ? 1 : 0))
            #expect(try client.getJSON("/api/v1/albums?genre=noise", token: token)["total"] as? Int == (token == ana ? 1 : 0))
        }
        #expect(try client.items("/api/v1/tracks", token: fixture.admin).strings("title") == ["Open"])
        #expect(try client.items("/api/v1/tracks?q=secret", token: fixture.admin).isEmpty)
        // What an admin may do with every track: open it by id, and list one user's all with `owner`.
        let secret = try #require(try client.items("/api/v1/tracks?q=secret", token: ana).first)
        #expect(try client.track(secret["id"] as? String ?? "", token: fixture.admin).status == 200)
        #expect(try client.track(secret["id"] as? String ?? "", token: bob).status == 404)
        #expect(Set(try client.items("/api/v1/tracks?owner=ana", token: fixture.admin).strings("title"))
            == ["Open", "Secret", "Hidden", "Unlisted"])
        #expect(try client.items("/api/v1/tracks?owner=ana", token: bob).strings("title") == ["Open"])
        // An album or artist made only of someone else's private tracks is 404, like an unknown one.
        let diary = try #require(try client.items("/api/v1/albums?q=diary", token: ana).first)
        #expect(try client.get("/api/v1/albums/\(diary["id"] as? String ?? "")", headers: bearer(bob)).status == 404)
        #expect(try client.get("/api/v1/artists/\(diary["artist_id"] as? String ?? "")").status == 404)
        #expect(try client.put("/api/v1/me/favorites/albums/\(diary["id"] as? String ?? "")", token: bob).status == 404)
    }
}
