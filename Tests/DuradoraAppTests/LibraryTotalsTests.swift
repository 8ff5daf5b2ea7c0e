import DuradoraApp
import DuradoraTestSupport
import Foundation
import Testing

/// The stored album and artist totals follow every write of a track: a private track added, made public, moved to
/// another album, made private again, its owner gone, its public neighbour deleted. Each step is checked as an
/// anonymous listener (the stored public totals alone) and as the owner (plus their own tracks, added at query time).
@Suite struct LibraryTotalsTests {
    /// What one caller sees: per album name its track count and year, per artist name its album and track counts,
    /// and the lists' totals (which must agree with the lists).
    struct View: Equatable, CustomStringConvertible {
        var albums: [String: [Int?]] = [:]
        var artists: [String: [Int]] = [:]
        var description: String { "albums \(albums) artists \(artists)" }
    }

    func view(_ client: TestClient, token: String?) throws -> View {
        var view = View()
        let albums = try client.getJSON("/api/v1/albums?sort=name", token: token)
        let albumItems = albums["items"] as? [[String: Any]] ?? []
        #expect(albums["total"] as? Int == albumItems.count)
        for album in albumItems {
            view.albums[album["name"] as? String ?? ""] = [album["track_count"] as? Int, album["year"] as? Int]
            // The album's own page agrees with its list entry.
            let page = try client.getJSON("/api/v1/albums/\(album["id"] as? String ?? "")", token: token)
            #expect(page["track_count"] as? Int == album["track_count"] as? Int)
            #expect((page["tracks"] as? [[String: Any]])?.count == album["track_count"] as? Int)
        }
        let artists = try client.getJSON("/api/v1/artists", token: token)
        let artistItems = artists["items"] as? [[String: Any]] ?? []
        #expect(artists["total"] as? Int == artistItems.count)
        for artist in artistItems {
            view.artists[artist["name"] as? String ?? ""] = [artist["album_count"] as? Int ?? -1,
                                                              artist["track_count"] as? Int ?? -1]
            let page = try client.getJSON("/api/v1/artists/\(artist["id"] as? String ?? "")", token: token)
            #expect((page["albums"] as? [[String: Any]])?.count == artist["album_count"] as? Int)
        }
        return view
    }

