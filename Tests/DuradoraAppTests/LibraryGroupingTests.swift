import DuradoraApp
import DuradoraTestSupport
import Foundation
import Testing

/// Albums and artists grouped from tags, as a listener browsing them sees it.
@Suite struct LibraryGroupingTests {
    /// The plain-ASCII shortcut gives what the Unicode rule gives (an id must never change with the path taken).
    @Test func asciiNamesNormaliseAsTheUnicodeRuleDoes() {
        func unicodeRule(_ name: String) -> String? {
            let trimmed = name.trimmingCharacters(in: .whitespacesAndNewlines)
            return trimmed.isEmpty ? nil
                : trimmed.precomposedStringWithCanonicalMapping.lowercased().precomposedStringWithCanonicalMapping
        }
        let names = ["The Beatles", "the beatles ", " AC/DC", "\tTab\n", "MiXeD 123 !@#[]^_`{}~", "a", "Z",
                     "\u{0B}v\u{0C}", "Sigur Rós", "Bjo\u{0308}rk", "ÉCOLE", "   ", "", "x\u{1F}", "\u{7F}del"]
        for name in names {
            #expect(LibraryKey.normalized(name) == unicodeRule(name), "\(name.debugDescription)")
        }
    }

    @Test(arguments: Backend.allCases) func namesGroupTrimmedCaseInsensitiveAndInNFC(_ backend: Backend) throws {
        let fixture = try AdminFixture(backend: backend)
        defer { fixture.stop() }
        let client = fixture.client
        let admin = fixture.admin
        let first = try client.libraryTrack(token: admin, ["title": "Help", "artist": "The Beatles", "album": "Help!"])
        try client.libraryTrack(token: admin, ["title": "Yesterday", "artist": "the beatles ", "album": "HELP!"])
        // "Café" composed (U+00E9) and decomposed (e + U+0301): one album.
        try client.libraryTrack(token: admin, ["title": "One", "artist": "Zoé", "album": "Caf\u{E9}"])
        try client.libraryTrack(token: admin, ["title": "Two", "artist": "Zoe\u{301}", "album": "Cafe\u{301}"])

        let albums = try client.items("/api/v1/albums")
        #expect(albums.count == 2)
        let help = try #require(albums.first { ($0["name"] as? String)?.lowercased() == "help!" })
        #expect(help["track_count"] as? Int == 2)
        #expect(help["artist"] as? String == "The Beatles")
        #expect(albums.first { $0["name"] as? String != "Help!" }?["track_count"] as? Int == 2)
        let artists = try client.items("/api/v1/artists")
        #expect(artists.count == 2)

        let track = try client.track(first).json()
        #expect(track["album_id"] as? String == help["id"] as? String)
        #expect(track["artist_id"] as? String == help["artist_id"] as? String)
        #expect(track["format"] as? String == "mp3")
        #expect(track.keys.contains("album_artist") && track.keys.contains("disc_number") && track.keys.contains("cover_url"))
    }

    @Test(arguments: Backend.allCases) func compilationsAreOneAlbumAndSameTitlesOfTwoArtistsStayTwo(_ backend: Backend) throws {
        let fixture = try AdminFixture(backend: backend)
        defer { fixture.stop() }
        let client = fixture.client
        for (title, artist) in [("A", "Alpha"), ("B", "Beta"), ("C", "Gamma")] {
            try client.libraryTrack(token: fixture.admin, [
                "title": title, "artist": artist, "album": "Now 99", "album_artist": "Various Artists"])
        }
        try client.libraryTrack(token: fixture.admin, ["title": "X", "artist": "Alpha", "album": "Greatest Hits"])
        try client.libraryTrack(token: fixture.admin, ["title": "Y", "artist": "Beta", "album": "Greatest Hits"])

        let albums = try client.items("/api/v1/albums?sort=name")
        #expect(albums.strings("name") == ["Greatest Hits", "Greatest Hits", "Now 99"])
        let compilation = try #require(albums.last)
        #expect(compilation["track_count"] as? Int == 3)
        #expect(compilation["artist"] as? String == "Various Artists")
        #expect(Set(Array(albums.prefix(2)).strings("artist")) == ["Alpha", "Beta"])
        // Album artists are the artists: Various Artists, Alpha, Beta (Gamma only appears on the compilation).
        let artists = try client.items("/api/v1/artists")
        #expect(Set(artists.strings("name")) == ["Alpha", "Beta", "Various Artists"])
        let alpha = try #require(artists.first { $0["name"] as? String == "Alpha" })
        let page = try client.getJSON("/api/v1/artists/\(alpha["id"] as? String ?? "")")
        #expect((page["albums"] as? [[String: Any]])?.strings("name") == ["Greatest Hits"])
        #expect(page["album_count"] as? Int == 1)
    }

