import DuradoraApp
import DuradoraTestSupport
import Foundation
import Testing

/// Entries: order after every kind of edit, duplicates, reorder rules, concurrent edits, and cascades from deleted
/// tracks and users.
@Suite struct PlaylistEntryTests {
    /// An admin fixture with tracks A…E (public, metadata only) and one empty playlist.
    struct Setup {
        let fixture: AdminFixture
        let tracks: [String: String]
        let playlist: String

        init() throws {
            fixture = try AdminFixture()
            var tracks: [String: String] = [:]
            for name in ["A", "B", "C", "D", "E"] {
                tracks[name] = try fixture.client.createEmptyTrack(token: fixture.admin, query: "title=\(name)&visibility=public")
            }
            self.tracks = tracks
            playlist = try fixture.client.playlistID(token: fixture.admin, name: "Order")
        }

        var client: TestClient { fixture.client }
        var admin: String { fixture.admin }

        /// The titles in playlist order, after checking positions are 0, 1, 2, ….
        func titles(sourceLocation: SourceLocation = #_sourceLocation) throws -> [String] {
            let json = try client.playlist(playlist, token: admin).json()
            let positions = PlaylistJSON.positions(json)
            #expect(positions == Array(0..<positions.count), "positions stay dense", sourceLocation: sourceLocation)
            #expect(json["track_count"] as? Int == positions.count, sourceLocation: sourceLocation)
            return PlaylistJSON.entries(json).compactMap { ($0["track"] as? [String: Any])?["title"] as? String }
        }

        func entryIDs() throws -> [String] {
            PlaylistJSON.entryIDs(try client.playlist(playlist, token: admin).json())
        }

        @discardableResult
        func add(_ name: String, at position: Int? = nil) throws -> String {
            try client.addedEntry(playlist, track: tracks[name] ?? "", position: position, token: admin)
        }
    }

    @Test func orderAfterEveryKindOfEdit() throws {
        let setup = try Setup()
        defer { setup.fixture.stop() }
        let client = setup.client
        try setup.add("A")
        try setup.add("B")
        let c = try setup.add("C")
        #expect(try setup.titles() == ["A", "B", "C"])
        let entry = try client.addEntry(setup.playlist, track: setup.tracks["D"] ?? "", position: 0, token: setup.admin)
        #expect(entry.status == 201)
        #expect(try entry.json()["position"] as? Int == 0)
        #expect((try entry.json()["track"] as? [String: Any])?["title"] as? String == "D")
        #expect(try setup.titles() == ["D", "A", "B", "C"])
        let e = try setup.add("E", at: 2)
        #expect(try setup.titles() == ["D", "A", "E", "B", "C"])
        try setup.add("A", at: 5)  // the end, by position; a duplicate
        #expect(try setup.titles() == ["D", "A", "E", "B", "C", "A"])

        // Removing one entry closes the gap.
        #expect(try client.delete("/api/v1/playlists/\(setup.playlist)/tracks/\(e)", token: setup.admin).status == 204)
        #expect(try setup.titles() == ["D", "A", "B", "C", "A"])
        #expect(try client.delete("/api/v1/playlists/\(setup.playlist)/tracks/\(e)", token: setup.admin).status == 404)
        // Removing one of two duplicates leaves the other.
        let ids = try setup.entryIDs()
        #expect(try client.delete("/api/v1/playlists/\(setup.playlist)/tracks/\(ids[1])", token: setup.admin).status == 204)
        #expect(try setup.titles() == ["D", "B", "C", "A"])

        // Reordering: any permutation of the entry ids.
        let current = try setup.entryIDs()
        let reordered = try client.reorder(setup.playlist, [current[3], current[0], current[2], current[1]], token: setup.admin)
        #expect(reordered.status == 200, "\(reordered.text)")
        #expect(PlaylistJSON.positions(try reordered.json()) == [0, 1, 2, 3])
        #expect(try setup.titles() == ["A", "D", "C", "B"])

        // Deleting a track removes its entries, wherever they are, and closes the gaps.
        try setup.add("C", at: 0)
        #expect(try setup.titles() == ["C", "A", "D", "C", "B"])
        #expect(try client.delete("/api/v1/tracks/\(setup.tracks["C"] ?? "")", token: setup.admin).status == 204)
        #expect(try setup.titles() == ["A", "D", "B"])
        #expect(try client.delete("/api/v1/playlists/\(setup.playlist)/tracks/\(c)", token: setup.admin).status == 404)
    }

