import DuradoraApp
import DuradoraTestSupport
import Foundation
import Testing

/// Subsonic shares: made, listed, changed and deleted by their owner only, and a public link that plays exactly
/// the shared tracks without login until it expires or is deleted.
@Suite struct SubsonicShareTests {
    private static func shares(_ response: [String: Any]) -> [[String: Any]] {
        (response["shares"] as? [String: Any])?["share"] as? [[String: Any]] ?? []
    }

    /// The path of a share's `url` (the test server's public URL may name another host).
    private static func path(_ share: [String: Any]) -> String {
        URL(string: share["url"] as? String ?? "")?.path ?? ""
    }

    private static func milliseconds(fromNow seconds: Double) -> String {
        String(Int((Date().timeIntervalSince1970 + seconds) * 1000))
    }

    @Test(arguments: Backend.allCases) func ownersCreateListUpdateAndDeleteSharesOthersCannot(_ backend: Backend) throws {
        let fixture = try SubsonicFixture(backend: backend)
        defer { fixture.stop() }
        let client = fixture.client
        let (one, two) = try fixture.uploadTwoSongs()
        _ = try client.createUser("bob", password: "bobpassword")
        let bobToken = try client.loginPair("bob", "bobpassword").access
        let bobAuth = [("u", "bob"), ("p", try client.makeAppPassword(token: bobToken).password)]

        let created = Self.shares(try client.subsonicJSON("createShare", fixture.aliceAuth + [
            ("id", one), ("id", two), ("description", "for the road"), ("expires", Self.milliseconds(fromNow: 3600)),
        ], post: true))
        #expect(created.count == 1)
        let share = created.first ?? [:]
        let id = share["id"] as? String ?? ""
        #expect(share["username"] as? String == "alice")
        #expect(share["description"] as? String == "for the road")
        #expect(share["expires"] is String && share["created"] is String)
        #expect(share["visitCount"] as? Int == 0)
        #expect((share["entry"] as? [[String: Any]])?.strings("id") == [one, two])
        #expect(Self.path(share).hasPrefix("/share/"))

        // XML: `shares` > `share` with `entry` children, the same values.
        let xml = try client.subsonic("getShares", fixture.aliceAuth).text
        #expect(xml.contains(#"<shares><share id="\#(id)""#))
        #expect(xml.contains(#"<entry id="\#(one)""#) && xml.contains(#"<entry id="\#(two)""#))

        // Description changes; the expiry not named stays.
        #expect(try client.subsonicJSON("updateShare", fixture.aliceAuth + [("id", id), ("description", "new")])["status"]
            as? String == "ok")
        var listed = Self.shares(try client.subsonicJSON("getShares", fixture.aliceAuth))
        #expect(listed.strings("id") == [id])
        #expect(listed.first?["description"] as? String == "new")
        #expect(listed.first?["expires"] as? String == share["expires"] as? String)

        // Bob neither sees, changes nor deletes alice's share.
        #expect(Self.shares(try client.subsonicJSON("getShares", bobAuth)).isEmpty)
        #expect(Subsonic.error(try client.subsonicJSON("updateShare", bobAuth + [("id", id), ("description", "mine")])) == 70)
        #expect(Subsonic.error(try client.subsonicJSON("deleteShare", bobAuth + [("id", id)])) == 70)
        listed = Self.shares(try client.subsonicJSON("getShares", fixture.aliceAuth))
        #expect(listed.first?["description"] as? String == "new")
        #expect(try client.get(Self.path(share)).status == 200)

