import DuradoraApp
import DuradoraTestSupport
import Foundation
import Testing

/// Favourites, ratings, plays and history belong to each user.
@Suite struct ListeningTests {
    @Test(arguments: Backend.allCases) func favouritesRatingsAndPlaysArePerUser(_ backend: Backend) throws {
        let fixture = try AdminFixture(backend: backend)
        defer { fixture.stop() }
        let client = fixture.client
        let (_, ana) = try client.createUser("ana")
        let (_, bob) = try client.createUser("bob")
        let song = try client.libraryTrack(token: fixture.admin, ["title": "Song", "artist": "Band", "album": "LP"])
        let other = try client.libraryTrack(token: fixture.admin, ["title": "Other", "artist": "Band", "album": "LP"])
        let track = try client.track(song, token: ana).json()
        let albumID = track["album_id"] as? String ?? ""
        let artistID = track["artist_id"] as? String ?? ""
        #expect(track["play_count"] as? Int == 0 && track.keys.contains("starred_at") && track.keys.contains("rating"))
        #expect(!(try client.track(song).json().keys.contains("play_count")))  // anonymous: no personal fields

        for path in ["tracks/\(song)", "albums/\(albumID)", "artists/\(artistID)"] {
            #expect(try client.put("/api/v1/me/favorites/\(path)", token: ana).status == 204)
        }
        #expect(try client.put("/api/v1/me/favorites/tracks/\(UUID().uuidString.lowercased())", token: ana).status == 404)
        #expect(try client.put("/api/v1/me/favorites/songs/\(song)", token: ana).status == 404)
        #expect(try client.put("/api/v1/me/favorites/tracks/\(song)", token: "nope").status == 401)
        let favorites = try client.getJSON("/api/v1/me/favorites", token: ana)
        #expect((favorites["tracks"] as? [[String: Any]])?.strings("id") == [song])
        #expect((favorites["albums"] as? [[String: Any]])?.first?["starred_at"] is String)
        #expect((favorites["artists"] as? [[String: Any]])?.strings("id") == [artistID])
        let bobs = try client.getJSON("/api/v1/me/favorites", token: bob)
        #expect((bobs["tracks"] as? [Any])?.isEmpty == true && (bobs["albums"] as? [Any])?.isEmpty == true)
        #expect(try client.items("/api/v1/albums?sort=starred", token: ana).strings("id") == [albumID])
        #expect(try client.items("/api/v1/albums?sort=starred", token: bob).isEmpty)
        #expect(try client.delete("/api/v1/me/favorites/tracks/\(song)", token: ana).status == 204)
        #expect(try client.track(song, token: ana).json()["starred_at"] is NSNull)

        let rated = try client.put("/api/v1/tracks/\(song)/rating", token: ana, json: #"{"rating":4}"#)
        #expect(rated.status == 200)
        #expect(try rated.json()["rating"] as? Int == 4)
        #expect(try client.track(song, token: bob).json()["rating"] is NSNull)
        #expect(try client.put("/api/v1/tracks/\(song)/rating", token: ana, json: #"{"rating":6}"#).status == 422)
        #expect(try client.put("/api/v1/tracks/\(song)/rating", token: ana, json: #"{"rating":0}"#).json()["rating"] is NSNull)

        // Now playing is not a play; finished plays count per user, and history is newest first.
        #expect(try client.post("/api/v1/tracks/\(song)/plays", token: ana, json: #"{"submission":false}"#).status == 204)
        let playing = fixture.app.application.library.nowPlaying(caller: nil)
        #expect(playing.map(\.user.username) == ["ana"] && playing.first?.track.id.uuidString.lowercased() == song)
        #expect(try client.track(song, token: ana).json()["play_count"] as? Int == 0)
        #expect(try client.post("/api/v1/tracks/\(song)/plays", token: ana,
                                json: #"{"submission":true,"played_at":"2024-01-01T10:00:00Z"}"#).status == 204)
        #expect(try client.post("/api/v1/tracks/\(other)/plays", token: ana, json: #"{"submission":true}"#).status == 204)
        #expect(try client.post("/api/v1/tracks/\(song)/plays", token: bob, json: #"{"submission":true}"#).status == 204)
        #expect(fixture.app.application.library.nowPlaying(caller: nil).isEmpty)
        #expect(try client.post("/api/v1/tracks/\(song)/plays", token: ana,
                                json: #"{"played_at":"yesterday"}"#).status == 422)
        #expect(try client.track(song, token: ana).json()["play_count"] as? Int == 1)
        #expect(try client.track(song, token: bob).json()["play_count"] as? Int == 1)
        let overall = try fixture.app.application.library.overallPlays(trackID: try #require(UUID(uuidString: song)), caller: nil)
        #expect(overall.count == 2)
        let history = try client.getJSON("/api/v1/me/history", token: ana)
        #expect(history["total"] as? Int == 2)
        let entries = history["items"] as? [[String: Any]] ?? []
        #expect(entries.compactMap { ($0["track"] as? [String: Any])?["id"] as? String } == [other, song])
        #expect(entries.last?["played_at"] as? String == "2024-01-01T10:00:00.000Z")
        #expect(try client.get("/api/v1/me/history").status == 401)
        let album = try #require(try client.items("/api/v1/albums?sort=frequent", token: ana).first)
        #expect(album["play_count"] as? Int == 2)
        #expect(try client.items("/api/v1/albums?sort=recent", token: bob).first?["play_count"] as? Int == 1)
    }
}
