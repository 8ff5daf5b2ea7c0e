import DuradoraApp
import DuradoraTestSupport
import Foundation
import Testing

/// Stars, ratings, scrobbles, now playing and scans through /rest: the library's data, shared with the REST API.
@Suite struct SubsonicAnnotationTests {
    private static func list(_ response: [String: Any], _ wrapper: String, _ key: String) -> [[String: Any]] {
        (response[wrapper] as? [String: Any])?[key] as? [[String: Any]] ?? []
    }

    private static func song(_ fixture: SubsonicFixture, _ id: String, _ auth: [(String, String)]? = nil) throws -> [String: Any] {
        try fixture.client.subsonicJSON("getSong", (auth ?? fixture.aliceAuth) + [("id", id)])["song"] as? [String: Any] ?? [:]
    }

    @Test(arguments: Backend.allCases) func starsAreTheRESTFavouritesWhicheverAPISetThem(_ backend: Backend) throws {
        let fixture = try SubsonicFixture(backend: backend)
        defer { fixture.stop() }
        let client = fixture.client
        let (one, two) = try fixture.uploadTwoSongs()
        let hidden = try fixture.upload(token: fixture.admin.admin, title: "Hidden", artist: "Root", album: "Mine",
                                        visibility: "private")
        let first = try Self.song(fixture, one)
        let (album, artist) = (first["albumId"] as? String ?? "", first["artistId"] as? String ?? "")
        let star = fixture.aliceAuth + [("id", one), ("albumId", album), ("artistId", artist)]
        #expect(try client.subsonicJSON("star", star, post: true)["status"] as? String == "ok")
        var favorites = try client.getJSON("/api/v1/me/favorites", token: fixture.alice.token)
        #expect((favorites["tracks"] as? [[String: Any]])?.strings("id") == [one])
        #expect((favorites["albums"] as? [[String: Any]])?.strings("id") == [album])
        #expect((favorites["artists"] as? [[String: Any]])?.strings("id") == [artist])
        #expect(try Self.song(fixture, one)["starred"] is String)
        // Starred over REST, seen over Subsonic, in both list forms.
        #expect(try client.put("/api/v1/me/favorites/tracks/\(two)", token: fixture.alice.token).status == 204)
        let starred2 = try client.subsonicJSON("getStarred2", fixture.aliceAuth)
        #expect(Set(Self.list(starred2, "starred2", "song").strings("id")) == [one, two])
        #expect(Self.list(starred2, "starred2", "album").first?["starred"] is String)
        #expect(Self.list(starred2, "starred2", "artist").first?["albumCount"] as? Int == 1)
        let starred = try client.subsonicJSON("getStarred", fixture.aliceAuth)
        #expect(Self.list(starred, "starred", "album").first?["isDir"] as? Bool == true)
        // Per user: root has none of alice's stars.
        #expect((try client.subsonicJSON("getStarred2", fixture.rootAuth)["starred2"] as? [String: Any])?.isEmpty == true)
        // A folder id (what DSub sends) unstars the album; a repeated id unstars each.
        _ = try client.subsonicJSON("unstar", fixture.aliceAuth + [("id", one), ("id", album), ("artistId", artist)])
        favorites = try client.getJSON("/api/v1/me/favorites", token: fixture.alice.token)
        #expect((favorites["tracks"] as? [[String: Any]])?.strings("id") == [two])
        #expect((favorites["albums"] as? [[String: Any]])?.isEmpty == true)
        #expect((favorites["artists"] as? [[String: Any]])?.isEmpty == true)
        #expect(try client.subsonicJSON("star", fixture.aliceAuth + [("id", album)])["status"] as? String == "ok")
        favorites = try client.getJSON("/api/v1/me/favorites", token: fixture.alice.token)
        #expect((favorites["albums"] as? [[String: Any]])?.strings("id") == [album])
        for type in ["starred", "highest"] {
            let albums = try client.subsonicJSON("getAlbumList2", fixture.aliceAuth + [("type", type)])
            #expect(Self.list(albums, "albumList2", "album").strings("id") == [album], "\(type)")
        }
        // Another's private track does not exist for alice; one bad id stars nothing of the request.
        #expect(Subsonic.error(try client.subsonicJSON("star", fixture.aliceAuth + [("id", hidden)])) == 70)
        #expect(Subsonic.error(try client.subsonicJSON("star", fixture.aliceAuth + [("id", one), ("id", "nope")])) == 70)
        #expect(try Self.song(fixture, one)["starred"] == nil)
        #expect(Subsonic.error(try client.subsonicJSON("star", fixture.aliceAuth)) == 10)
    }

