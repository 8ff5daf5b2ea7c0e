import DuradoraTestSupport
import Foundation
import Testing
@testable import DuradoraApp

/// Seeks are answered from the caches of recent streams and tokens (no database query, no `open`), and every
/// change that could alter an answer is seen by the very next request: visibility, tags, audio, deletion,
/// logout, anonymous streaming turned off.
@Suite struct TrackStreamCacheTests {
    typealias Fixture = TrackStreamTests.Fixture

    /// Statements the server's database ran during `body`.
    static func statements(_ fixture: Fixture, _ body: () throws -> Void) rethrows -> Int {
        let database = fixture.base.app.application.database
        let before = database.statementCount
        try body()
        return database.statementCount - before
    }

    @Test func aSeekAfterTheFirstRequestTakesNoQuery() throws {
        let fixture = try Fixture()
        defer { fixture.stop() }
        #expect(try fixture.get().status == 200)
        let queries = try Self.statements(fixture) {
            let seek = try fixture.get("stream", ["Range": "bytes=1000-1999"])
            #expect(seek.status == 206)
            #expect(seek.body == Array(fixture.bytes[1000...1999]))
        }
        #expect(queries == 0)
    }

    @Test func aSeekWithATokenCheckedLatelyTakesNoQuery() throws {
        let fixture = try Fixture { $0.library.anonymousStreaming = false }
        defer { fixture.stop() }
        let listener = try fixture.client.createUser("listener")
        // The token's first use records it (`last_used_at`, a write); the next request finds it in the cache.
        for _ in 0..<2 { #expect(try fixture.get("stream", bearer(listener.token)).status == 200) }
        let queries = try Self.statements(fixture) {
            let viaQuery = try fixture.client.get(
                "/api/v1/tracks/\(fixture.id)/stream?access_token=\(listener.token)", headers: ["Range": "bytes=-100"])
            #expect(viaQuery.status == 206)
            #expect(viaQuery.body == Array(fixture.bytes.suffix(100)))
        }
        #expect(queries == 0)
    }

    @Test func visibilityChangesAreSeenAtOnce() throws {
        let fixture = try Fixture()
        defer { fixture.stop() }
        let stranger = try fixture.client.createUser("stranger")
        #expect(try fixture.get().status == 200)
        #expect(try fixture.get("stream", bearer(stranger.token)).status == 200)
        let path = "/api/v1/tracks/\(fixture.id)"
        #expect(try fixture.client.patchJSON(path, #"{"visibility":"private"}"#, token: fixture.admin).status == 200)
        #expect(try fixture.get().status == 404)
        #expect(try fixture.get("stream", bearer(stranger.token)).status == 404)
        #expect(try fixture.get("download", bearer(stranger.token)).status == 404)
        #expect(try fixture.get("stream", bearer(fixture.admin)).status == 200)
        #expect(try fixture.client.patchJSON(path, #"{"visibility":"link"}"#, token: fixture.admin).status == 200)
        #expect(try fixture.get().status == 200)
    }

    @Test func aPrivateTrackHeardByItsOwnerStaysPrivate() throws {
        let fixture = try Fixture()
        defer { fixture.stop() }
        let path = "/api/v1/tracks/\(fixture.id)"
        #expect(try fixture.client.patchJSON(path, #"{"visibility":"private"}"#, token: fixture.admin).status == 200)
        let stranger = try fixture.client.createUser("stranger")
        // The owner's request puts the stream in the cache; nobody else may take it from there.
        #expect(try fixture.get("stream", bearer(fixture.admin)).status == 200)
        #expect(try fixture.get("stream", ["Range": "bytes=0-1"]).status == 404)
        #expect(try fixture.get("stream", bearer(stranger.token)).status == 404)
        #expect(try fixture.get("stream", bearer("not-a-token")).status == 404)
    }

    @Test func anonymousStreamingOffIsNotBypassedByTheCache() throws {
        let fixture = try Fixture { $0.library.anonymousStreaming = false }
        defer { fixture.stop() }
        #expect(try fixture.get("stream", bearer(fixture.admin)).status == 200)
        #expect(try fixture.get("stream", ["Range": "bytes=0-1"]).status == 401)
    }

    @Test func aTagEditIsHeardAtOnceWithANewETag() throws {
        let fixture = try Fixture()
        defer { fixture.stop() }
        let before = try fixture.get()
        let etag = try #require(before.header("ETag"))
        #expect(try fixture.get("stream", ["If-None-Match": etag]).status == 304)
        let path = "/api/v1/tracks/\(fixture.id)"
        #expect(try fixture.client.patchJSON(path, #"{"title":"Renamed"}"#, token: fixture.admin).status == 200)
        let after = try fixture.get("stream", ["If-None-Match": etag])
        #expect(after.status == 200)
        #expect(after.header("ETag") != etag)
        let stored = Array(try Data(contentsOf: URL(fileURLWithPath: fixture.path)))
        #expect(after.body == stored)
        #expect(stored != fixture.bytes)  // the tag rewrite changed the bytes
        #expect(try fixture.get("download").header("Content-Disposition")?.contains("Renamed") == true)
    }

    @Test func aDeletedTrackIsGoneAtOnce() throws {
        let fixture = try Fixture()
        defer { fixture.stop() }
        #expect(try fixture.get().status == 200)
        #expect(try fixture.client.delete("/api/v1/tracks/\(fixture.id)", token: fixture.admin).status == 204)
        #expect(try fixture.get("stream", ["Range": "bytes=0-1"]).status == 404)
    }

    @Test func aLoggedOutTokenStopsAtOnce() throws {
        let fixture = try Fixture { $0.library.anonymousStreaming = false }
        defer { fixture.stop() }
        let token = try fixture.client.loginPair("root", AdminFixture.password).access
        #expect(try fixture.get("stream", bearer(token)).status == 200)
        #expect(try fixture.get("stream", bearer(token)).status == 200)
        let logout = try fixture.client.request("POST", "/api/v1/auth/logout", headers: bearer(token))
        #expect(logout.status == 204)
        #expect(try fixture.get("stream", bearer(token)).status == 401)
        #expect(try fixture.client.get("/api/v1/tracks/\(fixture.id)/stream?access_token=\(token)").status == 401)
    }

    /// A token revoked by another process on the same database file (the CLI, say) is not kept working by the
    /// cache until its entries' 10-second max age: the change watch notices the commit within about a second.
    @Test(.disabled(if: TestApplication.backendIsPostgres, "writes SQLite's file from another connection"))
    func aTokenRevokedByAnotherProcessStopsWithinSeconds() throws {
        let fixture = try Fixture { $0.library.anonymousStreaming = false }
        defer { fixture.stop() }
        let token = try fixture.client.loginPair("root", AdminFixture.password).access
        #expect(try fixture.get("stream", bearer(token)).status == 200)
        #expect(try fixture.get("stream", bearer(token)).status == 200)  // now answered from the caches
        let database = try #require(fixture.base.app.application.database as? SQLiteDatabase, "a SQLite-only test")
        let elsewhere = try SQLiteConnection(path: database.path)
        defer { elsewhere.close() }
        #expect(try elsewhere.execute("UPDATE tokens SET revoked_at = ?", [Int(Date().timeIntervalSince1970)]) > 0)
        let started = Date()
        #expect(TestHTTPServer.eventually(within: 15) { (try? fixture.get("stream", bearer(token)).status) == 401 })
        #expect(Date().timeIntervalSince(started) < 5, "seen after the cache's max age, not from the change watch")
    }
}

/// The cache's own rules, without a server: tickets, capacity, age.
@Suite struct ReadCacheTests {
    @Test func aWriteAfterTheTicketVoidsTheStore() {
        let cache = ReadCache<Int, String>(capacity: 4, maxAge: 60)
        let ticket = cache.ticket()
        cache.invalidateAll()  // a write ended between the ticket and the store
        cache.store("stale", for: 1, ticket: ticket)
        #expect(cache.value(for: 1) == nil)
        cache.store("fresh", for: 1, ticket: cache.ticket())
        #expect(cache.value(for: 1) == "fresh")
        cache.invalidateAll()
        #expect(cache.value(for: 1) == nil)
    }

