import DuradoraApp
import DuradoraTestSupport
import Foundation
import Testing

/// `GET /api/v1/tracks`: full-text search (prefix, ranking, FTS syntax in input), filters, pagination, and the
/// visibility matrix for listing and showing.
@Suite struct TrackSearchTests {
    static func ids(_ response: TestResponse) throws -> [String] {
        (try response.json()["items"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
    }

    static func titles(_ response: TestResponse) throws -> [String] {
        (try response.json()["items"] as? [[String: Any]] ?? []).compactMap { $0["title"] as? String }
    }

    @Test(arguments: Backend.allCases) func searchMatchesWordPrefixesAndRanksTitleFirst(_ backend: Backend) throws {
        let fixture = try AdminFixture(backend: backend)
        defer { fixture.stop() }
        let client = fixture.client
        let admin = fixture.admin
        _ = try client.createEmptyTrack(token: admin, query: "title=Quiet%20Night&artist=Nobody&genre=Beatbox")
        _ = try client.createEmptyTrack(token: admin, query: "title=Beating%20Hearts&artist=Someone")
        _ = try client.createEmptyTrack(token: admin, query: "title=Yesterday&artist=The%20Beatles&album=Help")
        _ = try client.createEmptyTrack(token: admin, query: "title=Unrelated&artist=Other")

        let beat = try client.get("/api/v1/tracks?q=beat")
        #expect(try beat.json()["total"] as? Int == 3)
        // Title matches outrank artist matches, which outrank genre matches.
        #expect(try Self.titles(beat) == ["Beating Hearts", "Yesterday", "Quiet Night"])
        #expect(try Self.titles(client.get("/api/v1/tracks?q=beatles%20yest")) == ["Yesterday"])
        #expect(try Self.titles(client.get("/api/v1/tracks?q=BEATLES")) == ["Yesterday"])
        #expect(try client.get("/api/v1/tracks?q=zzz").json()["total"] as? Int == 0)
        // FTS5 syntax in the input is just text, never an error.
        for q in ["%22", "beat*%20OR", "NEAR(a", "title:x", "-", "AND"] {
            let response = try client.get("/api/v1/tracks?q=\(q)")
            #expect(response.status == 200, "\(q): \(response.text)")
        }
    }

    /// The rank normalises by length (a short title holding the word beats a long one); a common word beside a rare
    /// one finds the rare one's hits only; a two-letter prefix finds every word it starts.
    @Test(arguments: Backend.allCases) func rankWeighsLengthAndEveryColumnHit(_ backend: Backend) throws {
        let fixture = try AdminFixture(backend: backend)
        defer { fixture.stop() }
        let client = fixture.client
        let admin = fixture.admin
        _ = try client.createEmptyTrack(token: admin, query: "title=Storm%20over%20the%20long%20grey%20sea&artist=X")
        _ = try client.createEmptyTrack(token: admin, query: "title=Storm&artist=Y")
        for number in 1...30 {
            _ = try client.createEmptyTrack(token: admin, query: "title=Tune%20\(number)&artist=Z")
        }
        #expect(try Self.titles(client.get("/api/v1/tracks?q=storm")) ==
                ["Storm", "Storm over the long grey sea"])
        #expect(try Self.titles(client.get("/api/v1/tracks?q=tune%203")) == ["Tune 30", "Tune 3"])
        #expect(try client.get("/api/v1/tracks?q=tu").json()["total"] as? Int == 30)
    }

    /// Migration 13 rebuilds the search index with prefix indexes: tracks made before it are found after it, and
    /// the triggers keep the new index in step.
    @Test func prefixIndexMigrationKeepsEveryTrackSearchable() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.path("old.sqlite3")
        func track(_ title: String) -> Track {
            Track(id: UUID(), ownerID: nil, metadata: TrackMetadata(title: title, artist: "Old Artist"),
                  visibility: .public, status: .empty, createdAt: Date(), updatedAt: Date())
        }
        do {
            let old = try SQLiteDatabase.openAndMigrate(
                path: path, options: .init(migrations: Array(Migrations.sqlite.prefix(12))))
            defer { old.close() }
            try old.write { try $0.tracks.insert(track("Before the rebuild")) }
        }
        let database = try SQLiteDatabase.openAndMigrate(path: path)
        defer { database.close() }
        try database.write { try $0.tracks.insert(track("After the rebuild")) }
        func titles(_ text: String) throws -> [String?] {
            try database.read { try $0.tracks.list(TrackQuery(text: text)).items.map(\.metadata.title) }
        }
        #expect(try titles("befo") == ["Before the rebuild"])
        #expect(try titles("reb").count == 2)
        #expect(try titles("old art").count == 2)
        #expect(try titles("af reb") == ["After the rebuild"])
    }

    @Test(arguments: Backend.allCases) func filtersAndPagination(_ backend: Backend) throws {
        let fixture = try AdminFixture(backend: backend)
        defer { fixture.stop() }
        for index in 1...5 {
            _ = try fixture.client.createEmptyTrack(
                token: fixture.admin, query: "title=Song\(index)&artist=\(index % 2 == 0 ? "Even" : "Odd")&album=A&genre=Pop")
        }
        let page = try fixture.client.get("/api/v1/tracks?limit=2&offset=1")
        let json = try page.json()
        #expect(json["total"] as? Int == 5)
        #expect(json["limit"] as? Int == 2)
        #expect(json["offset"] as? Int == 1)
        #expect(try Self.titles(page) == ["Song4", "Song3"])  // newest first
        #expect(try fixture.client.get("/api/v1/tracks?artist=even").json()["total"] as? Int == 2)
        #expect(try fixture.client.get("/api/v1/tracks?artist=Odd&q=song5").json()["total"] as? Int == 1)
        #expect(try fixture.client.get("/api/v1/tracks?genre=Rock").json()["total"] as? Int == 0)
        #expect(try fixture.client.get("/api/v1/tracks?owner=\(fixture.adminID)").json()["total"] as? Int == 5)
        #expect(try fixture.client.get("/api/v1/tracks?owner=ROOT").json()["total"] as? Int == 5)  // a username
        #expect(try fixture.client.get("/api/v1/tracks?owner=nobody").json()["total"] as? Int == 0)
        #expect(try fixture.client.get("/api/v1/tracks?limit=0").status == 422)
    }

