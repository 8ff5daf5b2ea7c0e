@testable import DuradoraApp
import DuradoraTestSupport
import Foundation
import Testing

/// PATCH (tag rewrite without re-encoding) and DELETE.
@Suite struct TrackEditTests {
    /// Uploads half a second of WAV as `token`; returns the track id.
    static func upload(_ fixture: AdminFixture, token: String, fields: [(String, String)] = []) throws -> String {
        let scratch = try AudioScratch()
        let response = try fixture.client.uploadMultipart(token: token, fields: fields, file: ("a.wav", try scratch.tone("a.wav")))
        #expect(response.status == 201, "\(response.text)")
        return try response.json()["id"] as? String ?? ""
    }

    static func audioBytesAfterTag(_ path: String) throws -> [UInt8] {
        let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
        guard bytes.count >= 10, bytes[0..<3] == [0x49, 0x44, 0x33] else { return bytes }
        let size = bytes[6..<10].reduce(0) { ($0 << 7) | Int($1 & 0x7F) }
        return Array(bytes[(10 + size)...])
    }

    @Test func patchRewritesTheTagAndKeepsTheAudioBytes() throws {
        let fixture = try AdminFixture()
        defer { fixture.stop() }
        let id = try Self.upload(fixture, token: fixture.admin, fields: [("title", "Old"), ("genre", "Jazz")])
        let path = fixture.app.application.tracks.storedPath(of: UUID(uuidString: id)!)
        let audioBefore = try Self.audioBytesAfterTag(path)

        let response = try fixture.client.patchJSON(
            "/api/v1/tracks/\(id)",
            #"{"title":"Nouveau Titre ✓","artist":"Someone","album":"LP","year":2021,"track_number":7,"genre":null}"#,
            token: fixture.admin)
        #expect(response.status == 200, "\(response.text)")
        let json = try response.json()
        #expect(json["title"] as? String == "Nouveau Titre ✓")
        #expect(json["genre"] is NSNull)
        #expect(json["year"] as? Int == 2021)
        // The edit is a new version of the file: the old one is gone, only the new one is stored.
        let edited = fixture.app.application.tracks.storedPath(of: UUID(uuidString: id)!)
        #expect(edited != path && !FileManager.default.fileExists(atPath: path))
        #expect(fixture.app.uploadedFiles.count == 1)
        #expect(json["size_bytes"] as? Int == (try AudioFixtures.fileSize(edited)))

        let tag = try ID3Tag.read(fromFileAt: edited)
        #expect(tag == ID3Tag(title: "Nouveau Titre ✓", artist: "Someone", album: "LP", year: 2021, trackNumber: 7))
        #expect(try Self.audioBytesAfterTag(edited) == audioBefore)
        // And GET agrees with what PATCH answered.
        let shown = try fixture.client.track(id, token: fixture.admin).json()
        #expect(shown["artist"] as? String == "Someone")
        #expect(shown["track_number"] as? Int == 7)
    }