    @Test func aFullCacheDropsItsOldestEntry() {
        let cache = ReadCache<Int, Int>(capacity: 3, maxAge: 60)
        for key in 1...4 { cache.store(key * 10, for: key, ticket: cache.ticket()) }
        #expect(cache.count == 3)
        #expect(cache.value(for: 1) == nil)
        #expect(cache.value(for: 4) == 40)
    }

    @Test func entriesExpire() {
        let cache = ReadCache<Int, Int>(capacity: 3, maxAge: 0.05)
        cache.store(1, for: 1, ticket: cache.ticket())
        #expect(cache.value(for: 1) == 1)
        Thread.sleep(forTimeInterval: 0.1)
        #expect(cache.value(for: 1) == nil)
    }

    /// SQLite: the change watch reads `data_version`; PostgreSQL: the other instance's notification.
    @Test(arguments: Backend.allCases) func commitsByAnotherConnectionEmptyItWithinSeconds(_ backend: Backend) throws {
        let test = try TestStore(backend)
        defer { test.cleanUp() }
        let cache = ReadCache<Int, Int>(capacity: 3, maxAge: 60)
        cache.invalidate(onWritesTo: test.database)
        cache.store(1, for: 1, ticket: cache.ticket())
        Thread.sleep(forTimeInterval: SQLiteDatabase.changeWatchInterval * 1.5)
        #expect(cache.value(for: 1) == 1)  // nobody wrote: the watch leaves it alone
        let elsewhere = try test.openAnother()  // its own connections, no shared observers
        defer { elsewhere.close() }
        try elsewhere.write { _ = try $0.users.create(username: "elsewhere", role: .user, passwordHash: "x", createdAt: Date()) }
        #expect(TestHTTPServer.eventually(within: 5) { cache.value(for: 1) == nil })
    }

