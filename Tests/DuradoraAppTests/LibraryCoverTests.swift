import DuradoraTestSupport
import Foundation
import Testing
@testable import DuradoraApp

/// Cover art: embedded and folder pictures of imported files, uploaded album covers, thumbnails by size and
/// format with ETags, visibility, and tag edits that keep the picture.
@Suite struct LibraryCoverTests {
    /// A real JPEG, made by libvips from a generated PPM (a gradient, so the encoder has something to do).
    static func jpeg(in scratch: AudioScratch, width: Int = 64, height: Int = 48) throws -> [UInt8] {
        var ppm = Array("P6\n\(width) \(height)\n255\n".utf8)
        for y in 0..<height { for x in 0..<width { ppm += [UInt8(x * 4 % 256), UInt8(y * 5 % 256), 128] } }
        let path = scratch.path("picture-\(width)x\(height).ppm")
        try Data(ppm).write(to: URL(fileURLWithPath: path))
        return try VipsImage(thumbnailOf: path, size: max(width, height)).encoded(webP: false)
    }

    /// An APIC frame payload: UTF-8 encoding, MIME, front cover, empty description, the picture.
    static func apic(_ picture: [UInt8]) -> (id: String, payload: [UInt8]) {
        ("APIC", [3] + Array("image/jpeg".utf8) + [0, 3, 0] + picture)
    }

    /// (width, height) from a JPEG's start-of-frame marker.
    static func jpegSize(_ bytes: [UInt8]) -> (Int, Int)? {
        var index = 2
        while index + 9 < bytes.count {
            guard bytes[index] == 0xFF else { return nil }
            let marker = bytes[index + 1]
            if (0xC0...0xC2).contains(marker) {
                return (Int(bytes[index + 7]) << 8 | Int(bytes[index + 8]), Int(bytes[index + 5]) << 8 | Int(bytes[index + 6]))
            }
            index += 2 + (Int(bytes[index + 2]) << 8 | Int(bytes[index + 3]))
        }
        return nil
    }

    @Test func importedPicturesServeAsThumbnailsWithETags() throws {
        let scratch = try AudioScratch()
        let picture = try Self.jpeg(in: scratch)
        let frames = try scratch.mp3("frames.mp3", seconds: 0.05)
        let music = scratch.path("music")
        for folder in ["Embedded", "Folder", "None"] {
            try FileManager.default.createDirectory(atPath: "\(music)/\(folder)", withIntermediateDirectories: true)
        }
        let embedded = ID3Tag(title: "E", artist: "Pics", album: "Embedded").encoded(otherFrames: [Self.apic(picture)])
        try Data(embedded + frames).write(to: URL(fileURLWithPath: "\(music)/Embedded/e.mp3"))
        try Data(ID3Tag(title: "F", artist: "Pics", album: "Folder").encoded() + frames)
            .write(to: URL(fileURLWithPath: "\(music)/Folder/f.mp3"))
        try Data(picture).write(to: URL(fileURLWithPath: "\(music)/Folder/Cover.JPG"))
        try Data(ID3Tag(title: "N", artist: "Plain", album: "None").encoded() + frames)
            .write(to: URL(fileURLWithPath: "\(music)/None/n.mp3"))

        let fixture = try AdminFixture()
        defer { fixture.stop() }
        let client = fixture.client
        #expect(try LibraryImportTests.scan(client, music, token: fixture.admin)["added"] as? Int == 3)
        let albums = try client.items("/api/v1/albums?sort=name")
        #expect(albums.strings("name") == ["Embedded", "Folder", "None"])
        #expect(albums[0]["cover_url"] is String && albums[1]["cover_url"] is String && albums[2]["cover_url"] is NSNull)
        let id = albums[0]["id"] as? String ?? ""

        let small = try client.get("/api/v1/albums/\(id)/cover?size=32")
        #expect(small.status == 200 && small.header("Content-Type") == "image/jpeg")
        #expect(Self.jpegSize(small.body).map { [$0.0, $0.1] } == [32, 32])
        let large = try client.get("/api/v1/albums/\(id)/cover?size=40")
        #expect(Self.jpegSize(large.body).map { [$0.0, $0.1] } == [40, 40])
        let etag = try #require(small.header("ETag"))
        #expect(large.header("ETag") != etag)
        #expect(try client.get("/api/v1/albums/\(id)/cover?size=32", headers: ["If-None-Match": etag]).status == 304)
        let webp = try client.get("/api/v1/albums/\(id)/cover?size=32", headers: ["Accept": "image/webp,*/*"])
        #expect(webp.header("Content-Type") == "image/webp" && webp.body.starts(with: Array("RIFF".utf8)))
        // The track and the artist show the same picture; an album without one is 404.
        let track = try #require(try client.getJSON("/api/v1/albums/\(id)")["tracks"] as? [[String: Any]]).first
        #expect(try client.get("/api/v1/tracks/\(track?["id"] as? String ?? "")/cover?size=32").body == small.body)
        #expect(try client.get("/api/v1/artists/\(albums[0]["artist_id"] as? String ?? "")/cover?size=32").status == 200)
        #expect(try client.get("/api/v1/albums/\(albums[2]["id"] as? String ?? "")/cover").status == 404)
        #expect(try client.get("/api/v1/albums/\(id)/cover?size=big").status == 422)
        // One picture file for the two albums that share it, plus the thumbnails made.
        let stored = fixture.app.uploadedFiles.filter { $0.hasPrefix("covers/") && !$0.hasPrefix("covers/thumbs/") }
        #expect(stored.count == 1)
    }

