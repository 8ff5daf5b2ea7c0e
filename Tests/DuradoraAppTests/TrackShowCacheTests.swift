import DuradoraTestSupport
import Foundation
import Testing
@testable import DuradoraApp

/// `GET /api/v1/tracks/{id}` is answered from a cache of recent answers after its first read (no database
/// query), and every change that could alter an answer is seen by the very next request: visibility, tags,
/// deletion, the caller's own star, logout.
@Suite struct TrackShowCacheTests {
    typealias Fixture = TrackStreamTests.Fixture

    @Test func aSecondReadTakesNoQueryAndGivesTheSameAnswer() throws {
        let fixture = try Fixture()
        defer { fixture.stop() }
        let first = try fixture.client.track(fixture.id)
        #expect(first.status == 200)
        let database = fixture.base.app.application.database
        let before = database.statementCount
        let second = try fixture.client.track(fixture.id)
        #expect(database.statementCount == before)
        #expect(second.status == 200)
        #expect(second.body == first.body)
        #expect(second.header("Content-Type") == first.header("Content-Type"))
        #expect(second.header("X-Request-Id") != first.header("X-Request-Id"))
    }

    @Test func visibilityTagsAndDeletionAreSeenAtOnce() throws {
        let fixture = try Fixture()
        defer { fixture.stop() }
        let stranger = try fixture.client.createUser("stranger")
        let path = "/api/v1/tracks/\(fixture.id)"
        for _ in 0..<2 {
            #expect(try fixture.client.track(fixture.id).status == 200)
            #expect(try fixture.client.track(fixture.id, token: stranger.token).status == 200)
        }
        #expect(try fixture.client.patchJSON(path, #"{"visibility":"private"}"#, token: fixture.admin).status == 200)
        #expect(try fixture.client.track(fixture.id).status == 404)
        #expect(try fixture.client.track(fixture.id, token: stranger.token).status == 404)
        #expect(try fixture.client.track(fixture.id, token: fixture.admin).status == 200)
        #expect(try fixture.client.patchJSON(path, #"{"visibility":"public","title":"Renamed"}"#, token: fixture.admin).status == 200)
        #expect(try fixture.client.track(fixture.id).json()["title"] as? String == "Renamed")
        #expect(try fixture.client.delete(path, token: fixture.admin).status == 204)
        #expect(try fixture.client.track(fixture.id).status == 404)
        #expect(try fixture.client.track(fixture.id, token: fixture.admin).status == 404)
    }

    /// The owner's answer is cached for the owner only: nobody else gets it, with a token or without.
    @Test func aPrivateTrackShownToItsOwnerStaysPrivate() throws {
        let fixture = try Fixture()
        defer { fixture.stop() }
        let path = "/api/v1/tracks/\(fixture.id)"
        #expect(try fixture.client.patchJSON(path, #"{"visibility":"private"}"#, token: fixture.admin).status == 200)
        let stranger = try fixture.client.createUser("stranger")
        for _ in 0..<2 { #expect(try fixture.client.track(fixture.id, token: fixture.admin).status == 200) }
        #expect(try fixture.client.track(fixture.id).status == 404)
        #expect(try fixture.client.track(fixture.id, token: stranger.token).status == 404)
        #expect(try fixture.client.track(fixture.id, token: "not-a-token").status == 404)
    }

    @Test func theCallersOwnStarIsSeenAtOnceAndOnlyByThem() throws {
        let fixture = try Fixture()
        defer { fixture.stop() }
        let listener = try fixture.client.createUser("listener")
        for _ in 0..<2 {
            #expect(try fixture.client.track(fixture.id, token: listener.token).json()["starred_at"] is NSNull)
            #expect(try fixture.client.track(fixture.id, token: fixture.admin).json()["starred_at"] is NSNull)
        }
        let star = try fixture.client.request("PUT", "/api/v1/me/favorites/tracks/\(fixture.id)",
                                              headers: bearer(listener.token))
        #expect(star.status == 204)
        #expect(try fixture.client.track(fixture.id, token: listener.token).json()["starred_at"] is String)
        #expect(try fixture.client.track(fixture.id, token: fixture.admin).json()["starred_at"] is NSNull)
        #expect(!(try fixture.client.track(fixture.id).json().keys.contains("starred_at")))
    }

    @Test func aLoggedOutTokenGetsTheAnonymousAnswerAtOnce() throws {
        let fixture = try Fixture()
        defer { fixture.stop() }
        let token = try fixture.client.loginPair("root", AdminFixture.password).access
        for _ in 0..<2 { #expect(try fixture.client.track(fixture.id, token: token).json().keys.contains("starred_at")) }
        let logout = try fixture.client.request("POST", "/api/v1/auth/logout", headers: bearer(token))
        #expect(logout.status == 204)
        let after = try fixture.client.track(fixture.id, token: token)
        #expect(after.status == 200)
        #expect(!(try after.json().keys.contains("starred_at")))
    }
}
