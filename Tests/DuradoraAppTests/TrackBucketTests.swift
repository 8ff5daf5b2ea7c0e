import DuradoraHTTP
import DuradoraTestSupport
import Foundation
import Testing
@testable import DuradoraApp

/// `storage.uploads = "s3://…"`: the real server on a real SeaweedFS (`TestS3`). Uploads become objects, streams
/// proxy them with Range and validators, transcodes and tag edits work from a local copy, deletes remove every
/// version, and a store that is down is a 503 that leaves nothing behind, never a hang.
@Suite(.serialized) struct TrackBucketTests {
    /// A server whose audio lives under `tracks/` in the test bucket; `s3` is the store, `bucket` a client of it.
    struct Fixture {
        let s3: TestS3
        let base: AdminFixture
        let bucket: S3Client

        init(configure: (inout Configuration) -> Void = { _ in }) throws {
            let s3 = try S3ClientTests.startStore()
            do {
                base = try AdminFixture { config in
                    config.storage.uploads = "s3://\(TestS3.bucket)/tracks"
                    config.storage.s3.endpoint = s3.endpoint
                    config.storage.s3.accessKeyID = TestS3.accessKeyID
                    config.storage.s3.secretAccessKey = TestS3.secretAccessKey
                    configure(&config)
                }
            } catch {
                s3.stop()
                throw error
            }
            self.s3 = s3
            bucket = S3ClientTests.client(s3)
        }

        var client: TestClient { base.client }
        var admin: String { base.admin }

        /// Every object key under `tracks/`.
        func objects() throws -> [String] { try bucket.listObjects(prefix: "tracks/") }

        func object(_ key: String) throws -> [UInt8] {
            var bytes: [UInt8] = []
            _ = try bucket.getObject(key: key) { bytes += $0 }
            return bytes
        }