    @Test func patchValidatesFieldsAndChangesVisibility() throws {
        let fixture = try AdminFixture()
        defer { fixture.stop() }
        let id = try fixture.client.createEmptyTrack(token: fixture.admin, query: "title=T")
        for body in [#"{"year":"2020"}"#, #"{"year":true}"#, #"{"track_number":1.5}"#, #"{"visibility":"hidden"}"#,
                     #"{"title":5}"#] {
            let response = try fixture.client.patchJSON("/api/v1/tracks/\(id)", body, token: fixture.admin)
            #expect(response.status == 422, "\(body): \(response.text)")
        }
        let changed = try fixture.client.patchJSON("/api/v1/tracks/\(id)", #"{"visibility":"private"}"#, token: fixture.admin)
        #expect(try changed.json()["visibility"] as? String == "private")
        #expect(try changed.json()["title"] as? String == "T")  // untouched
    }

    @Test func onlyOwnerOrAdminMayChangeOrDelete() throws {
        let fixture = try AdminFixture()
        defer { fixture.stop() }
        let alice = try fixture.client.createUser("alice")
        let bob = try fixture.client.createUser("bob")
        let linkID = try fixture.client.createEmptyTrack(token: alice.token, query: "title=Mine")
        let privateID = try fixture.client.createEmptyTrack(token: alice.token, query: "title=Secret&visibility=private")
        // Bob can see the link track (403 to change it) but not the private one (404).
        #expect(try fixture.client.patchJSON("/api/v1/tracks/\(linkID)", #"{"title":"x"}"#, token: bob.token).status == 403)
        #expect(try fixture.client.delete("/api/v1/tracks/\(linkID)", token: bob.token).status == 403)
        #expect(try fixture.client.patchJSON("/api/v1/tracks/\(privateID)", #"{"title":"x"}"#, token: bob.token).status == 404)
        #expect(try fixture.client.delete("/api/v1/tracks/\(privateID)", token: bob.token).status == 404)
        #expect(try fixture.client.request("DELETE", "/api/v1/tracks/\(linkID)").status == 401)
        // The admin may.
        #expect(try fixture.client.patchJSON("/api/v1/tracks/\(privateID)", #"{"title":"y"}"#, token: fixture.admin).status == 200)
        #expect(try fixture.client.delete("/api/v1/tracks/\(linkID)", token: alice.token).status == 204)
        #expect(try fixture.client.track(linkID, token: alice.token).status == 404)
    }

    @Test func deleteRemovesRowAndFile() throws {
        let fixture = try AdminFixture()
        defer { fixture.stop() }
        let id = try Self.upload(fixture, token: fixture.admin)
        #expect(fixture.app.uploadedFiles.count == 1)
        #expect(try fixture.client.delete("/api/v1/tracks/\(id)", token: fixture.admin).status == 204)
        #expect(fixture.app.uploadedFiles.isEmpty)
        #expect(try fixture.app.trackCount() == 0)
        #expect(try fixture.client.delete("/api/v1/tracks/\(id)", token: fixture.admin).status == 404)
        #expect(try fixture.client.track("not-a-uuid").status == 404)
    }

    @Test(arguments: [false, true])
    func deletingAUserDeletesOrKeepsTheirTracks(keep: Bool) throws {
        let fixture = try AdminFixture { $0.library.keepTracksOfDeletedUsers = keep }
        defer { fixture.stop() }
        let dora = try fixture.client.createUser("dora")
        let id = try Self.upload(fixture, token: dora.token, fields: [("visibility", "public")])
        let privateID = try fixture.client.createEmptyTrack(token: dora.token, query: "title=Mine&visibility=private")
        #expect(try fixture.client.delete("/api/v1/users/\(dora.id)", token: fixture.admin).status == 204)
        if keep {
            let json = try fixture.client.track(id).json()
            #expect(json["owner_id"] is NSNull)
            #expect(try fixture.client.get("/api/v1/tracks/\(id)/stream").status == 200)
            #expect(try fixture.client.track(privateID).status == 404)  // ownerless private: admins only
            #expect(try fixture.client.track(privateID, token: fixture.admin).status == 200)
            #expect(fixture.app.uploadedFiles.count == 1)
        } else {
            #expect(try fixture.client.track(id, token: fixture.admin).status == 404)
            #expect(try fixture.app.trackCount() == 0)
            #expect(fixture.app.uploadedFiles.isEmpty)
        }
    }

    /// Installations from before versioned names keep `ab/cd/<id>.mp3`: such a file still streams, and its track's
    /// next version (here a tag edit) replaces it; a delete removes whichever is there.
    @Test func aFileInTheOlderLayoutStreamsAndGoesAtTheNextVersion() throws {
        let fixture = try AdminFixture()
        defer { fixture.stop() }
        let id = try Self.upload(fixture, token: fixture.admin, fields: [("title", "Old layout")])
        let tracks = fixture.app.application.tracks
        let older = tracks.files.audioPath(for: UUID(uuidString: id)!)
        try FileManager.default.moveItem(atPath: tracks.storedPath(of: UUID(uuidString: id)!), toPath: older)
        let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: older)))
        #expect(try fixture.client.get("/api/v1/tracks/\(id)/stream", headers: bearer(fixture.admin)).body == bytes)

        let patched = try fixture.client.patchJSON("/api/v1/tracks/\(id)", #"{"title":"New layout"}"#, token: fixture.admin)
        #expect(patched.status == 200, "\(patched.text)")
        let keyed = tracks.storedPath(of: UUID(uuidString: id)!)
        #expect(!FileManager.default.fileExists(atPath: older))
        #expect(try ID3Tag.read(fromFileAt: keyed)?.title == "New layout")
        #expect(try Self.audioBytesAfterTag(keyed) == (try Self.audioBytesAfterTag(
            { () throws -> String in
                let path = NSTemporaryDirectory() + "older-\(UUID().uuidString).mp3"
                try Data(bytes).write(to: URL(fileURLWithPath: path))
                return path
            }())))

        let second = try Self.upload(fixture, token: fixture.admin)
        let secondOlder = tracks.files.audioPath(for: UUID(uuidString: second)!)
        try FileManager.default.moveItem(atPath: tracks.storedPath(of: UUID(uuidString: second)!), toPath: secondOlder)
        #expect(try fixture.client.delete("/api/v1/tracks/\(second)", token: fixture.admin).status == 204)
        #expect(try fixture.client.delete("/api/v1/tracks/\(id)", token: fixture.admin).status == 204)
        #expect(fixture.app.uploadedFiles.isEmpty)
    }
}
