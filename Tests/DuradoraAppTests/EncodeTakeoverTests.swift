import DuradoraTestSupport
import Foundation
import Testing
@testable import DuradoraApp

/// Background encodes outlive their instance (`TrackController+Takeover.swift`): a claim left by a dead instance
/// is taken over — finished from the upload kept in the bucket, or failed when there is none — while a live
/// instance's fresh claim is left alone; on SQLite (one server per file) whatever is unfinished at start was left.
@Suite(.serialized) struct EncodeTakeoverTests {
    /// Puts track `id` in the state a dead or a live instance leaves: `processing`, claimed by `owner` at `at`,
    /// with `upload` (WAV bytes) kept in the bucket when given.
    static func leaveEncode(
        _ app: Application, _ id: String, owner: String, at: Date, upload: [UInt8]?, filename: String? = nil
    ) throws -> String? {
        let trackID = UUID(uuidString: id)!
        var tag: String?
        if let upload {
            let path = NSTemporaryDirectory() + "takeover-\(UUID().uuidString).wav"
            try Data(upload).write(to: URL(fileURLWithPath: path))
            defer { try? FileManager.default.removeItem(atPath: path) }
            tag = try app.tracks.audio.keepUpload(path, of: trackID)
        }
        try app.database.write { transaction in
            var track = try #require(try transaction.tracks.find(id: trackID))
            track.status = .processing
            try transaction.tracks.update(track)
            try transaction.tracks.claimEncode(id: trackID, owner: owner, uploadTag: tag, filename: filename, at: at)
        }
        return tag
    }

    @Test func aDeadInstancesEncodeIsFinishedFromTheBucketAndALiveOnesIsLeftAlone() throws {
        let database = try TestPostgres.start().makeDatabase()
        let fixture = try TrackBucketTests.Fixture { $0.storage.database = database }
        defer { fixture.stop() }
        let app = fixture.base.app.application
        let client = fixture.client
        let scratch = try AudioScratch()
        let orphan = try client.createEmptyTrack(token: fixture.admin, query: "album=Left")
        let alive = try client.createEmptyTrack(token: fixture.admin, query: "title=Alive")
        let lost = try client.createEmptyTrack(token: fixture.admin, query: "title=Lost")
        let hourAgo = Date().addingTimeInterval(-3600)
        let tag = try #require(try Self.leaveEncode(app, orphan, owner: "dead-instance", at: hourAgo,
                                                    upload: try scratch.tone("o.wav", seconds: 2), filename: "Found Title.wav"))
        #expect(try fixture.objects().contains { $0.hasSuffix("-\(tag).upload") })
        _ = try Self.leaveEncode(app, alive, owner: "live-instance", at: Date(), upload: try scratch.tone("a.wav"))
        _ = try Self.leaveEncode(app, lost, owner: "dead-instance", at: hourAgo, upload: nil)

        let minuteAgo = Date().addingTimeInterval(-60)
        let taken = try app.tracks.takeOverStaleEncodes(staleBefore: minuteAgo)
        #expect(taken.resumed == 1 && taken.failed == 1)
        #expect(TestHTTPServer.eventually(within: 20) {
            (try? client.track(orphan, token: fixture.admin).json()["status"] as? String) == "ready"
        })
        let finished = try client.track(orphan, token: fixture.admin).json()
        #expect(finished["title"] as? String == "Found Title" && finished["album"] as? String == "Left")
        #expect(abs((finished["duration_seconds"] as? Double ?? 0) - 2) < 0.05)
        let stream = try client.get("/api/v1/tracks/\(orphan)/stream", headers: bearer(fixture.admin))
        #expect(stream.status == 200 && stream.body.count == finished["size_bytes"] as? Int)
        // The kept upload went with the encode's end; the live claim and its upload stay.
        #expect(TestHTTPServer.eventually(within: 5) { (try? fixture.objects().contains { $0.hasSuffix("-\(tag).upload") }) == false })
        #expect(try client.track(alive, token: fixture.admin).json()["status"] as? String == "processing")
        let failed = try client.track(lost, token: fixture.admin).json()
        #expect(failed["status"] as? String == "failed" && failed["error"] as? String == "the server stopped while encoding")
        // Nothing is taken twice.
        let again = try app.tracks.takeOverStaleEncodes(staleBefore: minuteAgo)
        #expect(again.resumed == 0 && again.failed == 0)
    }

    /// SQLite: a new start finds every unfinished encode left by the process before, however fresh its claim.
    @Test func onSQLiteAStartEndsWhatThePreviousProcessLeft() throws {
        let data = try TemporaryDirectory()
        defer { data.remove() }
        let first = try AdminFixture { $0.storage.database = data.path("duradora.sqlite3") }
        let id = try first.client.createEmptyTrack(token: first.admin, query: "title=Interrupted")
        _ = try Self.leaveEncode(first.app.application, id, owner: first.app.application.tracks.instanceID, at: Date(),
                                 upload: nil)
        first.stop()
        let second = try AdminFixture { $0.storage.database = data.path("duradora.sqlite3") }
        defer { second.stop() }
        let track = try second.client.track(id, token: second.admin).json()
        #expect(track["status"] as? String == "failed" && track["error"] as? String == "the server stopped while encoding")
        #expect(second.app.log.contains { $0.contains("encodes_failed=1") })
    }
}
