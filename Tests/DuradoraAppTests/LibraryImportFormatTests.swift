import DuradoraApp
import DuradoraTestSupport
import Foundation
import Testing

/// Tags and formats of imported files: MP3 with ID3v2.4, v2.3 and v1, FLAC, Ogg Vorbis, Opus and WAV; each
/// streams as the file it is, with its own content type.
@Suite struct LibraryImportFormatTests {
    /// An ID3v2.3 tag (big-endian frame sizes, ISO-8859-1 text, "(17)Rock" genre), as older taggers write it.
    static func id3v23(_ frames: [(String, String)]) -> [UInt8] {
        var body: [UInt8] = []
        for (id, text) in frames {
            let payload = [0] + Array(text.utf8)
            let size = UInt32(payload.count)
            body += Array(id.utf8) + [UInt8(size >> 24), UInt8(size >> 16 & 0xFF), UInt8(size >> 8 & 0xFF), UInt8(size & 0xFF)]
            body += [0, 0] + payload
        }
        let size = body.count
        let syncsafe = [UInt8(size >> 21 & 0x7F), UInt8(size >> 14 & 0x7F), UInt8(size >> 7 & 0x7F), UInt8(size & 0x7F)]
        return Array("ID3".utf8) + [3, 0, 0] + syncsafe + body
    }

    /// The 128-byte ID3v1.1 tag.
    static func id3v1(title: String, artist: String, album: String, year: String, track: UInt8) -> [UInt8] {
        func field(_ text: String, _ length: Int) -> [UInt8] {
            Array(Array(text.utf8).prefix(length)) + [UInt8](repeating: 0, count: max(0, length - text.utf8.count))
        }
        return Array("TAG".utf8) + field(title, 30) + field(artist, 30) + field(album, 30) + field(year, 4)
            + field("", 28) + [0, track, 255]
    }

    @Test func everyFormatsTagsAreReadAndTheFileStreamsAsItIs() throws {
        let scratch = try AudioScratch()
        let music = scratch.path("music")
        try FileManager.default.createDirectory(atPath: music, withIntermediateDirectories: true)
        let frames = try scratch.mp3("frames.mp3", seconds: 0.2)
        let v24 = ID3Tag(title: "Four", artist: "Tagger", album: "Versions", genre: "Pop", year: 2004, trackNumber: 4,
                         albumArtist: "Various", discNumber: 2)
        try Data(v24.encoded() + frames).write(to: URL(fileURLWithPath: "\(music)/v24.mp3"))
        let v23 = Self.id3v23([("TIT2", "Three"), ("TPE1", "Tagger"), ("TALB", "Versions"), ("TCON", "(17)Rock"),
                               ("TYER", "2003"), ("TRCK", "3/9"), ("TPE2", "Various"), ("TPOS", "1/2")])
        try Data(v23 + frames).write(to: URL(fileURLWithPath: "\(music)/v23.mp3"))
        let v1 = Self.id3v1(title: "One", artist: "Old", album: "Classic", year: "1999", track: 7)
        try Data(frames + v1).write(to: URL(fileURLWithPath: "\(music)/v1.mp3"))
        let tag = ID3Tag(title: "Lossless", artist: "Encoder", album: "Formats", genre: "Test", year: 2020, trackNumber: 2)
        for (name, format, rate) in [("a.flac", SoundFileFormat.flac16, 44100), ("b.ogg", .oggVorbis, 44100),
                                     ("c.opus", SoundFileFormat(.oggOpus), 48000), ("d.wav", .wav16, 44100)] {
            try AudioFixtures.writeTone(to: "\(music)/\(name)", format: format, seconds: 0.3, sampleRate: rate,
                                        noise: 0.01, tag: tag)
        }

        let fixture = try AdminFixture()
        defer { fixture.stop() }
        let client = fixture.client
        let scan = try LibraryImportTests.scan(client, music, token: fixture.admin)
        #expect(scan["added"] as? Int == 7, "\(scan)")
        let tracks = try client.items("/api/v1/tracks?limit=50")
        func track(_ title: String) throws -> [String: Any] { try #require(tracks.first { $0["title"] as? String == title }) }

        let four = try track("Four")
        #expect(four["album_artist"] as? String == "Various" && four["disc_number"] as? Int == 2)
        #expect(four["year"] as? Int == 2004 && four["genre"] as? String == "Pop" && four["format"] as? String == "mp3")
        let three = try track("Three")
        #expect(three["genre"] as? String == "Rock" && three["track_number"] as? Int == 3 && three["disc_number"] as? Int == 1)
        #expect(three["album_id"] as? String == four["album_id"] as? String)  // same album artist and album
        let one = try track("One")
        #expect(one["artist"] as? String == "Old" && one["album"] as? String == "Classic" && one["year"] as? Int == 1999)
        #expect(one["track_number"] as? Int == 7)

        let byFormat = Dictionary(tracks.compactMap { item in (item["format"] as? String).map { ($0, item) } }) { a, _ in a }
        for (format, contentType, file) in [("flac", "audio/flac", "a.flac"), ("ogg", "audio/ogg", "b.ogg"),
                                            ("opus", "audio/ogg; codecs=opus", "c.opus"), ("wav", "audio/wav", "d.wav")] {
            let item = try #require(byFormat[format], "no \(format) track in \(tracks.map { $0["format"] ?? "" })")
            #expect(item["title"] as? String == "Lossless")
            #expect(item["artist"] as? String == "Encoder")
            #expect(item["content_type"] as? String == contentType)
            #expect(abs((item["duration_seconds"] as? Double ?? 0) - 0.3) < 0.05)
            if format != "wav" {  // RIFF INFO has no album or track number field libsndfile fills
                #expect(item["album"] as? String == "Formats" && item["year"] as? Int == 2020)
            }
            let stream = try client.get("/api/v1/tracks/\(item["id"] as? String ?? "")/stream?format=raw")
            #expect(stream.status == 200)
            #expect(stream.header("Content-Type") == contentType)
            #expect(stream.body == (try scratch.bytes("music/\(file)")))
        }
        // The folder is never written to: editing an imported track changes the database only.
        let before = try scratch.bytes("music/v24.mp3")
        let id = four["id"] as? String ?? ""
        #expect(try client.patchJSON("/api/v1/tracks/\(id)", #"{"title":"Renamed"}"#, token: fixture.admin).status == 200)
        #expect(try scratch.bytes("music/v24.mp3") == before)
        #expect(try client.track(id).json()["title"] as? String == "Renamed")
    }
}
