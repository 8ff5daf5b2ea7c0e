import DuradoraApp
import DuradoraTestSupport
import Foundation
import Testing

/// Listing albums and artists, and showing an album, cost a fixed number of statements whatever the library holds.
@Suite struct LibraryLimitTests {
    @Test func listsAndPagesRunAFixedNumberOfStatements() throws {
        let fixture = try AdminFixture()
        defer { fixture.stop() }
        let client = fixture.client
        let database = fixture.app.application.database
        let (_, listener) = try client.createUser("listener")
        let first = try client.libraryTrack(token: fixture.admin, ["title": "t", "artist": "A0", "album": "Album 0"])
        #expect(try client.post("/api/v1/tracks/\(first)/plays", token: listener, json: #"{"submission":true}"#).status == 204)
        func statements(_ target: String, token: String?) throws -> Int {
            _ = try client.get(target, headers: token.map(bearer) ?? [:])  // the token is checked (and cached) once
            let before = database.statementCount
            let response = try client.get(target, headers: token.map(bearer) ?? [:])
            #expect(response.status == 200, "\(target): \(response.text)")
            return database.statementCount - before
        }
        let albumID = try client.track(first).json()["album_id"] as? String ?? ""
        let artistID = try client.track(first).json()["artist_id"] as? String ?? ""
        let targets = ["/api/v1/albums?limit=50", "/api/v1/artists?limit=50", "/api/v1/albums?sort=frequent",
                       "/api/v1/albums?sort=newest", "/api/v1/albums?sort=year", "/api/v1/albums?sort=artist",
                       "/api/v1/albums?sort=starred", "/api/v1/artists?sort=recent",
                       "/api/v1/genres", "/api/v1/me/favorites", "/api/v1/me/history",
                       "/api/v1/albums/\(albumID)", "/api/v1/artists/\(artistID)"]
        let small = try targets.map { try statements($0, token: listener) }

        // 80 more albums of 3 tracks each, written straight through the repository (240 POSTs would only be slow).
        let adminID = try #require(UUID(uuidString: fixture.adminID))
        try database.write { transaction in
            for index in 1...80 {
                for number in 1...3 {
                    let now = Date()
                    try transaction.tracks.insert(Track(
                        id: UUID(), ownerID: adminID,
                        metadata: TrackMetadata(title: "T\(number)", artist: "A\(index % 20)", album: "Album \(index % 40)",
                                                genre: "G\(index % 7)", trackNumber: number),
                        visibility: .public, status: .empty, createdAt: now, updatedAt: now))
                }
            }
        }
        let large = try targets.map { try statements($0, token: listener) }
        #expect(small == large, "statements per request: \(small) with 1 album, \(large) with 40")
        // BEGIN, the page's ids, their rows, total, COMMIT (the album page: album, tracks, the caller's plays of
        // them; the artist page: artist, its albums' ids and rows); favourites are three such lists in one
        // transaction, without totals.
        #expect(large.allSatisfy { (3...8).contains($0) }, "\(zip(targets, large).map { "\($0) \($1)" })")
        #expect(large[0] == 5 && large.last == 5, "\(zip(targets, large).map { "\($0) \($1)" })")
        #expect(try client.getJSON("/api/v1/albums?limit=50")["total"] as? Int == 40)
        #expect(try client.items("/api/v1/albums?limit=50").count == 40)
        #expect(try client.items("/api/v1/albums?limit=10&offset=35").count == 5)
    }
}