    @Test func badPositionsAndReordersChangeNothing() throws {
        let setup = try Setup()
        defer { setup.fixture.stop() }
        let client = setup.client
        for name in ["A", "B", "C"] { try setup.add(name) }
        let ids = try setup.entryIDs()
        for position in [-1, 4, 1000] {
            let response = try setup.client.addEntry(setup.playlist, track: setup.tracks["D"] ?? "", position: position,
                                                     token: setup.admin)
            #expect(response.status == 422, "position \(position)")
            #expect(response.text.contains("position"))
        }
        let path = "/api/v1/playlists/\(setup.playlist)/tracks"
        let cases: [(String, Int, String)] = [
            (#"{"entry_ids":["\#(ids[0])","\#(ids[0])","\#(ids[1])"]}"#, 422, "invalid_field"),  // repeats an id
            (#"{"entry_ids":["\#(ids[0])","\#(ids[1])"]}"#, 409, "stale_entries"),  // misses one
            (#"{"entry_ids":["\#(ids[0])","\#(ids[1])","\#(ids[2])","\#(UUID().uuidString)"]}"#, 409, "stale_entries"),
            (#"{"entry_ids":["\#(ids[0])","\#(ids[1])","\#(UUID().uuidString)"]}"#, 409, "stale_entries"),  // unknown
            (#"{"entry_ids":["\#(ids[0])","\#(ids[1])","nope"]}"#, 422, "invalid_field"),
            (#"{"entry_ids":"\#(ids[0])"}"#, 422, "invalid_field"),
            (#"{"entry_ids":[1,2,3]}"#, 422, "invalid_field"),
            (#"{}"#, 422, "invalid_field"),
            (#"{"entry_ids":["#, 400, "malformed_json"),
            (#"[]"#, 400, "bad_request"),
        ]
        for (body, status, code) in cases {
            let response = try client.putJSON(path, body, token: setup.admin)
            #expect(response.status == status, "\(body): \(response.text)")
            #expect(response.errorCode == code, "\(body)")
            #expect(try setup.titles() == ["A", "B", "C"], "\(body) changed nothing")
        }
        // An entry of another playlist is not one of these.
        let other = try client.playlistID(token: setup.admin, name: "Other")
        let foreign = try client.addedEntry(other, track: setup.tracks["A"] ?? "", token: setup.admin)
        #expect(try client.reorder(setup.playlist, [ids[0], ids[1], foreign], token: setup.admin).status == 409)
        #expect(try client.delete("/api/v1/playlists/\(setup.playlist)/tracks/\(foreign)", token: setup.admin).status == 404)
        #expect(try setup.titles() == ["A", "B", "C"])
    }

    @Test func concurrentEditsLoseNothingAndKeepPositionsDense() throws {
        let setup = try Setup()
        defer { setup.fixture.stop() }
        let app = setup.fixture.app
        let admin = setup.admin
        let playlist = setup.playlist
        let tracks = ["A", "B", "C", "D", "E"].compactMap { setup.tracks[$0] }
        let statuses = PlaylistStatusList()
        // 8 clients at once: each adds 6 entries (alternately at the top, the end and the middle) and removes the
        // first one it added; others reorder what they read, which may be stale by then (409) but never half-done.
        DispatchQueue.concurrentPerform(iterations: 8) { index in
            do {
                let client = try app.makeClient()
                var added: [String] = []
                for step in 0..<6 {
                    let position: Int? = step % 3 == 0 ? 0 : (step % 3 == 1 ? nil : 1)
                    let response = try client.addEntry(
                        playlist, track: tracks[(index + step) % tracks.count], position: position, token: admin)
                    statuses.append(response.status)
                    if let id = try? response.json()["entry_id"] as? String { added.append(id) }
                }
                let removed = try client.delete("/api/v1/playlists/\(playlist)/tracks/\(added[0])", token: admin)
                statuses.append(removed.status)
                let ids = PlaylistJSON.entryIDs(try client.playlist(playlist, token: admin).json())
                let reordered = try client.reorder(playlist, ids.reversed(), token: admin)
                #expect(reordered.status == 200 || reordered.status == 409, "\(reordered.text)")
            } catch {
                statuses.append(-1)
            }
        }
        #expect(statuses.values.filter { $0 == 201 }.count == 48)
        #expect(statuses.values.filter { $0 == 204 }.count == 8)
        let titles = try setup.titles()  // checks positions are exactly 0..<n
        #expect(titles.count == 40)
    }

    @Test(arguments: Backend.allCases) func deletingAUserRemovesTheirPlaylistsAndTheirTracksLeaveOthersPlaylists(_ backend: Backend) throws {
        let fixture = try AdminFixture(backend: backend)
        defer { fixture.stop() }
        let client = fixture.client
        let alice = try client.createUser("alice")
        let bob = try client.createUser("bob")
        let bobsTrack = try client.createEmptyTrack(token: bob.token, query: "title=Bob&visibility=public")
        let alicesTrack = try client.createEmptyTrack(token: alice.token, query: "title=Alice&visibility=public")
        let alices = try client.playlistID(token: alice.token, name: "Alice's", visibility: "public")
        try client.addedEntry(alices, track: bobsTrack, token: alice.token)
        try client.addedEntry(alices, track: alicesTrack, token: alice.token)
        try client.addedEntry(alices, track: bobsTrack, token: alice.token)
        let bobs = try client.playlistID(token: bob.token, name: "Bob's", visibility: "public")
        try client.addedEntry(bobs, track: alicesTrack, token: bob.token)

        #expect(try client.delete("/api/v1/users/\(bob.id)", token: fixture.admin).status == 204)
        #expect(try client.playlist(bobs, token: fixture.admin).status == 404)
        #expect(try client.get("/api/v1/users/bob/playlists").status == 404)
        let json = try client.playlist(alices).json()
        #expect(PlaylistJSON.trackIDs(json) == [alicesTrack])
        #expect(PlaylistJSON.positions(json) == [0])
        #expect(try client.get("/api/v1/playlists").json()["total"] as? Int == 1)
        let rows = try fixture.app.application.database.read { transaction in
            try transaction.playlists.entryCount(of: UUID(uuidString: bobs) ?? UUID())
        }
        #expect(rows == 0)
    }
}

final class PlaylistStatusList: @unchecked Sendable {
    private let lock = NSLock()
    private var list: [Int] = []
    func append(_ value: Int) { lock.withLock { list.append(value) } }
    var values: [Int] { lock.withLock { list } }
}