        /// The object key the row of track `id` names.
        func key(of id: String) throws -> String {
            let tag = try #require(try base.app.application.database.read {
                try $0.tracks.find(id: UUID(uuidString: id)!)
            }?.audio?.fileTag)
            return "tracks/" + TrackObjectKey(trackID: UUID(uuidString: id)!, fileTag: tag, fileExtension: "mp3").path
        }

        func upload(title: String) throws -> String {
            let scratch = try AudioScratch()
            let response = try client.uploadMultipart(
                token: admin, fields: [("title", title)], file: ("a.wav", try scratch.tone("a.wav", seconds: 2)))
            #expect(response.status == 201, "\(response.text)")
            return try response.json()["id"] as? String ?? ""
        }

        func stop() {
            base.stop()
            s3.stop()
        }
    }

    @Test func uploadsAreObjectsStreamedWithRangeAndValidators() throws {
        let fixture = try Fixture()
        defer { fixture.stop() }
        let id = try fixture.upload(title: "In the bucket")
        let key = try fixture.key(of: id)
        #expect(try fixture.objects() == [key])
        // Nothing of the track stays on this instance's disk: the working area holds no audio.
        #expect(fixture.base.app.uploadedFiles.allSatisfy { !$0.hasSuffix(".mp3") })
        let stored = try fixture.object(key)
        #expect(try ID3Tag.read(fromFileAt: { () throws -> String in
            let path = NSTemporaryDirectory() + "bucket-\(UUID().uuidString).mp3"
            try Data(stored).write(to: URL(fileURLWithPath: path))
            return path
        }())?.title == "In the bucket")

        let auth = bearer(fixture.admin)
        let whole = try fixture.client.get("/api/v1/tracks/\(id)/stream", headers: auth)
        #expect(whole.status == 200 && whole.body == stored)
        #expect(whole.header("Content-Type") == "audio/mpeg" && whole.header("Accept-Ranges") == "bytes")
        let etag = try #require(whole.header("ETag"))

        var ranged = auth
        ranged["Range"] = "bytes=1000-4999"
        let part = try fixture.client.get("/api/v1/tracks/\(id)/stream", headers: ranged)
        #expect(part.status == 206 && part.body == Array(stored[1000...4999]))
        #expect(part.header("Content-Range") == "bytes 1000-4999/\(stored.count)")
        ranged["Range"] = "bytes=-100"
        #expect(try fixture.client.get("/api/v1/tracks/\(id)/stream", headers: ranged).body == Array(stored.suffix(100)))
        ranged["Range"] = "bytes=\(stored.count)-"
        let beyond = try fixture.client.get("/api/v1/tracks/\(id)/stream", headers: ranged)
        #expect(beyond.status == 416 && beyond.header("Content-Range") == "bytes */\(stored.count)")

        var conditional = auth
        conditional["If-None-Match"] = etag
        #expect(try fixture.client.get("/api/v1/tracks/\(id)/stream", headers: conditional).status == 304)
        let head = try fixture.client.request("HEAD", "/api/v1/tracks/\(id)/stream", headers: auth)
        #expect(head.status == 200 && head.header("Content-Length") == "\(stored.count)" && head.body.isEmpty)

        // A transcode reads a local copy of the object; what it makes is audio of the track's length.
        let low = try fixture.client.get("/api/v1/tracks/\(id)/stream?format=mp3&max_bitrate=64", headers: auth)
        #expect(low.status == 200 && low.header("Content-Type") == "audio/mpeg", "\(low.text.prefix(300))")
        let scratch = try AudioScratch()
        try Data(low.body).write(to: URL(fileURLWithPath: scratch.path("low.mp3")))
        let decoded = try AudioFixtures.decode(scratch.path("low.mp3"))
        #expect(abs(Double(decoded.frames) / Double(decoded.sampleRate) - 2) < 0.1)
    }

    @Test func aTagEditIsANewObjectAndADeleteRemovesEveryVersion() throws {
        let fixture = try Fixture()
        defer { fixture.stop() }
        let id = try fixture.upload(title: "Before")
        let before = try fixture.key(of: id)
        let auth = bearer(fixture.admin)
        let firstETag = try fixture.client.get("/api/v1/tracks/\(id)/stream", headers: auth).header("ETag")

        let patched = try fixture.client.patchJSON("/api/v1/tracks/\(id)", #"{"title":"After"}"#, token: fixture.admin)
        #expect(patched.status == 200, "\(patched.text)")
        let after = try fixture.key(of: id)
        let objects = try fixture.objects()
        #expect(after != before && objects == [after])
        let stream = try fixture.client.get("/api/v1/tracks/\(id)/stream", headers: auth)
        let object = try fixture.object(after)
        let size = try patched.json()["size_bytes"] as? Int
        #expect(stream.status == 200 && stream.header("ETag") != firstETag && stream.body == object)
        #expect(stream.header("Content-Length") == "\(size ?? -1)")

        // Another version left behind by an earlier failure goes with the track too.
        let (stray, _) = try S3ClientTests.randomFile(100)
        defer { try? FileManager.default.removeItem(atPath: stray) }
        let strayKey = "tracks/" + TrackObjectKey.prefix(of: UUID(uuidString: id)!) + "0ld.mp3"
        _ = try fixture.bucket.putObject(key: strayKey, file: stray)
        #expect(try fixture.client.delete("/api/v1/tracks/\(id)", token: fixture.admin).status == 204)
        #expect(try fixture.objects().isEmpty)
        #expect(try fixture.client.get("/api/v1/tracks/\(id)/stream", headers: auth).status == 404)
    }

    @Test func aStoreThatIsDownIs503AndLeavesNothingBehind() throws {
        let fixture = try Fixture()
        defer { fixture.stop() }
        let kept = try fixture.upload(title: "Kept")
        fixture.s3.stop()

        let scratch = try AudioScratch()
        let started = Date()
        let refused = try fixture.client.uploadMultipart(
            token: fixture.admin, fields: [("title", "Lost")], file: ("b.wav", try scratch.tone("b.wav")))
        #expect(refused.status == 503, "\(refused.text)")
        #expect(refused.header("Retry-After") != nil)
        let error = try refused.json()["error"] as? [String: Any]
        #expect(error?["code"] as? String == "unavailable")
        #expect((error?["message"] as? String)?.contains("audio store") == true, "\(refused.text)")
        // No row, no local file: the track list holds only the one stored before.
        let list = try fixture.client.get("/api/v1/tracks", headers: bearer(fixture.admin)).json()
        #expect((list["items"] as? [[String: Any]])?.map { $0["id"] as? String } == [kept])
        #expect(fixture.base.app.uploadedFiles.allSatisfy { !$0.hasSuffix(".mp3") && !$0.contains(".tmp") })

        let stream = try fixture.client.get("/api/v1/tracks/\(kept)/stream", headers: bearer(fixture.admin))
        #expect(stream.status == 503 && stream.header("Content-Type")?.hasPrefix("application/json") == true)
        #expect(Date().timeIntervalSince(started) < 20)
    }

    @Test func aBodyCutOffMidUploadLeavesNoObjectAndNoRow() throws {
        let fixture = try Fixture()
        defer { fixture.stop() }
        let scratch = try AudioScratch()
        let bytes = try scratch.tone("c.wav", seconds: 5)
        let raw = try fixture.base.app.makeClient()
        try raw.send(raw: "POST /api/v1/tracks?title=Cut HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer \(fixture.admin)\r\n"
            + "Content-Type: audio/wav\r\nContent-Length: \(bytes.count)\r\n\r\n")
        try raw.send(bytes: Array(bytes.prefix(bytes.count / 2)))
        raw.close()
        #expect(TestHTTPServer.eventually(within: 5) {
            fixture.base.app.uploadedFiles.allSatisfy { !$0.contains("incoming/") }
        })
        #expect(try fixture.objects().isEmpty)
        #expect(try fixture.bucket.listMultipartUploads(prefix: "tracks/").isEmpty)
        #expect(try fixture.base.app.application.database.read { try $0.tracks.count() } == 0)
    }

    /// `storage.s3.redirect`: a browser (it sends `Sec-Fetch-Dest`) is sent to a presigned URL it can seek in;
    /// anything else — a Subsonic app, a script — still gets the bytes proxied.
    @Test func redirectSendsBrowsersToAPresignedURLAndProxiesTheRest() throws {
        let fixture = try Fixture { $0.storage.s3.redirect = true }
        defer { fixture.stop() }
        let id = try fixture.upload(title: "Redirected")
        let stored = try fixture.object(try fixture.key(of: id))
        var browser = bearer(fixture.admin)
        browser["Sec-Fetch-Dest"] = "audio"
        let redirect = try fixture.client.get("/api/v1/tracks/\(id)/stream", headers: browser)
        #expect(redirect.status == 302 && redirect.header("Cache-Control") == "no-store")
        let location = try #require(redirect.header("Location"))
        #expect(location.hasPrefix(fixture.s3.endpoint + "/") && location.contains("X-Amz-Signature="))
        #expect(!location.contains(TestS3.secretAccessKey))

        var slice: [UInt8] = []
        let head = try PlainHTTPClient.send(
            "GET", location, headers: [("Host", "127.0.0.1:\(fixture.s3.port)"), ("Range", "bytes=10-1009")], timeout: 10
        ) { slice += $0 }
        #expect(head.status == 206 && slice == Array(stored[10...1009]))

        // Not a browser: proxied as before, on the REST route and on Subsonic's.
        let proxied = try fixture.client.get("/api/v1/tracks/\(id)/stream", headers: bearer(fixture.admin))
        #expect(proxied.status == 200 && proxied.body == stored)
        let download = try fixture.client.get("/api/v1/tracks/\(id)/download", headers: browser)
        #expect(download.status == 200 && download.body == stored)
    }

    /// Moving an installation: `migrate-data --uploads-to` copies the folder's audio (versioned and older names)
    /// into the bucket, verified; a second run copies nothing and prints the same digest; a server pointed at the
    /// bucket then streams the very same bytes.
    @Test func migrateDataCopiesTheFolderIntoTheBucket() throws {
        let s3 = try S3ClientTests.startStore()
        defer { s3.stop() }
        let data = try TemporaryDirectory()
        defer { data.remove() }
        func configure(_ config: inout Configuration) {
            config.storage.database = data.path("duradora.sqlite3")
            config.storage.uploads = data.path("uploads")
            config.storage.s3.endpoint = s3.endpoint
            config.storage.s3.accessKeyID = TestS3.accessKeyID
            config.storage.s3.secretAccessKey = TestS3.secretAccessKey
            config.storage.s3.localDir = data.path("s3-local")
        }
        let folder = try AdminFixture(configure: configure)
        let scratch = try AudioScratch()
        let first = try #require(try LibraryTrackCoverTests.upload(
            folder.client, token: folder.admin,
            try LibraryTrackCoverTests.mp3(scratch, title: "One", picture: try LibraryCoverTests.jpeg(in: scratch)))["id"] as? String)
        let second = try TrackEditTests.upload(folder, token: folder.admin, fields: [("title", "Two")])
        let tracks = folder.app.application.tracks
        // The second as an older installation stored it; and a file no track names.
        try FileManager.default.moveItem(
            atPath: tracks.storedPath(of: UUID(uuidString: second)!), toPath: tracks.files.audioPath(for: UUID(uuidString: second)!))
        let stray = tracks.files.audioPath(for: UUID()).replacingOccurrences(of: ".mp3", with: "-0ld.mp3")
        try FileManager.default.createDirectory(atPath: (stray as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try Data("not a track".utf8).write(to: URL(fileURLWithPath: stray))
        let auth = bearer(folder.admin)
        let bytes = try [first, second].map { try folder.client.get("/api/v1/tracks/\($0)/stream", headers: auth).body }
        let configuration = folder.app.application.configuration
        folder.stop()

        let run = try Maintenance.migrateUploads(configuration: configuration, to: "s3://\(TestS3.bucket)/moved")
        #expect(run.copied == 2 && run.present == 0 && run.unreferenced.count == 1, "\(run.summary)")
        #expect(run.coversCopied == 1, "\(run.summary)")
        #expect(try S3ClientTests.client(s3).listObjects(prefix: "moved/").count == 3)
        let again = try Maintenance.migrateUploads(configuration: configuration, to: "s3://\(TestS3.bucket)/moved")
        #expect(again.copied == 0 && again.present == 2 && again.digest == run.digest)
        #expect(again.coversCopied == 0 && again.coversPresent == 1)
        let refused = #expect(throws: MaintenanceError.self) {
            try Maintenance.migrateUploads(configuration: configuration, to: "/somewhere/else")
        }
        #expect(refused?.message.contains("s3://") == true)

        let bucket = try AdminFixture { config in
            configure(&config)
            config.storage.uploads = "s3://\(TestS3.bucket)/moved"
        }
        defer { bucket.stop() }
        let admin = bearer(bucket.admin)
        #expect(try [first, second].map { try bucket.client.get("/api/v1/tracks/\($0)/stream", headers: admin).body } == bytes)
        // The cover comes from the bucket: the new instance's working folder never had it.
        try FileManager.default.removeItem(atPath: data.path("s3-local"))
        #expect(try bucket.client.get("/api/v1/tracks/\(first)/cover?size=32").status == 200)
    }

    /// Two instances on one database and one bucket, each with its own working folder: a cover taken from an
    /// upload through A is shown by B, which never saw the upload.
    @Test func aCoverStoredThroughOneInstanceIsShownByAnother() throws {
        let first = try Fixture()
        defer { first.stop() }
        let scratch = try AudioScratch()
        let picture = try LibraryCoverTests.jpeg(in: scratch)
        let track = try LibraryTrackCoverTests.upload(
            first.client, token: first.admin, try LibraryTrackCoverTests.mp3(scratch, title: "Shared", picture: picture))
        let id = try #require(track["id"] as? String)
        let hash = try #require(try first.base.app.application.database.read {
            try $0.tracks.find(id: UUID(uuidString: id)!)
        }?.coverHash)
        #expect(try first.objects().contains("tracks/covers/\(hash.prefix(2))/\(hash)"))

        let configuration = first.base.app.application.configuration
        let second = try AdminFixture { config in
            config.storage = configuration.storage
            config.storage.s3.localDir = config.audio.transcoding.cacheDir + "-second-instance"
        }
        defer { second.stop() }
        let cover = try second.client.get("/api/v1/tracks/\(id)/cover?size=32")
        #expect(cover.status == 200 && cover.header("Content-Type")?.hasPrefix("image/") == true, "\(cover.text.prefix(200))")
        #expect(cover.body == (try first.client.get("/api/v1/tracks/\(id)/cover?size=32").body))
    }
}
