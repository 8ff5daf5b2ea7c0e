import DuradoraApp
import DuradoraTestSupport
import Foundation
import Testing

/// A long playlist reads in one request with a fixed number of queries (no query per entry).
@Suite struct PlaylistLimitTests {
    @Test func tenThousandEntriesReadInOneRequestWithAFixedNumberOfQueries() throws {
        let fixture = try AdminFixture()
        defer { fixture.stop() }
        let client = fixture.client
        let database = fixture.app.application.database
        let trackA = try client.createEmptyTrack(token: fixture.admin, query: "title=A&visibility=public")
        let trackB = try client.createEmptyTrack(token: fixture.admin, query: "title=B&visibility=public")
        let long = try client.playlistID(token: fixture.admin, name: "Long", visibility: "public")
        let short = try client.playlistID(token: fixture.admin, name: "Short", visibility: "public")
        try client.addedEntry(short, track: trackA, token: fixture.admin)
        // 10 000 entries written straight through the repository, in one transaction (10 000 POSTs would only
        // slow the test down).
        let longID = try #require(UUID(uuidString: long))
        let tracks = [try #require(UUID(uuidString: trackA)), try #require(UUID(uuidString: trackB))]
        try database.write { transaction in
            for position in 0..<10_000 {
                try transaction.playlists.insertEntry(
                    id: UUID(), playlistID: longID, trackID: tracks[position % 2], at: position, addedAt: Date())
            }
        }

        func statements(_ body: () throws -> TestResponse) throws -> (count: Int, response: TestResponse) {
            let before = database.statementCount
            let response = try body()
            return (database.statementCount - before, response)
        }
        let (shortCount, shortResponse) = try statements { try client.playlist(short) }
        #expect(shortResponse.status == 200)
        let (longCount, longResponse) = try statements { try client.playlist(long) }
        #expect(longResponse.status == 200)
        // BEGIN, the playlist, its entries with their tracks, COMMIT: the same for 1 entry and for 10 000.
        #expect(longCount == shortCount)
        #expect((3...4).contains(longCount), "a playlist GET ran \(longCount) statements")

        let json = try longResponse.json()
        #expect(json["track_count"] as? Int == 10_000)
        #expect(PlaylistJSON.positions(json) == Array(0..<10_000))
        #expect(PlaylistJSON.trackIDs(json).prefix(3) == [trackA, trackB, trackA])
        // Signed in with a token checked lately (it is cached), the count is the same as anonymous.
        for _ in 0..<2 { _ = try client.playlist(short, token: fixture.admin) }
        let (signedIn, signedInResponse) = try statements { try client.playlist(long, token: fixture.admin) }
        #expect(signedInResponse.status == 200)
        let (signedInShort, _) = try statements { try client.playlist(short, token: fixture.admin) }
        #expect(signedIn == signedInShort)
        #expect(signedIn == longCount)

        // Edits of a long playlist stay exact: an insert at the top shifts everything by one.
        try client.addedEntry(long, track: trackB, position: 0, token: fixture.admin)
        let after = try client.playlist(long).json()
        #expect(PlaylistJSON.positions(after) == Array(0..<10_001))
        #expect(PlaylistJSON.trackIDs(after).prefix(3) == [trackB, trackA, trackB])
        // The list totals come from one aggregate query too.
        let (listCount, list) = try statements { try client.get("/api/v1/playlists") }
        #expect((3...5).contains(listCount), "a playlist list ran \(listCount) statements")
        let items = try list.json()["items"] as? [[String: Any]] ?? []
        #expect(items.first { $0["id"] as? String == long }?["track_count"] as? Int == 10_001)
        // Deleting it deletes every entry (the gap-closing trigger stands aside for a whole playlist).
        #expect(try client.delete("/api/v1/playlists/\(long)", token: fixture.admin).status == 204)
        #expect(try database.read { try $0.playlists.entryCount(of: longID) } == 0)
    }
}
