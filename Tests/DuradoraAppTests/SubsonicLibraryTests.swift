import DuradoraApp
import DuradoraTestSupport
import Foundation
import Testing

/// Browsing, search, streaming, playlists and the play queue through /rest, with the REST API's visibility rules.
@Suite struct SubsonicLibraryTests {
    private static func list(_ response: [String: Any], _ wrapper: String, _ key: String) -> [[String: Any]] {
        (response[wrapper] as? [String: Any])?[key] as? [[String: Any]] ?? []
    }

    @Test(arguments: Backend.allCases) func searchWithAnEmptyOrQuotedEmptyQueryReturnsEverythingPaged(_ backend: Backend) throws {
        let fixture = try SubsonicFixture(backend: backend)
        defer { fixture.stop() }
        for index in 1...3 {
            try fixture.upload(token: fixture.alice.token, title: "Song \(index)", artist: "Band", album: "First", track: index)
        }
        try fixture.upload(token: fixture.admin.admin, title: "Hidden", artist: "Root", album: "Mine", visibility: "private")
        for query in ["", #""""#] {
            let result = try fixture.client.subsonicJSON("search3", fixture.aliceAuth + [("query", query), ("songCount", "500")])
            #expect(Self.list(result, "searchResult3", "song").count == 3, "query \(query)")
            #expect(Self.list(result, "searchResult3", "album").map { $0["name"] as? String } == ["First"])
            #expect(Self.list(result, "searchResult3", "artist").map { $0["name"] as? String } == ["Band"])
        }
        let page = try fixture.client.subsonicJSON(
            "search3", fixture.aliceAuth + [("query", ""), ("songCount", "2"), ("songOffset", "2")])
        #expect(Self.list(page, "searchResult3", "song").count == 1)
        let found = try fixture.client.subsonicJSON("search2", fixture.aliceAuth + [("query", "song 2")])
        #expect(Self.list(found, "searchResult2", "song").map { $0["title"] as? String } == ["Song 2"])
        // Its owner sees the private track; nothing matching leaves the lists out entirely.
        let admin = try fixture.client.subsonicJSON("search3", fixture.rootAuth + [("query", "hidden")])
        #expect(Self.list(admin, "searchResult3", "song").count == 1)
        for query in ["hidden", "!!!"] {  // another's private track; words of punctuation only
            let none = try fixture.client.subsonicJSON("search3", fixture.aliceAuth + [("query", query)])
            #expect((none["searchResult3"] as? [String: Any])?.isEmpty == true, "\(query)")
        }
    }