    @Test(.disabled(if: TestApplication.backendIsPostgres, "counts rows in SQLite's file"))
    func idsSurviveUnrelatedRetagsAndEmptyAlbumsGo() throws {
        let fixture = try AdminFixture()
        defer { fixture.stop() }
        let client = fixture.client
        let admin = fixture.admin
        let one = try client.libraryTrack(token: admin, ["title": "One", "artist": "Solo", "album": "Debut"])
        let two = try client.libraryTrack(token: admin, ["title": "Two", "artist": "Solo", "album": "Debut",
                                                         "disc_number": "2", "track_number": "1"])
        let albumID = try client.track(one).json()["album_id"] as? String ?? ""
        #expect(try client.patchJSON("/api/v1/tracks/\(one)", #"{"title":"Uno","genre":"Pop","track_number":3}"#,
                                     token: admin).status == 200)
        #expect(try client.track(one).json()["album_id"] as? String == albumID)
        // Disc, then track order: disc 1 (none) track 3 before disc 2 track 1.
        let album = try client.getJSON("/api/v1/albums/\(albumID)")
        #expect((album["tracks"] as? [[String: Any]])?.strings("title") == ["Uno", "Two"])
        #expect(album["genre"] as? String == "Pop")

        // Moving one track to another album keeps the first; moving the last one removes it and nothing is left.
        #expect(try client.patchJSON("/api/v1/tracks/\(two)", #"{"album":"Second"}"#, token: admin).status == 200)
        #expect(try client.get("/api/v1/albums/\(albumID)").status == 200)
        #expect(try client.delete("/api/v1/tracks/\(one)", token: admin).status == 204)
        #expect(try client.get("/api/v1/albums/\(albumID)").status == 404)
        let remaining = try client.items("/api/v1/albums")
        #expect(remaining.strings("name") == ["Second"])
        let artistID = remaining.first?["artist_id"] as? String ?? ""
        #expect(try client.delete("/api/v1/tracks/\(two)", token: admin).status == 204)
        #expect(try client.items("/api/v1/albums").isEmpty)
        #expect(try client.get("/api/v1/artists/\(artistID)").status == 404)
        let database = try #require(fixture.app.application.database as? SQLiteDatabase, "reads SQLite's tables")
        let rows = try database.withWriter { connection in
            try connection.scalarInt("SELECT (SELECT COUNT(*) FROM albums) + (SELECT COUNT(*) FROM artists)")
        }
        #expect(rows == 0)
    }

    /// Artists and albums sort newest first by the millisecond they were made, ties by id: two made within one
    /// millisecond (a fast server does that) would come in id order, not the test's. Waits into the next one.
    static func nextMillisecond() {
        Thread.sleep(forTimeInterval: 0.002)
    }

    @Test(arguments: Backend.allCases) func artistsSortIgnoringLeadingArticles(_ backend: Backend) throws {
        let fixture = try AdminFixture(backend: backend) { $0.library.ignoredArticles = "The Los" }
        defer { fixture.stop() }
        for name in ["The Zombies", "Abba", "Los Lobos", "Madness", "Theatre of Tragedy"] {
            try fixture.client.libraryTrack(token: fixture.admin, ["title": "t", "artist": name, "album": "a"])
            Self.nextMillisecond()
        }
        let names = try fixture.client.items("/api/v1/artists?sort=name").strings("name")
        #expect(names == ["Abba", "Los Lobos", "Madness", "Theatre of Tragedy", "The Zombies"])
        let recent = try fixture.client.items("/api/v1/artists?sort=recent").strings("name")
        #expect(recent.first == "Theatre of Tragedy")
        #expect(try fixture.client.items("/api/v1/artists?q=lob").strings("name") == ["Los Lobos"])
        #expect(try fixture.client.get("/api/v1/artists?sort=loudest").status == 422)
    }

    @Test(arguments: Backend.allCases) func albumFiltersAndSorts(_ backend: Backend) throws {
        let fixture = try AdminFixture(backend: backend)
        defer { fixture.stop() }
        let client = fixture.client
        try client.libraryTrack(token: fixture.admin, ["title": "a", "artist": "B", "album": "Old", "year": "1971", "genre": "Rock"])
        Self.nextMillisecond()
        try client.libraryTrack(token: fixture.admin, ["title": "b", "artist": "A", "album": "Mid", "year": "1990", "genre": "Jazz"])
        Self.nextMillisecond()
        try client.libraryTrack(token: fixture.admin, ["title": "c", "artist": "C", "album": "New", "year": "2020", "genre": "rock"])
        #expect(try client.items("/api/v1/albums?sort=year").strings("name") == ["Old", "Mid", "New"])
        #expect(try client.items("/api/v1/albums?sort=newest").strings("name") == ["New", "Mid", "Old"])
        #expect(try client.items("/api/v1/albums?sort=artist").strings("name") == ["Mid", "Old", "New"])
        #expect(try client.items("/api/v1/albums?genre=ROCK&sort=name").strings("name") == ["New", "Old"])
        #expect(try client.items("/api/v1/albums?year_from=1980&year_to=2000").strings("name") == ["Mid"])
        #expect(try client.items("/api/v1/albums?q=ol").strings("name") == ["Old"])
        #expect(Set(try client.items("/api/v1/albums?sort=random").strings("name")) == ["Old", "Mid", "New"])
        #expect(try client.get("/api/v1/albums?sort=recent").status == 401)
        #expect(try client.get("/api/v1/albums?year_from=soon").status == 422)
        #expect(try client.get("/api/v1/albums?artist_id=nope").status == 422)
        let genres = try client.items("/api/v1/genres")
        #expect(genres.count == 2)
        let rock = try #require(genres.first { ($0["name"] as? String)?.lowercased() == "rock" })
        #expect(rock["track_count"] as? Int == 2 && rock["album_count"] as? Int == 2)
    }
}
