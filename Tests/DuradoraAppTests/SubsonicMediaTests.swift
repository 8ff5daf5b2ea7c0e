import Foundation
import Testing
@testable import DuradoraApp
import DuradoraTestSupport

/// Subsonic's media methods over the REST API's machinery: `stream` options reach the same transcoder as REST
/// `/stream` (byte for byte what `max_bitrate`, `format`, `time_offset` give), and `getCoverArt` serves the
/// library's thumbnails under the `coverArt` ids items carry.
@Suite struct SubsonicMediaTests {
    @Test func maxBitRateFormatAndTimeOffsetTranscodeAsTheRESTStreamDoes() throws {
        let fixture = try SubsonicFixture()
        defer { fixture.stop() }
        let client = fixture.client
        let scratch = try AudioScratch()
        let bytes = try scratch.mp3("long.mp3", seconds: 4)
        let upload = try client.uploadRaw(token: fixture.alice.token, bytes: bytes, contentType: "audio/mpeg",
                                          query: "title=Long&artist=Band&album=First&visibility=public")
        #expect(upload.status == 201, "\(upload.text)")
        let id = try upload.json()["id"] as? String ?? ""
        let original = try client.get("/api/v1/tracks/\(id)/download", headers: bearer(fixture.alice.token)).body

        let cases: [(subsonic: [(String, String)], rest: String)] = [
            ([("maxBitRate", "64")], "max_bitrate=64"),
            ([("maxBitRate", "96"), ("format", "mp3")], "max_bitrate=96&format=mp3"),
            ([("maxBitRate", "64"), ("timeOffset", "2")], "max_bitrate=64&time_offset=2"),
            ([("format", "opus"), ("maxBitRate", "64")], "format=opus&max_bitrate=64"),
        ]
        for (options, query) in cases {
            let rest = try client.get("/api/v1/tracks/\(id)/stream?\(query)", headers: bearer(fixture.alice.token))
            let subsonic = try client.subsonic("stream", fixture.aliceAuth + [("id", id)] + options)
            #expect(subsonic.status == 200, "\(query)")
            #expect(subsonic.header("Content-Type") == rest.header("Content-Type"), "\(query)")
            #expect(subsonic.header("X-Content-Duration") == rest.header("X-Content-Duration"), "\(query)")
            #expect(subsonic.body == rest.body, "\(query): the same transcode")
            #expect(subsonic.body != original && subsonic.body.count < original.count, "\(query)")
        }
        // Offsets make shorter audio; raw is the stored file whatever else is asked.
        let offset = try client.subsonic("stream", fixture.aliceAuth + [("id", id), ("maxBitRate", "64"), ("timeOffset", "2")])
        #expect(Double(offset.header("X-Content-Duration") ?? "") ?? 9 < 2.5)
        let raw = try client.subsonic("stream", fixture.aliceAuth + [("id", id), ("format", "raw"), ("maxBitRate", "64")])
        #expect(raw.body == original)
    }

    @Test func coverArtIdsOfAlbumsAndSongsServeTheLibrarysThumbnails() throws {
        let fixture = try SubsonicFixture()
        defer { fixture.stop() }
        let client = fixture.client
        let song = try fixture.upload(token: fixture.alice.token, title: "Song", artist: "Band", album: "Covered")
        let album = try client.track(song).json()["album_id"] as? String ?? ""
        // No picture yet: no coverArt on the album, and asking anyway is "not found" (70) in the client's format.
        #expect((try client.subsonicJSON("getAlbum", fixture.aliceAuth + [("id", album)])["album"] as? [String: Any])?["coverArt"] == nil)
        #expect(Subsonic.error(try client.subsonicJSON("getCoverArt", fixture.aliceAuth + [("id", album)])) == 70)

        let picture = try LibraryCoverTests.jpeg(in: try AudioScratch(), width: 40, height: 30)
        #expect(try client.uploadRaw(token: fixture.alice.token, bytes: picture, contentType: "image/jpeg",
                                     target: "/api/v1/albums/\(album)/cover", method: "PUT").status == 200)
        let listed = try client.subsonicJSON("getAlbum", fixture.aliceAuth + [("id", album)])["album"] as? [String: Any]
        let coverArt = try #require(listed?["coverArt"] as? String)
        let cover = try client.subsonic("getCoverArt", fixture.aliceAuth + [("id", coverArt), ("size", "24")])
        #expect(cover.status == 200 && cover.header("Content-Type") == "image/jpeg")
        #expect(LibraryCoverTests.jpegSize(cover.body).map { [$0.0, $0.1] } == [24, 24])
        let rest = try client.get("/api/v1/albums/\(album)/cover?size=24")
        #expect(cover.body == rest.body && cover.header("ETag") == rest.header("ETag"))
        #expect(try client.subsonic("getCoverArt", fixture.aliceAuth + [("id", coverArt), ("size", "24")],
                                    headers: ["If-None-Match": cover.header("ETag") ?? ""]).status == 304)
    }
}
