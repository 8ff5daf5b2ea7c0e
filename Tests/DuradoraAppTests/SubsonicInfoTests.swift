import DuradoraTestSupport
import Foundation
import Testing
@testable import DuradoraApp

/// Artist and album info from the library (cover images, artists sharing a genre), and lyrics from the files:
/// ID3 USLT and SYLT, and a `.lrc` beside an imported track.
@Suite struct SubsonicInfoTests {
    /// Writes `files` (artist, album, genre, extra ID3 frames) as tagged MP3s under `music/<album>/`.
    static func writeLibrary(_ scratch: AudioScratch, _ files: [(String, String, String, [(id: String, payload: [UInt8])])])
        throws -> String {
        let frames = try scratch.mp3("frames.mp3", seconds: 0.05)
        let music = scratch.path("music")
        for (index, (artist, album, genre, extra)) in files.enumerated() {
            let folder = "\(music)/\(album)"
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            let tag = ID3Tag(title: "Song \(index)", artist: artist, album: album, genre: genre).encoded(otherFrames: extra)
            try Data(tag + frames).write(to: URL(fileURLWithPath: "\(folder)/song\(index).mp3"))
        }
        return music
    }

    /// name (or `title`) → id of the items at `path` in the answer of `endpoint`.
    static func ids(_ client: TestClient, _ auth: [(String, String)], _ endpoint: String, _ path: String...,
                    nameKey: String = "name") throws -> [String: String] {
        var node: Any? = try client.subsonicJSON(endpoint, auth)
        for key in path { node = (node as? [String: Any])?[key] }
        return Dictionary(((node as? [[String: Any]]) ?? []).map { ($0[nameKey] as? String ?? "", $0["id"] as? String ?? "") }) { a, _ in a }
    }

    @Test func artistAndAlbumInfoCarryOurCoverThumbnailsAndArtistsSharingAGenre() throws {
        let scratch = try AudioScratch()
        let picture = try LibraryCoverTests.jpeg(in: scratch)
        let music = try Self.writeLibrary(scratch, [
            ("Band", "First", "Rock", [LibraryCoverTests.apic(picture)]), ("Band", "Second", "Rock", []),
            ("Others", "Third", "Rock", []), ("Loud", "Fourth", "Rock", []), ("Loud", "Fifth", "Rock", []),
            ("Trio", "Sixth", "Jazz", []),
        ])
        let fixture = try SubsonicFixture()
        defer { fixture.stop() }
        let client = fixture.client
        #expect(try LibraryImportTests.scan(client, music, token: fixture.admin.admin)["added"] as? Int == 6)
        let artists = try client.subsonicJSON("getArtists", fixture.aliceAuth)
        let entries = ((artists["artists"] as? [String: Any])?["index"] as? [[String: Any]] ?? [])
            .flatMap { $0["artist"] as? [[String: Any]] ?? [] }
        let artistIDs = Dictionary(uniqueKeysWithValues: entries.map { ($0["name"] as? String ?? "", $0["id"] as? String ?? "") })
        let band = try #require(client.subsonicJSON("getArtistInfo2", fixture.aliceAuth + [("id", artistIDs["Band"] ?? "")])["artistInfo2"] as? [String: Any])
        #expect(band["biography"] as? String == "")
        // Loud shares two Rock albums with Band, Others one; Trio plays Jazz.
        #expect((band["similarArtist"] as? [[String: Any]])?.map { $0["name"] as? String } == ["Loud", "Others"])
        #expect((band["similarArtist"] as? [[String: Any]])?.first?["albumCount"] as? Int == 2)
        let bandHasCover = entries.first { $0["name"] as? String == "Band" }?["coverArt"] != nil
        #expect((band["largeImageUrl"] != nil) == bandHasCover)
        let limited = try client.subsonicJSON("getArtistInfo", fixture.aliceAuth + [("id", artistIDs["Band"] ?? ""), ("count", "1")])
        #expect(((limited["artistInfo"] as? [String: Any])?["similarArtist"] as? [[String: Any]])?.count == 1)
        let trio = try client.subsonicJSON("getArtistInfo2", fixture.aliceAuth + [("id", artistIDs["Trio"] ?? "")])
        #expect((trio["artistInfo2"] as? [String: Any])?["similarArtist"] == nil)

        let albums = try Self.ids(client, fixture.aliceAuth + [("type", "alphabeticalByName"), ("size", "10")],
                                  "getAlbumList2", "albumList2", "album")
        let first = try #require(client.subsonicJSON("getAlbumInfo2", fixture.aliceAuth + [("id", albums["First"] ?? "")])["albumInfo"] as? [String: Any])
        #expect(first["notes"] as? String == "")
        // The image URLs are our cover route at three sizes, and a client fetches them without credentials.
        var etags: Set<String> = []
        for (key, size) in [("smallImageUrl", 150), ("mediumImageUrl", 300), ("largeImageUrl", 600)] {
            let url = try #require(first[key] as? String)
            #expect(url.hasSuffix("/api/v1/albums/\(albums["First"] ?? "")/cover?size=\(size)"))
            let path = try #require(url.range(of: "/api/v1/")).lowerBound
            let image = try client.get(String(url[path...]))
            #expect(image.status == 200)
            #expect(image.header("Content-Type") == "image/jpeg")
            #expect(LibraryCoverTests.jpegSize(image.body) != nil)
            etags.insert(image.header("ETag") ?? "")
        }
        #expect(etags.count == 3)
        let second = try client.subsonicJSON("getAlbumInfo", fixture.aliceAuth + [("id", albums["Second"] ?? "")])
        #expect((second["albumInfo"] as? [String: Any])?["smallImageUrl"] == nil)
        // XML: the text fields are elements, as the XSD has them.
        let xml = try client.subsonic("getAlbumInfo2", fixture.aliceAuth + [("id", albums["First"] ?? "")]).text
        #expect(xml.contains("<albumInfo><notes></notes><smallImageUrl>http"))
        #expect(Subsonic.error(try client.subsonicJSON("getArtistInfo2", fixture.aliceAuth + [("id", UUID().uuidString)])) == 70)
    }

