import DuradoraTestSupport
import Foundation
import Testing
@testable import DuradoraApp

/// Covers of uploaded tracks: the picture embedded in an upload becomes the track's (and so its album's) cover,
/// as for an imported file; a track without one shows its album's, as far as the caller may see it.
@Suite struct LibraryTrackCoverTests {
    /// A short MP3 tagged with `title` on album "Pics" by "Painter", carrying `picture` as its APIC frame.
    static func mp3(_ scratch: AudioScratch, title: String, picture: [UInt8]?) throws -> [UInt8] {
        let frames = try scratch.mp3("frames.mp3", seconds: 0.05)
        let tag = ID3Tag(title: title, artist: "Painter", album: "Pics")
        return tag.encoded(otherFrames: picture.map { [LibraryCoverTests.apic($0)] } ?? []) + frames
    }

    static func upload(_ client: TestClient, token: String, _ bytes: [UInt8], visibility: String = "public",
                       sourceLocation: SourceLocation = #_sourceLocation) throws -> [String: Any] {
        let response = try client.uploadRaw(token: token, bytes: bytes, contentType: "audio/mpeg",
                                            query: "visibility=\(visibility)")
        #expect(response.status == 201, "\(response.text)", sourceLocation: sourceLocation)
        return try response.json()
    }

    static func storedPictures(_ fixture: AdminFixture) -> [String] {
        fixture.app.uploadedFiles.filter { $0.hasPrefix("covers/") && !$0.hasPrefix("covers/thumbs/") }
    }

    @Test func anUploadsEmbeddedPictureIsTheCoverOfItsTrackAndAlbum() throws {
        let scratch = try AudioScratch()
        let fixture = try AdminFixture()
        defer { fixture.stop() }
        let client = fixture.client
        let (_, ana) = try client.createUser("ana")

        // A picture that is not an image: the upload is kept, without a cover, and leaves no picture file.
        let broken = try Self.upload(client, token: ana, try Self.mp3(scratch, title: "Broken", picture: Array(repeating: 7, count: 600)))
        #expect(broken["cover_url"] is NSNull)
        #expect(Self.storedPictures(fixture).isEmpty)
        #expect(try client.get("/api/v1/tracks/\(broken["id"] as? String ?? "")/cover").status == 404)

        let picture = try LibraryCoverTests.jpeg(in: scratch)
        let track = try Self.upload(client, token: ana, try Self.mp3(scratch, title: "Front", picture: picture))
        let id = track["id"] as? String ?? ""
        #expect(track["cover_url"] as? String == "http://127.0.0.1:\(fixture.app.port)/api/v1/tracks/\(id)/cover")
        let small = try client.get("/api/v1/tracks/\(id)/cover?size=32")
        #expect(small.status == 200 && small.header("Content-Type") == "image/jpeg")
        #expect(LibraryCoverTests.jpegSize(small.body).map { [$0.0, $0.1] } == [32, 32])
        #expect(Self.storedPictures(fixture).count == 1)

        let album = try client.getJSON("/api/v1/albums/\(track["album_id"] as? String ?? "")")
        #expect(album["cover_url"] is String)
        #expect(try client.get("/api/v1/albums/\(album["id"] as? String ?? "")/cover?size=32").body == small.body)
        // The broken upload is on the same album: it now shows the album's picture.
        let again = try client.track(broken["id"] as? String ?? "").json()
        #expect(again["cover_url"] is String)
        #expect(try client.get("/api/v1/tracks/\(broken["id"] as? String ?? "")/cover?size=32").body == small.body)
        // And so does a new upload without a picture, from its first answer on.
        let plain = try Self.upload(client, token: ana, try Self.mp3(scratch, title: "Plain", picture: nil))
        #expect(plain["cover_url"] is String)
    }