    @Test(arguments: Backend.allCases) func writesThroughTheDatabaseEmptyIt(_ backend: Backend) throws {
        let test = try TestStore(backend)
        defer { test.cleanUp() }
        let database = test.database
        let cache = ReadCache<Int, Int>(capacity: 3, maxAge: 60)
        cache.invalidate(onWritesTo: database)
        cache.store(1, for: 1, ticket: cache.ticket())
        _ = try database.read { try $0.users.count() }
        #expect(cache.value(for: 1) == 1)  // reads leave it alone
        try database.write { _ in }
        #expect(cache.value(for: 1) == nil)
    }
}

/// `UUID.parse` accepts what Foundation's `UUID(uuidString:)` accepts, minus `sscanf`'s leniency.
@Suite struct UUIDParsingTests {
    @Test func agreesWithFoundation() {
        let id = UUID()
        let samples = [
            id.uuidString, id.uuidString.lowercased(), "", "not-a-uuid", String(id.uuidString.dropLast()),
            id.uuidString + "0", id.uuidString.replacingOccurrences(of: "-", with: ""),
            "E621E1F8-C36C-495A-93FC-0C247A3E6E5F", "e621e1f8-c36c-495a-93fc-0c247a3e6e5g", "e621e1f8c-36c-495a-93fc-0c247a3e6e5",
            "e621e1f8-c36c-495a-93fc-0c247a3e6é5",
        ]
        for sample in samples {
            #expect(UUID.parse(sample) == UUID(uuidString: sample), "\(sample)")
        }
    }

    /// Ids are spelled by hand too (`lowercasedString`, the database's and the API's form): as Foundation does,
    /// and they read back, from a `Substring` as well (a path segment).
    @Test func spellsAsFoundationAndReadsBack() {
        for _ in 0..<200 {
            let id = UUID()
            #expect(id.lowercasedString == id.uuidString.lowercased())
            #expect(UUID.parse(("/" + id.lowercasedString + "/").dropFirst().dropLast()) == id)
        }
    }

    @Test func isStricterThanSscanf() {
        // Foundation's sscanf skips the space and reads "5" as the byte 0x05; an id in a URL must be exact.
        let lenient = " e621e1f8-c36c-495a-93fc-0c247a3e6e5"
        #expect(UUID(uuidString: lenient) != nil)
        #expect(UUID.parse(lenient) == nil)
    }
}
