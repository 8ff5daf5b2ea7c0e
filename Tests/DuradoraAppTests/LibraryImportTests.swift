import DuradoraApp
import DuradoraTestSupport
import Foundation
import Testing

/// Importing a folder in place: a first scan, idempotent rescans, and changed, vanished and broken files.
@Suite struct LibraryImportTests {
    /// Waits for a scan started through the API and returns its final status.
    static func finishedScan(_ client: TestClient, _ id: String, token: String) throws -> [String: Any] {
        var status: [String: Any] = [:]
        _ = TestHTTPServer.eventually(within: 60) {
            status = (try? client.getJSON("/api/v1/library/scans/\(id)", token: token)) ?? [:]
            return status["state"] as? String != "running"
        }
        return status
    }

    static func scan(_ client: TestClient, _ directory: String, token: String) throws -> [String: Any] {
        let started = try client.post("/api/v1/library/scans", token: token, json: #"{"path":"\#(directory)"}"#)
        #expect(started.status == 202, "\(started.text)")
        #expect(started.header("Location")?.hasPrefix("/api/v1/library/scans/") == true)
        return try finishedScan(client, try started.json()["id"] as? String ?? "", token: token)
    }

    @Test(arguments: Backend.allCases) func twoThousandFilesThenRescansThatOnlyTouchWhatChanged(_ backend: Backend) throws {
        let fixture = try AdminFixture(backend: backend)
        defer { fixture.stop() }
        let client = fixture.client
        let scratch = try AudioScratch()
        // One tiny MP3's frames, under 2 000 different tags: real files, written in milliseconds.
        let audio = try scratch.mp3("frames.mp3", seconds: 0.05)
        let music = scratch.path("music")
        func write(_ index: Int, title: String? = nil) throws {
            let folder = "\(music)/Artist \(index / 100)/Album \(index / 20)"
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            let tag = ID3Tag(title: title ?? "Song \(index)", artist: "Artist \(index / 100)", album: "Album \(index / 20)",
                             trackNumber: index % 20 + 1)
            try Data(tag.encoded() + audio).write(to: URL(fileURLWithPath: "\(folder)/\(index).mp3"))
        }
        for index in 0..<2000 { try write(index) }

        let first = try Self.scan(client, music, token: fixture.admin)
        #expect(first["state"] as? String == "finished")
        #expect(first["files_seen"] as? Int == 2000 && first["added"] as? Int == 2000 && first["failed"] as? Int == 0)
        #expect(try client.getJSON("/api/v1/albums")["total"] as? Int == 100)
        #expect(try client.getJSON("/api/v1/artists")["total"] as? Int == 20)

        // A rescan of an unchanged folder reads nothing and changes nothing.
        let again = try Self.scan(client, music, token: fixture.admin)
        #expect(again["files_seen"] as? Int == 2000)
        #expect([again["added"], again["updated"], again["removed"], again["failed"]].compactMap { $0 as? Int } == [0, 0, 0, 0])

        // A star and a playlist entry on the file that changes stay; the vanished one leaves its playlist.
        let changed = try #require(try client.items("/api/v1/tracks?q=Song%207&limit=500").first { $0["title"] as? String == "Song 7" })
        let changedID = changed["id"] as? String ?? ""
        let vanished = try #require(try client.items("/api/v1/tracks?q=Song%208&limit=500").first { $0["title"] as? String == "Song 8" })
        #expect(try client.put("/api/v1/me/favorites/tracks/\(changedID)", token: fixture.admin).status == 204)
        let playlist = try client.playlistID(token: fixture.admin, name: "Mix", visibility: "public")
        try client.addedEntry(playlist, track: changedID, token: fixture.admin)
        try client.addedEntry(playlist, track: vanished["id"] as? String ?? "", token: fixture.admin)

        try write(7, title: "Song Seven (remastered)")
        try FileManager.default.removeItem(atPath: "\(music)/Artist 0/Album 0/8.mp3")
        try AudioFixtures.writeText(to: "\(music)/Artist 0/Album 0/broken.mp3")
        let third = try Self.scan(client, music, token: fixture.admin)
        #expect(third["files_seen"] as? Int == 2000)
        #expect(third["added"] as? Int == 0 && third["updated"] as? Int == 1 && third["removed"] as? Int == 1)
        #expect(third["failed"] as? Int == 1)
        let errors = third["errors"] as? [[String: Any]] ?? []
        #expect(errors.first?["path"] as? String == "\(music)/Artist 0/Album 0/broken.mp3")
        let track = try client.track(changedID, token: fixture.admin).json()
        #expect(track["title"] as? String == "Song Seven (remastered)")
        #expect(track["starred_at"] is String)
        #expect(try client.track(vanished["id"] as? String ?? "").status == 404)
        #expect(PlaylistJSON.trackIDs(try client.playlist(playlist).json()) == [changedID])
        #expect(try client.getJSON("/api/v1/tracks?limit=1")["total"] as? Int == 1999)
    }

    @Test(arguments: Backend.allCases) func oneScanAtATimeAndOnlyAdminsScan(_ backend: Backend) throws {
        let scratch = try AudioScratch()
        let audio = try scratch.mp3("one.mp3", seconds: 0.05)
        let music = scratch.path("music")
        try FileManager.default.createDirectory(atPath: music, withIntermediateDirectories: true)
        for index in 0..<400 { try Data(audio).write(to: URL(fileURLWithPath: "\(music)/\(index).mp3")) }
        let fixture = try AdminFixture(backend: backend) { $0.library.musicFolders = [music] }
        defer { fixture.stop() }
        let client = fixture.client
        let (_, user) = try client.createUser("listener")
        #expect(try client.post("/api/v1/library/scans", token: user, json: "{}").status == 403)
        #expect(try client.post("/api/v1/library/scans", token: fixture.admin, json: #"{"path":"relative"}"#).status == 422)
        // The configured folder is scanned at start; a second scan meanwhile is 409.
        let scanner = fixture.app.application.scanner
        if let running = try? scanner.start(folders: [music]) {
            let second = try client.post("/api/v1/library/scans", token: fixture.admin, json: "{}")
            #expect(second.status == 409 || scanner.scan(id: running.id)?.state != .running)
            _ = try Self.finishedScan(client, running.id.uuidString.lowercased(), token: fixture.admin)
        }
        #expect(TestHTTPServer.eventually { (try? client.getJSON("/api/v1/tracks?limit=1")["total"] as? Int) == 400 })
        #expect(try client.get("/api/v1/library/scans/\(UUID().uuidString)", headers: bearer(fixture.admin)).status == 404)
    }

    /// Hidden files and folders are not music; a link to a file is, a link to a folder is not walked (no loop,
    /// no second copy of an album).
    @Test(arguments: Backend.allCases) func hiddenEntriesAndLinks(_ backend: Backend) throws {
        let fixture = try AdminFixture(backend: backend)
        defer { fixture.stop() }
        let scratch = try AudioScratch()
        let audio = try scratch.mp3("frames.mp3", seconds: 0.05)
        let music = scratch.path("music")
        let manager = FileManager.default
        for folder in ["\(music)/Album", "\(music)/.trash", "\(scratch.path("elsewhere"))"] {
            try manager.createDirectory(atPath: folder, withIntermediateDirectories: true)
        }
        func write(_ path: String, _ title: String) throws {
            try Data(ID3Tag(title: title, artist: "A", album: "Album").encoded() + audio)
                .write(to: URL(fileURLWithPath: path))
        }
        try write("\(music)/Album/1.mp3", "Visible")
        try write("\(music)/Album/.2.mp3", "Hidden file")
        try write("\(music)/.trash/3.mp3", "Hidden folder")
        try write(scratch.path("elsewhere") + "/4.mp3", "Linked file")
        try manager.createSymbolicLink(atPath: "\(music)/Album/4.mp3", withDestinationPath: scratch.path("elsewhere") + "/4.mp3")
        try manager.createSymbolicLink(atPath: "\(music)/Loop", withDestinationPath: music)
        let scan = try Self.scan(fixture.client, music, token: fixture.admin)
        #expect(scan["files_seen"] as? Int == 2 && scan["added"] as? Int == 2, "\(scan)")
        let titles = try fixture.client.items("/api/v1/tracks?limit=10", token: fixture.admin)
            .compactMap { $0["title"] as? String }.sorted()
        #expect(titles == ["Linked file", "Visible"])
    }
}