    @Test(arguments: Backend.allCases) func visibilityMatrix(_ backend: Backend) throws {
        let fixture = try AdminFixture(backend: backend)
        defer { fixture.stop() }
        let client = fixture.client
        let alice = try client.createUser("alice")
        let bob = try client.createUser("bob")
        let publicID = try client.createEmptyTrack(token: alice.token, query: "title=Shared&visibility=public")
        let linkID = try client.createEmptyTrack(token: alice.token, query: "title=Linked&visibility=link")
        let privateID = try client.createEmptyTrack(token: alice.token, query: "title=Hidden&visibility=private")

        // Listing: public tracks plus the caller's own.
        let anonymous = Set(try Self.ids(client.get("/api/v1/tracks")))
        let asBob = Set(try Self.ids(client.get("/api/v1/tracks", headers: bearer(bob.token))))
        let asAlice = Set(try Self.ids(client.get("/api/v1/tracks", headers: bearer(alice.token))))
        #expect(anonymous == [publicID])
        #expect(asBob == [publicID])
        #expect(asAlice == [publicID, linkID, privateID])
        // Searching does not reveal more than listing.
        #expect(try Self.ids(client.get("/api/v1/tracks?q=hidden", headers: bearer(bob.token))).isEmpty)
        #expect(try Self.ids(client.get("/api/v1/tracks?q=hidden", headers: bearer(alice.token))) == [privateID])
        // An admin filtering on an owner sees all of theirs.
        let adminView = try client.get("/api/v1/tracks?owner=\(alice.id)", headers: bearer(fixture.admin))
        #expect(Set(try Self.ids(adminView)) == [publicID, linkID, privateID])
        let bobView = try client.get("/api/v1/tracks?owner=\(alice.id)", headers: bearer(bob.token))
        #expect(Set(try Self.ids(bobView)) == [publicID])

        // Showing: public and link to anyone; private to owner and admins, 404 to everyone else.
        let cases: [(String, String?, Int)] = [
            (publicID, nil, 200), (publicID, bob.token, 200),
            (linkID, nil, 200), (linkID, bob.token, 200),
            (privateID, nil, 404), (privateID, bob.token, 404), (privateID, alice.token, 200),
            (privateID, fixture.admin, 200),
        ]
        for (id, token, status) in cases {
            #expect(try client.track(id, token: token).status == status, "\(id) as \(token ?? "anonymous")")
        }
    }

    @Test(arguments: Backend.allCases) func searchIndexFollowsEditsAndDeletes(_ backend: Backend) throws {
        let fixture = try AdminFixture(backend: backend)
        defer { fixture.stop() }
        let id = try fixture.client.createEmptyTrack(token: fixture.admin, query: "title=Before")
        #expect(try fixture.client.patchJSON("/api/v1/tracks/\(id)", #"{"title":"Afterwards"}"#, token: fixture.admin).status == 200)
        #expect(try Self.ids(fixture.client.get("/api/v1/tracks?q=before")).isEmpty)
        #expect(try Self.ids(fixture.client.get("/api/v1/tracks?q=after")) == [id])
        #expect(try fixture.client.delete("/api/v1/tracks/\(id)", token: fixture.admin).status == 204)
        #expect(try Self.ids(fixture.client.get("/api/v1/tracks?q=after")).isEmpty)
    }

    /// A page that does not count its total (Subsonic's) is one statement fewer, and the same page.
    @Test(arguments: Backend.allCases) func pageWithoutTotalSkipsTheCount(_ backend: Backend) throws {
        let store = try TestStore(backend)
        defer { store.cleanUp() }
        try store.database.write { transaction in
            let owner = try transaction.users.create(username: "owner", role: .user, passwordHash: "x",
                                                     createdAt: Date()).id
            for number in 1...7 {
                try transaction.tracks.insert(Track(
                    id: UUID(), ownerID: owner, metadata: TrackMetadata(title: "Song \(number)", artist: "A"),
                    visibility: .public, status: .empty, createdAt: Date(timeIntervalSince1970: Double(number)),
                    updatedAt: Date()))
            }
        }
        func page(_ countsTotal: Bool) throws -> (Page<Track>, statements: Int) {
            let before = store.database.statementCount
            let page = try store.database.read { try $0.tracks.list(
                TrackQuery(text: "song", limit: 3, offset: 2, countsTotal: countsTotal)) }
            return (page, store.database.statementCount - before)
        }
        let (counted, countedStatements) = try page(true)
        let (uncounted, uncountedStatements) = try page(false)
        #expect(counted.total == 7)
        #expect(uncounted.total == 5, "offset + items on the page")
        #expect(counted.items.map(\.id) == uncounted.items.map(\.id))
        #expect(uncountedStatements == countedStatements - 1)
    }
}