    @Test(arguments: Backend.allCases) func totalsFollowEveryWriteOfATrack(_ backend: Backend) throws {
        let fixture = try AdminFixture(backend: backend)
        defer { fixture.stop() }
        let client = fixture.client
        let (anaID, ana) = try client.createUser("ana")
        let open = try client.libraryTrack(token: ana, ["title": "Open", "artist": "Ana", "album": "Shared",
                                                        "visibility": "public", "year": "1999"])
        let before = View(albums: ["Shared": [1, 1999]], artists: ["Ana": [1, 1]])
        #expect(try view(client, token: nil) == before)

        // Added private: only its owner counts it, year included.
        let secret = try client.libraryTrack(token: ana, ["title": "Secret", "artist": "Ana", "album": "Shared",
                                                          "visibility": "private", "year": "2001"])
        #expect(try view(client, token: nil) == before)
        #expect(try view(client, token: ana) == View(albums: ["Shared": [2, 2001]], artists: ["Ana": [1, 2]]))

        // Made public: everyone counts it.
        func patch(_ body: String) throws {
            let response = try client.patchJSON("/api/v1/tracks/\(secret)", body, token: ana)
            #expect(response.status == 200, "\(body): \(response.text)")
        }
        try patch(#"{"visibility":"public"}"#)
        let shared = View(albums: ["Shared": [2, 2001]], artists: ["Ana": [1, 2]])
        #expect(try view(client, token: nil) == shared)
        #expect(try view(client, token: ana) == shared)

        // Moved to another album of the same artist, then to another artist.
        try patch(#"{"album":"Moved"}"#)
        let moved = View(albums: ["Shared": [1, 1999], "Moved": [1, 2001]], artists: ["Ana": [2, 2]])
        #expect(try view(client, token: nil) == moved)
        try patch(#"{"artist":"Other"}"#)
        let otherArtist = View(albums: ["Shared": [1, 1999], "Moved": [1, 2001]], artists: ["Ana": [1, 1], "Other": [1, 1]])
        #expect(try view(client, token: nil) == otherArtist)

        // Private again: gone for everyone else, its album and artist with it (404 too).
        let movedID = try #require(try client.items("/api/v1/albums?q=moved").first?["id"] as? String)
        try patch(#"{"visibility":"link"}"#)
        #expect(try view(client, token: nil) == before)
        #expect(try client.get("/api/v1/albums/\(movedID)").status == 404)
        #expect(try view(client, token: ana) == otherArtist)

        // The public neighbour deleted: the anonymous library is empty, the owner keeps their own.
        #expect(try client.delete("/api/v1/tracks/\(open)", token: ana).status == 204)
        #expect(try view(client, token: nil) == View())
        #expect(try view(client, token: ana) == View(albums: ["Moved": [1, 2001]], artists: ["Other": [1, 1]]))

        // The owner deleted (the track is kept, owned by nobody): nobody lists it, not even an admin.
        try fixture.app.application.database.write { try $0.users.delete(id: try #require(UUID(uuidString: anaID))) }
        #expect(try view(client, token: fixture.admin) == View())
    }

    /// By year, an anonymous listener's order comes from the stored years alone; an owner's own track can make its
    /// album newer for them only.
    @Test(arguments: Backend.allCases) func yearOrderCountsTheOwnersTracksForThemOnly(_ backend: Backend) throws {
        let fixture = try AdminFixture(backend: backend)
        defer { fixture.stop() }
        let client = fixture.client
        let (_, ana) = try client.createUser("ana")
        for (album, year) in [("X", "2000"), ("Y", "1990"), ("Undated", "")] {
            try client.libraryTrack(token: ana, ["title": album, "artist": "Ana", "album": album, "visibility": "public",
                                                 "year": year].filter { !$0.value.isEmpty })
        }
        try client.libraryTrack(token: ana, ["title": "Late", "artist": "Ana", "album": "Y", "visibility": "private",
                                             "year": "2010"])
        #expect(try client.items("/api/v1/albums?sort=year").strings("name") == ["Y", "X", "Undated"])
        #expect(try client.items("/api/v1/albums?sort=year", token: ana).strings("name") == ["X", "Y", "Undated"])
        #expect(try client.items("/api/v1/albums?sort=year&limit=1&offset=1").strings("name") == ["X"])
        #expect(try client.getJSON("/api/v1/albums?sort=year&limit=1")["total"] as? Int == 3)
    }

    @Test(arguments: Backend.allCases) func anUploadedAlbumCoverIsItsArtistsCoverToo(_ backend: Backend) throws {
        let fixture = try AdminFixture(backend: backend)
        defer { fixture.stop() }
        let client = fixture.client
        try client.libraryTrack(token: fixture.admin, ["title": "T", "artist": "Painter", "album": "Canvas",
                                                       "visibility": "public"])
        let artist = try #require(try client.items("/api/v1/artists").first)
        #expect(artist["cover_url"] is NSNull || artist["cover_url"] == nil)
        let album = try #require(try client.items("/api/v1/albums").first)
        let scratch = try AudioScratch()
        let put = try client.uploadRaw(token: fixture.admin, bytes: try LibraryCoverTests.jpeg(in: scratch),
                                       contentType: "image/jpeg", target: "/api/v1/albums/\(album["id"] as? String ?? "")/cover",
                                       method: "PUT")
        #expect(put.status == 200, "\(put.text)")
        let covered = try #require(try client.items("/api/v1/artists").first)
        #expect(covered["cover_url"] as? String == "http://127.0.0.1:\(fixture.app.port)/api/v1/artists/\(artist["id"] as? String ?? "")/cover")
    }
}