    @Test(arguments: Backend.allCases) func ratingsScrobblesAndNowPlayingAreTheLibrarysPlays(_ backend: Backend) throws {
        let fixture = try SubsonicFixture(backend: backend)
        defer { fixture.stop() }
        let client = fixture.client
        let (one, two) = try fixture.uploadTwoSongs()
        let token = fixture.alice.token
        #expect(try client.subsonicJSON("setRating", fixture.aliceAuth + [("id", one), ("rating", "4")])["status"] as? String == "ok")
        #expect(try client.track(one, token: token).json()["rating"] as? Int == 4)
        #expect(try client.put("/api/v1/tracks/\(two)/rating", token: token, json: #"{"rating":2}"#).status == 200)
        #expect(try Self.song(fixture, two)["userRating"] as? Int == 2)
        #expect(try Self.song(fixture, one, fixture.rootAuth)["userRating"] == nil)  // ratings are per user
        #expect(Subsonic.error(try client.subsonicJSON("setRating", fixture.aliceAuth + [("id", one), ("rating", "6")])) == 0)
        #expect(Subsonic.error(try client.subsonicJSON("setRating", fixture.aliceAuth + [("id", one)])) == 10)
        _ = try client.subsonicJSON("setRating", fixture.aliceAuth + [("id", one), ("rating", "0")])
        #expect(try Self.song(fixture, one)["userRating"] == nil)

        // Streaming is no play; "now playing" is no play either, but shows on everyone's getNowPlaying.
        #expect(try client.subsonic("stream", fixture.aliceAuth + [("id", one)]).status == 200)
        _ = try client.subsonicJSON("scrobble", fixture.aliceAuth + [("id", one), ("submission", "False")], post: true)
        #expect(try client.items("/api/v1/me/history", token: token).isEmpty)
        let playing = Self.list(try client.subsonicJSON("getNowPlaying", fixture.rootAuth), "nowPlaying", "entry")
        #expect(playing.map { $0["id"] as? String } == [one])
        #expect(playing.first?["username"] as? String == "alice")
        #expect(playing.first?["minutesAgo"] as? Int == 0)

        // A submission is one play: history, play counts, album lists; now playing ends.
        _ = try client.subsonicJSON("scrobble", fixture.aliceAuth + [("id", one)])
        #expect(try client.items("/api/v1/me/history", token: token).compactMap { ($0["track"] as? [String: Any])?["id"] as? String } == [one])
        #expect(try Self.song(fixture, one)["playCount"] as? Int == 1)
        #expect(Self.list(try client.subsonicJSON("getNowPlaying", fixture.aliceAuth), "nowPlaying", "entry").isEmpty)
        let earlier = Int(Date().timeIntervalSince1970 * 1000) - 3_600_000
        let queued = [("id", two), ("time", String(earlier)), ("id", two), ("time", String(earlier + 1000))]
        _ = try client.subsonicJSON("scrobble", fixture.aliceAuth + queued, post: true)
        #expect(try client.post("/api/v1/tracks/\(two)/plays", token: token, json: "{}").status == 204)
        #expect(try Self.song(fixture, two)["playCount"] as? Int == 3)
        #expect(try client.items("/api/v1/me/history", token: token).count == 4)
        for type in ["frequent", "recent"] {
            let albums = Self.list(try client.subsonicJSON("getAlbumList2", fixture.aliceAuth + [("type", type)]), "albumList2", "album")
            #expect(albums.map { $0["name"] as? String } == ["First"], "\(type)")
            #expect(albums.first?["playCount"] as? Int == 4)
            let root = try client.subsonicJSON("getAlbumList2", fixture.rootAuth + [("type", type)])
            #expect(Self.list(root, "albumList2", "album").isEmpty, "\(type)")
        }
        for type in ["starred", "highest"] {
            #expect(Self.list(try client.subsonicJSON("getAlbumList", fixture.aliceAuth + [("type", type)]), "albumList", "album").isEmpty)
        }
        #expect(Subsonic.error(try client.subsonicJSON("scrobble", fixture.aliceAuth + [("id", UUID().uuidString)])) == 70)
        #expect(Subsonic.error(try client.subsonicJSON("scrobble", fixture.aliceAuth + [("id", one), ("time", "soon")])) == 0)
        #expect(try client.subsonicJSON("getUser", fixture.aliceAuth + [("username", "alice")])["user"]
            .flatMap { ($0 as? [String: Any])?["scrobblingEnabled"] as? Bool } == true)
    }

    /// Album lists, an album, the index, favourites and search cost a fixed number of statements, whatever the
    /// library holds (the library's queries, one more for the caller's stars and plays of the songs shown).
    @Test(arguments: Backend.allCases) func browsingRunsAFixedNumberOfStatementsWhateverTheLibrarySize(_ backend: Backend) throws {
        let fixture = try SubsonicFixture(backend: backend)
        defer { fixture.stop() }
        let client = fixture.client
        let database = fixture.app.application.database
        let (one, _) = try fixture.uploadTwoSongs()
        let albumID = try Self.song(fixture, one)["albumId"] as? String ?? ""
        _ = try client.subsonicJSON("star", fixture.aliceAuth + [("id", one), ("albumId", albumID)])
        _ = try client.subsonicJSON("scrobble", fixture.aliceAuth + [("id", one)])
        let calls: [(String, [(String, String)])] = [
            ("getAlbumList2", [("type", "alphabeticalByName"), ("size", "50")]), ("getAlbumList", [("type", "frequent")]),
            ("getAlbumList2", [("type", "byYear"), ("fromYear", "2030"), ("toYear", "1990")]), ("getAlbum", [("id", albumID)]),
            ("getArtists", []), ("getStarred2", []), ("search3", [("query", ""), ("songCount", "50")]), ("getGenres", []),
        ]
        func statements() throws -> [Int] {
            var counts: [Int] = []
            for (method, parameters) in calls {
                let before = database.statementCount
                let status = try client.subsonicJSON(method, fixture.aliceAuth + parameters)["status"] as? String
                counts.append(database.statementCount - before)
                #expect(status == "ok", "\(method)")
            }
            return counts
        }
        let small = try statements()
        let adminID = try #require(UUID(uuidString: fixture.admin.adminID))
        try database.write { transaction in
            for index in 1...120 {
                let now = Date()
                try transaction.tracks.insert(Track(
                    id: UUID(), ownerID: adminID,
                    metadata: TrackMetadata(title: "T\(index)", artist: "A\(index % 30)", album: "Album \(index % 60)",
                                            genre: "G\(index % 7)", year: 1990 + index % 30, trackNumber: index),
                    visibility: .public, status: .empty, createdAt: now, updatedAt: now))
            }
        }
        let large = try statements()
        #expect(small == large, "statements per call: \(zip(calls.map(\.0), small).map { "\($0) \($1)" }) vs \(large)")
    }

    @Test(arguments: Backend.allCases) func onlyAdminsStartTheLibraryScanAndEveryoneSeesItsStatus(_ backend: Backend) throws {
        let scratch = try AudioScratch()
        let audio = try scratch.mp3("one.mp3", seconds: 0.05)
        let music = scratch.path("music")
        try FileManager.default.createDirectory(atPath: music, withIntermediateDirectories: true)
        for index in 0..<3 { try Data(audio).write(to: URL(fileURLWithPath: "\(music)/\(index).mp3")) }
        let fixture = try SubsonicFixture(backend: backend) { $0.library.musicFolders = [music] }
        defer { fixture.stop() }
        let client = fixture.client
        #expect(Subsonic.error(try client.subsonicJSON("startScan", fixture.aliceAuth)) == 50)
        let started = try client.subsonicJSON("startScan", fixture.rootAuth)
        #expect((started["scanStatus"] as? [String: Any])?["scanning"] is Bool)
        #expect(TestHTTPServer.eventually {
            let status = (try? client.subsonicJSON("getScanStatus", fixture.aliceAuth))?["scanStatus"] as? [String: Any]
            return status?["scanning"] as? Bool == false && status?["count"] as? Int == 3
        })
        let all = try client.subsonicJSON("search3", fixture.aliceAuth + [("query", ""), ("songCount", "10")])
        #expect(Self.list(all, "searchResult3", "song").count == 3)
    }

    @Test(arguments: Backend.allCases) func withoutMusicFoldersThereIsNothingToScan(_ backend: Backend) throws {
        let fixture = try SubsonicFixture(backend: backend)
        defer { fixture.stop() }
        let status = try fixture.client.subsonicJSON("getScanStatus", fixture.aliceAuth)["scanStatus"] as? [String: Any]
        #expect(status?["scanning"] as? Bool == false)
        #expect(Subsonic.error(try fixture.client.subsonicJSON("startScan", fixture.rootAuth)) == 0)
    }
}