    @Test func lyricsComeFromID3FramesAndAnLRCFileBesideTheTrack() throws {
        let scratch = try AudioScratch()
        let unsynced: (id: String, payload: [UInt8]) = ("USLT", [3] + Array("eng".utf8) + [0] + Array("Hello\nWorld".utf8))
        var sylt: [UInt8] = [3] + Array("eng".utf8) + [2, 1, 0]
        for (text, time) in [("\nHello", 1000), ("\nWorld", 2500)] {
            sylt += Array(text.utf8) + [0, UInt8(time >> 24 & 0xFF), UInt8(time >> 16 & 0xFF), UInt8(time >> 8 & 0xFF), UInt8(time & 0xFF)]
        }
        let music = try Self.writeLibrary(scratch, [
            ("Singer", "Tagged", "Pop", [unsynced, ("SYLT", sylt)]), ("Singer", "Beside", "Pop", []), ("Singer", "Plain", "Pop", []),
        ])
        try Data("[ar:Singer]\n[offset:+500]\n[00:02.00]First\n[00:03.50][00:06.00]Again\n".utf8)
            .write(to: URL(fileURLWithPath: "\(music)/Beside/song1.lrc"))
        let fixture = try SubsonicFixture()
        defer { fixture.stop() }
        let client = fixture.client
        #expect(try LibraryImportTests.scan(client, music, token: fixture.admin.admin)["added"] as? Int == 3)
        let songs = try Self.ids(client, fixture.aliceAuth + [("query", ""), ("songCount", "10")], "search3", "searchResult3", "song",
                                 nameKey: "title")
        func structured(_ title: String) throws -> [[String: Any]] {
            let answer = try client.subsonicJSON("getLyricsBySongId", fixture.aliceAuth + [("id", songs[title] ?? "")])
            #expect(answer["status"] as? String == "ok", "\(title): \(answer) \(songs)")
            return (answer["lyricsList"] as? [String: Any])?["structuredLyrics"] as? [[String: Any]] ?? []
        }
        func lines(_ lyrics: [String: Any]) -> [String] {
            (lyrics["line"] as? [[String: Any]] ?? []).map { $0["value"] as? String ?? "" }
        }
        let tagged = try structured("Song 0")
        try #require(tagged.count == 2)
        #expect(tagged.map { $0["lang"] as? String } == ["eng", "eng"])
        #expect(tagged.map { $0["synced"] as? Bool } == [false, true])
        #expect(lines(tagged[0]) == ["Hello", "World"])
        #expect((tagged[1]["line"] as? [[String: Any]])?.map { "\($0["start"] as? Int ?? -1) \($0["value"] as? String ?? "")" }
                == ["1000 Hello", "2500 World"])
        #expect(tagged[0]["displayArtist"] as? String == "Singer")
        // The .lrc: header tags dropped, a repeated line twice, the offset applied (500 ms sooner).
        let beside = try structured("Song 1")
        #expect(beside.count == 1)
        #expect(beside.first?["lang"] as? String == "und")
        #expect((beside.first?["line"] as? [[String: Any]])?.map { "\($0["start"] as? Int ?? -1) \($0["value"] as? String ?? "")" }
                == ["1500 First", "3000 Again", "5500 Again"])
        #expect(try structured("Song 2").isEmpty)
        let xml = try client.subsonic("getLyricsBySongId", fixture.aliceAuth + [("id", songs["Song 0"] ?? "")]).text
        #expect(xml.contains(#"<line start="1000">Hello</line>"#))
        // Subsonic's getLyrics: by artist and title, the plain text.
        let plain = try client.subsonicJSON("getLyrics", fixture.aliceAuth + [("artist", "singer"), ("title", "Song 0")])
        #expect((plain["lyrics"] as? [String: Any])?["value"] as? String == "Hello\nWorld")
        #expect((plain["lyrics"] as? [String: Any])?["title"] as? String == "Song 0")
        let none = try client.subsonicJSON("getLyrics", fixture.aliceAuth + [("artist", "Singer"), ("title", "Song 2")])
        #expect((none["lyrics"] as? [String: Any])?["value"] as? String == "")
        let extensions = try client.subsonicJSON("getOpenSubsonicExtensions", [])
        #expect((extensions["openSubsonicExtensions"] as? [[String: Any]])?.contains { $0["name"] as? String == "songLyrics" } == true)
        #expect(Subsonic.error(try client.subsonicJSON("getLyricsBySongId", fixture.aliceAuth + [("id", UUID().uuidString)])) == 70)
    }
}