    @Test func aTrackFallsBackToItsAlbumsCoverWithoutKeepingIt() throws {
        let scratch = try AudioScratch()
        let picture = try LibraryCoverTests.jpeg(in: scratch)
        let fixture = try AdminFixture()
        defer { fixture.stop() }
        let client = fixture.client
        let (_, ana) = try client.createUser("ana")
        let (_, bob) = try client.createUser("bob")
        // A private track carries the picture; its public sibling does not.
        let secret = try Self.upload(client, token: ana, try Self.mp3(scratch, title: "Secret", picture: picture),
                                     visibility: "private")
        let open = try Self.upload(client, token: ana, try Self.mp3(scratch, title: "Open", picture: nil))
        let openID = open["id"] as? String ?? ""
        #expect(secret["cover_url"] is String)
        // Bob sees the public track only, and the private track's picture leaks neither way.
        let seen = try client.track(openID, token: bob).json()
        #expect(seen["cover_url"] is NSNull)
        #expect(try client.get("/api/v1/tracks/\(openID)/cover", headers: bearer(bob)).status == 404)
        #expect(try client.items("/api/v1/tracks?q=open", token: bob).first?["cover_url"] is NSNull)

        // An uploaded album cover is every track's fallback, in lists too.
        let albumID = open["album_id"] as? String ?? ""
        #expect(try client.uploadRaw(token: ana, bytes: picture, contentType: "image/jpeg",
                                     target: "/api/v1/albums/\(albumID)/cover", method: "PUT").status == 200)
        #expect(try client.track(openID, token: bob).json()["cover_url"] is String)
        #expect(try client.items("/api/v1/tracks?q=open", token: bob).first?["cover_url"] is String)
        let albumTracks = try client.getJSON("/api/v1/albums/\(albumID)", token: bob)["tracks"] as? [[String: Any]] ?? []
        #expect(albumTracks.map { $0["cover_url"] is String } == [true])
        #expect(try client.get("/api/v1/tracks/\(openID)/cover?size=20", headers: bearer(bob)).status == 200)

        // An edit writes the row back: the fallback must not have become the track's own picture.
        let patched = try client.patchJSON("/api/v1/tracks/\(openID)", #"{"album":"Elsewhere"}"#, token: ana)
        #expect(patched.status == 200)
        #expect(try patched.json()["cover_url"] is NSNull)
        #expect(try client.get("/api/v1/tracks/\(openID)/cover").status == 404)
    }

    @Test func replacingTheAudioWithAPicturelessFileKeepsTheCover() throws {
        let scratch = try AudioScratch()
        let fixture = try AdminFixture()
        defer { fixture.stop() }
        let client = fixture.client
        let track = try Self.upload(client, token: fixture.admin,
                                    try Self.mp3(scratch, title: "Front", picture: try LibraryCoverTests.jpeg(in: scratch)))
        let id = track["id"] as? String ?? ""
        let before = try client.get("/api/v1/tracks/\(id)/cover?size=32")
        #expect(before.status == 200)
        func replace(picture: [UInt8]?) throws -> [String: Any] {
            let response = try client.uploadRaw(token: fixture.admin, bytes: try Self.mp3(scratch, title: "Front", picture: picture),
                                                contentType: "audio/mpeg", target: "/api/v1/tracks/\(id)/audio", method: "PUT")
            #expect(response.status == 200, "\(response.text)")
            return try response.json()
        }
        let plain = try replace(picture: nil)
        #expect(plain["cover_url"] as? String == "http://127.0.0.1:\(fixture.app.port)/api/v1/tracks/\(id)/cover")
        #expect(try client.get("/api/v1/tracks/\(id)/cover?size=32").body == before.body)
        // New audio with a picture of its own brings it.
        _ = try replace(picture: try LibraryCoverTests.jpeg(in: scratch, width: 20, height: 60))
        let after = try client.get("/api/v1/tracks/\(id)/cover?size=32")
        #expect(after.status == 200 && after.body != before.body)
    }

    @Test func aSweepRemovesPicturesNothingNamesAndTheirThumbnails() throws {
        let scratch = try AudioScratch()
        let fixture = try AdminFixture()
        defer { fixture.stop() }
        let client = fixture.client
        let gone = try Self.upload(client, token: fixture.admin,
                                   try Self.mp3(scratch, title: "Gone", picture: try LibraryCoverTests.jpeg(in: scratch)))
        let kept = try Self.upload(client, token: fixture.admin,
                                   try Self.mp3(scratch, title: "Kept", picture: try LibraryCoverTests.jpeg(in: scratch, width: 20, height: 60)))
        for track in [gone, kept] {
            #expect(try client.get("/api/v1/tracks/\(track["id"] as? String ?? "")/cover?size=32").status == 200)
        }
        #expect(Self.storedPictures(fixture).count == 2)
        #expect(try client.delete("/api/v1/tracks/\(gone["id"] as? String ?? "")", token: fixture.admin).status == 204)
        let covers = try #require(fixture.app.application.library.covers)
        let sweep = LibraryCoverSweep(database: fixture.app.application.database, covers: covers)
        // Within the grace period a picture nobody names yet (an upload being written) stays.
        #expect(try sweep.run(before: Date().addingTimeInterval(-LibraryCoverSweep.grace)) == 0)
        #expect(Self.storedPictures(fixture).count == 2)
        #expect(try sweep.run(before: Date().addingTimeInterval(60)) == 1)
        #expect(Self.storedPictures(fixture).count == 1)
        let thumbnails = fixture.app.uploadedFiles.filter { $0.hasPrefix("covers/thumbs/") }
        #expect(thumbnails.count == 1)
        #expect(try client.get("/api/v1/tracks/\(kept["id"] as? String ?? "")/cover?size=32").status == 200)
        #expect(try sweep.run(before: Date().addingTimeInterval(60)) == 0)
    }

    @Test func subsonicSongsCarryTheAlbumsCover() throws {
        let scratch = try AudioScratch()
        let fixture = try SubsonicFixture()
        defer { fixture.admin.stop() }
        let client = fixture.client
        let picture = try LibraryCoverTests.jpeg(in: scratch)
        _ = try Self.upload(client, token: fixture.alice.token, try Self.mp3(scratch, title: "One", picture: picture))
        let plain = try Self.upload(client, token: fixture.alice.token, try Self.mp3(scratch, title: "Two", picture: nil))
        let album = try client.subsonicJSON("getAlbum", fixture.aliceAuth + [("id", plain["album_id"] as? String ?? "")])
        let songs = (album["album"] as? [String: Any])?["song"] as? [[String: Any]] ?? []
        #expect(songs.count == 2 && songs.allSatisfy { $0["coverArt"] is String })
        let two = try #require(songs.first { $0["title"] as? String == "Two" })
        let art = try client.subsonic("getCoverArt", fixture.aliceAuth + [("id", two["coverArt"] as? String ?? ""), ("size", "24")])
        #expect(art.status == 200 && art.header("Content-Type") == "image/jpeg")
    }
}