    @Test(arguments: Backend.allCases) func artistsAlbumsAndFoldersAreTheLibrarysWithItsIDs(_ backend: Backend) throws {
        let fixture = try SubsonicFixture(backend: backend)
        defer { fixture.stop() }
        let token = fixture.alice.token
        try fixture.upload(token: token, title: "B-side", artist: "The Band", album: "First", track: 2)
        try fixture.upload(token: token, title: "A-side", artist: "the band", album: "first", track: 1)
        try fixture.upload(token: token, title: "Solo", artist: "Zed", album: "Alone", genre: "Jazz", year: 1999)
        let client = fixture.client
        let artists = try client.subsonicJSON("getArtists", fixture.aliceAuth)
        let index = (artists["artists"] as? [String: Any])?["index"] as? [[String: Any]] ?? []
        #expect((artists["artists"] as? [String: Any])?["ignoredArticles"] as? String == "The El La Los Las Le Les")
        #expect(index.map { $0["name"] as? String } == ["B", "Z"])  // "The Band" files under B
        let band = try #require((index.first?["artist"] as? [[String: Any]])?.first)
        #expect(band["albumCount"] as? Int == 1)
        let artist = try client.subsonicJSON("getArtist", fixture.aliceAuth + [("id", band["id"] as? String ?? "")])
        let albums = (artist["artist"] as? [String: Any])?["album"] as? [[String: Any]] ?? []
        #expect(albums.count == 1)
        #expect(albums.first?["songCount"] as? Int == 2)
        let albumID = albums.first?["id"] as? String ?? ""
        let album = try client.subsonicJSON("getAlbum", fixture.aliceAuth + [("id", albumID)])
        #expect(((album["album"] as? [String: Any])?["song"] as? [[String: Any]])?.map { $0["title"] as? String }
            == ["A-side", "B-side"])
        let directory = try client.subsonicJSON("getMusicDirectory", fixture.aliceAuth + [("id", band["id"] as? String ?? "")])
        let child = ((directory["directory"] as? [String: Any])?["child"] as? [[String: Any]])?.first
        #expect(child?["isDir"] as? Bool == true)
        #expect(child?["id"] as? String == albumID)
        let songs = try client.subsonicJSON("getMusicDirectory", fixture.aliceAuth + [("id", albumID)])
        #expect(((songs["directory"] as? [String: Any])?["child"] as? [[String: Any]])?.count == 2)
        let indexes = try client.subsonicJSON("getIndexes", fixture.aliceAuth + [("musicFolderId", "0"), ("ifModifiedSince", "0")])
        #expect((indexes["indexes"] as? [String: Any])?["lastModified"] is Int)
        let byName = try client.subsonicJSON("getAlbumList2", fixture.aliceAuth + [("type", "alphabeticalByName")])
        #expect(Self.list(byName, "albumList2", "album").map { $0["name"] as? String } == ["Alone", "First"])
        let byYear = try client.subsonicJSON("getAlbumList2", fixture.aliceAuth + [("type", "byYear"), ("fromYear", "2010"), ("toYear", "1990")])
        #expect(Self.list(byYear, "albumList2", "album").map { $0["name"] as? String } == ["First", "Alone"])
        let byGenre = try client.subsonicJSON("getAlbumList", fixture.aliceAuth + [("type", "byGenre"), ("genre", "jazz")])
        #expect(Self.list(byGenre, "albumList", "album").map { $0["title"] as? String } == ["Alone"])
        #expect(Subsonic.error(try client.subsonicJSON("getAlbumList2", fixture.aliceAuth)) == 10)
        let genres = try client.subsonicJSON("getGenres", fixture.aliceAuth)
        #expect(Self.list(genres, "genres", "genre").map { $0["value"] as? String } == ["Jazz", "Rock"])
        let jazz = try client.subsonicJSON("getSongsByGenre", fixture.aliceAuth + [("genre", "Jazz")])
        #expect(Self.list(jazz, "songsByGenre", "song").map { $0["title"] as? String } == ["Solo"])
        let random = try client.subsonicJSON("getRandomSongs", fixture.aliceAuth + [("size", "2")])
        #expect(Self.list(random, "randomSongs", "song").count == 2)
        for broken in ["al-00-zz", UUID().uuidString, band["id"] as? String ?? ""] {  // an artist id is no album
            #expect(Subsonic.error(try client.subsonicJSON("getAlbum", fixture.aliceAuth + [("id", broken)])) == 70)
        }
        // The ids are the library's: the REST API knows the same album and artist by them.
        let rest = try client.getJSON("/api/v1/albums/\(albumID)", token: token)
        #expect(rest["artist_id"] as? String == band["id"] as? String)
        #expect((rest["tracks"] as? [[String: Any]])?.count == 2)
        #expect(try client.subsonicJSON("getAlbumInfo2", fixture.aliceAuth + [("id", albumID)])["albumInfo"] != nil)
        #expect(try client.subsonicJSON("getArtistInfo2", fixture.aliceAuth + [("id", band["id"] as? String ?? "")])["artistInfo2"] != nil)
        #expect(Subsonic.error(try client.subsonicJSON("getArtistInfo2", fixture.aliceAuth + [("id", albumID)])) == 70)
    }

    @Test(arguments: Backend.allCases) func theIndexIgnoresTheConfiguredArticles(_ backend: Backend) throws {
        let fixture = try SubsonicFixture(backend: backend) { $0.library.ignoredArticles = "Die Los" }
        defer { fixture.stop() }
        for artist in ["Die Toten Hosen", "The Band", "los lobos"] {
            try fixture.client.libraryTrack(token: fixture.alice.token, ["title": "Song", "artist": artist, "album": "Best"])
        }
        for method in ["getArtists", "getIndexes"] {
            let answer = try fixture.client.subsonicJSON(method, fixture.aliceAuth)
            let root = answer[method == "getArtists" ? "artists" : "indexes"] as? [String: Any]
            #expect(root?["ignoredArticles"] as? String == "Die Los")
            let index = root?["index"] as? [[String: Any]] ?? []
            #expect(index.map { $0["name"] as? String } == ["L", "T"], "\(method)")
            #expect(index.first.flatMap { ($0["artist"] as? [[String: Any]])?.strings("name") } == ["los lobos"])
            #expect(index.last.flatMap { ($0["artist"] as? [[String: Any]])?.strings("name") } == ["The Band", "Die Toten Hosen"])
        }
    }

    @Test(arguments: Backend.allCases) func streamServesTheStoredMP3WithRangeAndErrorsAsDocuments(_ backend: Backend) throws {
        let fixture = try SubsonicFixture(backend: backend)
        defer { fixture.stop() }
        let client = fixture.client
        let id = try fixture.upload(token: fixture.alice.token, title: "Song", artist: "Band", album: "First")
        let original = try client.get("/api/v1/tracks/\(id)/download", headers: bearer(fixture.alice.token)).body
        let options = [("id", id), ("maxBitRate", "0"), ("format", "mp3"), ("estimateContentLength", "False")]
        for post in [false, true] {
            let stream = try client.subsonic("stream.view", fixture.aliceAuth + options, post: post)
            #expect(stream.status == 200)
            #expect(stream.header("Content-Type") == "audio/mpeg")
            #expect(stream.body == original)
        }
        for post in [false, true] {  // py-opensonic POSTs its ranged requests
            let ranged = try client.subsonic("stream", fixture.aliceAuth + [("id", id)], post: post,
                                             headers: ["Range": "bytes=10-"])
            #expect(ranged.status == 206, "post \(post)")
            #expect(ranged.body == Array(original.dropFirst(10)))
        }
        let head = try client.request("HEAD", "/rest/stream.view?" + Subsonic.encode(fixture.aliceAuth + [("id", id)]))
        #expect(head.status == 200)
        #expect(head.header("Content-Length") == String(original.count))
        #expect(head.body.isEmpty)
        let download = try client.subsonic("download", Subsonic.token("alice", fixture.alicePassword) + [("id", id)])
        #expect(download.body == original)
        #expect(download.header("Content-Disposition")?.hasPrefix("attachment") == true)
        let missing = try client.subsonic("stream", fixture.aliceAuth + [("id", UUID().uuidString), ("f", "json")])
        #expect(missing.status == 200)
        #expect(missing.header("Content-Type") == "application/json; charset=utf-8")
        #expect(Subsonic.error(try missing.json()["subsonic-response"] as? [String: Any] ?? [:]) == 70)
        let unauthenticated = try client.subsonic("stream", [("id", id)])
        #expect(unauthenticated.header("Content-Type") == "text/xml; charset=utf-8")
        #expect(unauthenticated.text.contains(#"code="10""#))
        let cover = try client.subsonicJSON("getCoverArt", fixture.aliceAuth + [("id", "pl-1")])
        #expect(Subsonic.error(cover) == 70)
    }

    @Test(arguments: Backend.allCases) func aPlayerSeekingRunsNoDatabaseQueryForCredentialsOrTheTrack(_ backend: Backend) throws {
        let fixture = try SubsonicFixture(backend: backend)
        defer { fixture.stop() }
        let id = try fixture.upload(token: fixture.alice.token, title: "Song", artist: "Band", album: "First")
        let database = fixture.app.application.database
        for credentials in [fixture.aliceAuth, Subsonic.token("alice", fixture.alicePassword), [("apiKey", fixture.alicePassword)]] {
            let parameters = credentials + [("id", id)]
            #expect(try fixture.client.subsonic("stream", parameters, headers: ["Range": "bytes=0-99"]).status == 206)
            let before = database.statementCount
            for offset in [100, 5000, 200] {
                let seek = try fixture.client.subsonic("stream", parameters, headers: ["Range": "bytes=\(offset)-"])
                #expect(seek.status == 206)
            }
            #expect(database.statementCount == before, "credentials \(credentials.map(\.0))")
        }
    }

    @Test(arguments: Backend.allCases) func playlistsAreTheRESTPlaylistsWithTheSameRules(_ backend: Backend) throws {
        let fixture = try SubsonicFixture(backend: backend)
        defer { fixture.stop() }
        let client = fixture.client
        let (one, two) = try fixture.uploadTwoSongs()
        let created = try client.subsonicJSON("createPlaylist", fixture.aliceAuth + [("name", "Mix"), ("songId", one), ("songId", two)], post: true)
        let playlist = try #require(created["playlist"] as? [String: Any])
        #expect(playlist["songCount"] as? Int == 2)
        #expect(playlist["public"] as? Bool == false)
        let id = playlist["id"] as? String ?? ""
        let update = fixture.aliceAuth + [("playlistId", id), ("name", "Mix 2"), ("public", "True"),
                                          ("songIndexToRemove", "0"), ("songIdToAdd", one)]
        #expect(try client.subsonicJSON("updatePlaylist", update, post: true)["status"] as? String == "ok")
        let shown = try client.subsonicJSON("getPlaylist", fixture.aliceAuth + [("id", id)])
        let entries = ((shown["playlist"] as? [String: Any])?["entry"] as? [[String: Any]])?.map { $0["title"] as? String }
        #expect(entries == ["Two", "One"])
        // The REST API sees the same playlist, now public and renamed.
        let rest = try client.get("/api/v1/playlists/\(id)", headers: bearer(fixture.alice.token)).json()
        #expect(rest["visibility"] as? String == "public")
        #expect(rest["name"] as? String == "Mix 2")
        // root's private playlist is not there for alice; root's public one she may read but not change.
        let secret = try client.postJSON("/api/v1/playlists", #"{"name":"Secret"}"#, headers: bearer(fixture.admin.admin))
        let secretID = try secret.json()["id"] as? String ?? ""
        #expect(Subsonic.error(try client.subsonicJSON("getPlaylist", fixture.aliceAuth + [("id", secretID)])) == 70)
        let open = try client.postJSON("/api/v1/playlists", #"{"name":"Open","visibility":"public"}"#, headers: bearer(fixture.admin.admin))
        let openID = try open.json()["id"] as? String ?? ""
        #expect(try client.subsonicJSON("getPlaylist", fixture.aliceAuth + [("id", openID)])["status"] as? String == "ok")
        #expect(Subsonic.error(try client.subsonicJSON("updatePlaylist", fixture.aliceAuth + [("playlistId", openID), ("name", "Mine")])) == 50)
        #expect(Subsonic.error(try client.subsonicJSON("deletePlaylist", fixture.aliceAuth + [("id", openID)])) == 50)
        let listed = try client.subsonicJSON("getPlaylists", fixture.aliceAuth)
        #expect(Set(Self.list(listed, "playlists", "playlist").compactMap { $0["name"] as? String }) == ["Mix 2", "Open"])
        // A song that does not exist adds nothing, and a new playlist with one is not left behind.
        #expect(Subsonic.error(try client.subsonicJSON("updatePlaylist", fixture.aliceAuth + [("playlistId", id), ("songIdToAdd", UUID().uuidString)])) == 70)
        #expect(Subsonic.error(try client.subsonicJSON("createPlaylist", fixture.aliceAuth + [("name", "Bad"), ("songId", UUID().uuidString)])) == 70)
        let after = try client.subsonicJSON("getPlaylists", fixture.aliceAuth)
        #expect(Self.list(after, "playlists", "playlist").count == 2)
        #expect(try client.subsonicJSON("deletePlaylist", fixture.aliceAuth + [("id", id)])["status"] as? String == "ok")
        #expect(try client.get("/api/v1/playlists/\(id)", headers: bearer(fixture.alice.token)).status == 404)
    }

    @Test(arguments: Backend.allCases) func playQueueIsSavedPerUserAndClearedByAnEmptySave(_ backend: Backend) throws {
        let fixture = try SubsonicFixture(backend: backend)
        defer { fixture.stop() }
        let client = fixture.client
        let (one, two) = try fixture.uploadTwoSongs()
        #expect((try client.subsonicJSON("getPlayQueue", fixture.aliceAuth))["playQueue"] == nil)
        let save = fixture.aliceAuth + [("id", two), ("id", one), ("current", one), ("position", "1500"), ("c", "phone")]
        #expect(try client.subsonicJSON("savePlayQueue", save, post: true)["status"] as? String == "ok")
        let queue = try #require(try client.subsonicJSON("getPlayQueue", fixture.aliceAuth)["playQueue"] as? [String: Any])
        #expect((queue["entry"] as? [[String: Any]])?.map { $0["title"] as? String } == ["Two", "One"])
        #expect(queue["current"] as? String == one)
        #expect(queue["position"] as? Int == 1500)
        #expect(queue["changedBy"] as? String == "phone")
        #expect(queue["username"] as? String == "alice")
        #expect(try client.subsonicJSON("getPlayQueue", fixture.rootAuth)["playQueue"] == nil)
        #expect(Subsonic.error(try client.subsonicJSON("savePlayQueue", fixture.aliceAuth + [("id", UUID().uuidString)])) == 70)
        #expect(try client.subsonicJSON("savePlayQueue", fixture.aliceAuth)["status"] as? String == "ok")
        #expect(try client.subsonicJSON("getPlayQueue", fixture.aliceAuth)["playQueue"] == nil)
    }
}