        // Deleted: gone from the list, and its link opens nothing.
        #expect(try client.subsonicJSON("deleteShare", fixture.aliceAuth + [("id", id)])["status"] as? String == "ok")
        #expect(Self.shares(try client.subsonicJSON("getShares", fixture.aliceAuth)).isEmpty)
        #expect(try client.get(Self.path(share)).status == 404)
        #expect(try client.get(Self.path(share) + "/tracks/\(one)/stream").status == 404)
    }

    @Test(arguments: Backend.allCases) func badIdsAreSubsonicErrorsInTheRequestedFormat(_ backend: Backend) throws {
        let fixture = try SubsonicFixture(backend: backend)
        defer { fixture.stop() }
        let client = fixture.client
        let hidden = try fixture.upload(token: fixture.admin.admin, title: "Root's", artist: "Root", album: "Mine",
                                        visibility: "private")
        #expect(Subsonic.error(try client.subsonicJSON("createShare", fixture.aliceAuth)) == 10)
        #expect(Subsonic.error(try client.subsonicJSON("createShare", fixture.aliceAuth + [("id", "nope")])) == 70)
        // Another user's private track is nothing alice can share.
        #expect(Subsonic.error(try client.subsonicJSON("createShare", fixture.aliceAuth + [("id", hidden)])) == 70)
        #expect(Subsonic.error(try client.subsonicJSON("updateShare", fixture.aliceAuth)) == 10)
        #expect(Subsonic.error(try client.subsonicJSON("deleteShare", fixture.aliceAuth + [("id", UUID().uuidString)])) == 70)
        let xml = try client.subsonic("createShare", fixture.aliceAuth + [("id", UUID().uuidString)])
        #expect(xml.header("Content-Type") == "text/xml; charset=utf-8")
        #expect(xml.text.contains(#"status="failed""#) && xml.text.contains(#"code="70""#))
        #expect(Self.shares(try client.subsonicJSON("getShares", fixture.aliceAuth)).isEmpty)
    }

    @Test(arguments: Backend.allCases) func theLinkPlaysExactlyTheSharedTracksWithoutLogin(_ backend: Backend) throws {
        let fixture = try SubsonicFixture(backend: backend)
        defer { fixture.stop() }
        let client = fixture.client
        let secret = try fixture.upload(token: fixture.alice.token, title: "Secret", artist: "Band", album: "Demos",
                                        visibility: "private")
        let other = try fixture.upload(token: fixture.alice.token, title: "Other", artist: "Band", album: "Demos",
                                       track: 2, visibility: "private")
        // Private: no stranger hears it without the share.
        #expect(try client.get("/api/v1/tracks/\(secret)/stream").status != 200)
        let share = Self.shares(try client.subsonicJSON("createShare", fixture.aliceAuth + [("id", secret)])).first ?? [:]
        let path = Self.path(share)

        let page = try client.get(path)
        #expect(page.status == 200)
        let tracks = try page.json()["tracks"] as? [[String: Any]] ?? []
        #expect(tracks.strings("id") == [secret])
        #expect(tracks.first?["title"] as? String == "Secret")
        let streamPath = URL(string: tracks.first?["stream_url"] as? String ?? "")?.path ?? ""
        #expect(streamPath == "\(path)/tracks/\(secret)/stream")

        let whole = try client.get(streamPath)
        #expect(whole.status == 200)
        #expect(whole.header("Content-Type") == "audio/mpeg")
        let ranged = try client.get(streamPath, headers: ["Range": "bytes=10-109"])
        #expect(ranged.status == 206)
        #expect(ranged.body == Array(whole.body[10..<110]))
        #expect(ranged.header("Content-Range") == "bytes 10-109/\(whole.body.count)")

        // The owner's other private track, same album: not in the share, not through it.
        #expect(try client.get("\(path)/tracks/\(other)/stream").status == 404)
        #expect(try client.get("\(path)/tracks/\(other)/cover").status == 404)
        #expect(try client.get("/share/not-a-token/tracks/\(secret)/stream").status == 404)

        // Expired (moved into the past): refused at once, page and stream alike.
        let id = share["id"] as? String ?? ""
        _ = try client.subsonicJSON("updateShare", fixture.aliceAuth + [("id", id), ("expires", Self.milliseconds(fromNow: -1))])
        #expect(try client.get(path).status == 404)
        #expect(try client.get(streamPath, headers: ["Range": "bytes=0-99"]).status == 404)
        // Still listed for its owner, who can extend it.
        #expect(Self.shares(try client.subsonicJSON("getShares", fixture.aliceAuth)).strings("id") == [id])
        _ = try client.subsonicJSON("updateShare", fixture.aliceAuth + [("id", id), ("expires", "0")])
        #expect(try client.get(streamPath).status == 200)
    }

    @Test(arguments: Backend.allCases) func anAlbumOrPlaylistSharedIsItsTracksWhenShared(_ backend: Backend) throws {
        let fixture = try SubsonicFixture(backend: backend)
        defer { fixture.stop() }
        let client = fixture.client
        let (one, two) = try fixture.uploadTwoSongs()
        let album = (try client.subsonicJSON("getSong", fixture.aliceAuth + [("id", one)])["song"] as? [String: Any])?[
            "albumId"] as? String ?? ""
        let byAlbum = Self.shares(try client.subsonicJSON("createShare", fixture.aliceAuth + [("id", album)])).first
        #expect((byAlbum?["entry"] as? [[String: Any]])?.strings("id") == [one, two])

        let playlist = (try client.subsonicJSON("createPlaylist", fixture.aliceAuth + [("name", "Mix"), ("songId", two)])[
            "playlist"] as? [String: Any])?["id"] as? String ?? ""
        let byPlaylist = Self.shares(try client.subsonicJSON("createShare", fixture.aliceAuth + [("id", playlist)])).first ?? [:]
        // A song added to the playlist later is not in the share.
        _ = try client.subsonicJSON("updatePlaylist", fixture.aliceAuth + [("playlistId", playlist), ("songIdToAdd", one)])
        let page = try client.get(Self.path(byPlaylist)).json()
        #expect((page["tracks"] as? [[String: Any]])?.strings("id") == [two])
        #expect(try client.get(Self.path(byPlaylist) + "/tracks/\(one)/stream").status == 404)
    }
}