    @Test func uploadedCoversAreImagesOnlyAndFollowVisibility() throws {
        let scratch = try AudioScratch()
        let picture = try Self.jpeg(in: scratch, width: 30, height: 20)
        let fixture = try AdminFixture()
        defer { fixture.stop() }
        let client = fixture.client
        let (_, ana) = try client.createUser("ana")
        let (_, bob) = try client.createUser("bob")
        let song = try client.libraryTrack(token: ana, ["title": "S", "artist": "Ana", "album": "Mine", "visibility": "public"])
        let album = try client.track(song).json()["album_id"] as? String ?? ""
        let before = fixture.app.uploadedFiles
        let text = try client.uploadRaw(token: ana, bytes: Array("not a picture".utf8), contentType: "image/png",
                                        target: "/api/v1/albums/\(album)/cover", method: "PUT")
        #expect(text.status == 415)
        #expect(fixture.app.uploadedFiles == before)
        #expect(try client.uploadRaw(token: bob, bytes: picture, contentType: "image/jpeg",
                                     target: "/api/v1/albums/\(album)/cover", method: "PUT").status == 403)
        let put = try client.uploadRaw(token: ana, bytes: picture, contentType: "image/jpeg",
                                       target: "/api/v1/albums/\(album)/cover", method: "PUT")
        #expect(put.status == 200)
        #expect(try put.json()["cover_url"] as? String == "http://127.0.0.1:\(fixture.app.port)/api/v1/albums/\(album)/cover")
        #expect(try client.get("/api/v1/albums/\(album)/cover?size=20").status == 200)

        // Private now: the cover is gone for everyone else, like the album.
        #expect(try client.patchJSON("/api/v1/tracks/\(song)", #"{"visibility":"private"}"#, token: ana).status == 200)
        #expect(try client.get("/api/v1/albums/\(album)/cover?size=20").status == 404)
        #expect(try client.get("/api/v1/albums/\(album)/cover?size=20", headers: bearer(ana)).status == 200)
    }

    @Test func rewritingTagsKeepsThePictureAndOtherFrames() throws {
        let scratch = try AudioScratch()
        let picture = try Self.jpeg(in: scratch)
        let frames = try scratch.mp3("frames.mp3", seconds: 0.05)
        let comment: (id: String, payload: [UInt8]) = ("COMM", [3] + Array("eng".utf8) + [0] + Array("kept".utf8))
        let path = scratch.path("tagged.mp3")
        try Data(ID3Tag(title: "Old").encoded(otherFrames: [Self.apic(picture), comment]) + frames)
            .write(to: URL(fileURLWithPath: path))
        try ID3Tag.rewrite(ID3Tag(title: "New", artist: "Someone"), inFileAt: path)
        #expect(try ID3Tag.read(fromFileAt: path)?.title == "New")
        #expect(try EmbeddedPicture.read(fromFileAt: path, format: .mp3) == picture)
        let bytes = try scratch.bytes("tagged.mp3")
        let size = try #require(ID3Tag.leadingTagSize(bytes))
        #expect(try ID3Tag.frames(of: Array(bytes.prefix(size))).frames.map(\.id) == ["TIT2", "TPE1", "APIC", "COMM"])
        #expect(bytes.suffix(frames.count).elementsEqual(frames))  // the audio is untouched
        // Stripping our fields still keeps the picture.
        try ID3Tag.rewrite(nil, inFileAt: path)
        #expect(try EmbeddedPicture.read(fromFileAt: path, format: .mp3) == picture)
    }
}
