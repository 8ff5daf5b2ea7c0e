@testable import DuradoraApp
import DuradoraTestSupport
import Foundation
import Testing

/// `POST /api/v1/tracks` and `PUT …/audio` against the real server: every input format, odd and broken inputs,
/// and what is left on disk and in the table afterwards.
@Suite struct TrackUploadTests {
    @Test(arguments: [
        ("tone.wav", SoundFileFormat.wav16), ("tone.flac", .flac16), ("tone.ogg", .oggVorbis), ("tone.aiff", .aiff16),
    ])
    func uploadOfEachFormatIsReadyWithMeasuredAudio(name: String, format: SoundFileFormat) throws {
        let fixture = try AdminFixture()
        defer { fixture.stop() }
        let scratch = try AudioScratch()
        let bytes = try scratch.tone(name, format: format, seconds: 1)
        let response = try fixture.client.uploadMultipart(
            token: fixture.admin, fields: [("title", "Tone"), ("artist", "Oscillator")], file: (name, bytes))
        #expect(response.status == 201, "\(response.text)")
        let json = try response.json()
        #expect(json["status"] as? String == "ready")
        #expect(json["content_type"] as? String == "audio/mpeg")
        #expect(json["visibility"] as? String == "public")  // an admin's upload
        #expect(json["channels"] as? Int == 2)
        #expect(json["sample_rate"] as? Int == 44100)
        let duration = json["duration_seconds"] as? Double ?? 0
        #expect(abs(duration - 1) <= 0.01, "duration \(duration)")
        let id = json["id"] as? String ?? ""
        #expect(response.header("Location") == "/api/v1/tracks/\(id)")
        #expect((json["stream_url"] as? String)?.hasSuffix("/api/v1/tracks/\(id)/stream") == true)
        // One file, named by the id and the version (the row's file tag, which is also the ETag).
        let stored = fixture.app.application.tracks.storedPath(of: UUID(uuidString: id)!)
        #expect(fixture.app.uploadedFiles.count == 1
            && fixture.app.uploadedFiles[0].hasPrefix("\(id.prefix(2))/\(id.dropFirst(2).prefix(2))/\(id)-")
            && stored.hasSuffix(fixture.app.uploadedFiles[0]))
        // The stored file is what the row says, decodes to the same length, and carries the tag.
        #expect(try AudioFixtures.fileSize(stored) == json["size_bytes"] as? Int)
        let decoded = try AudioFixtures.decode(stored)
        #expect(abs(Double(decoded.frames) / 44100 - 1) <= 0.01)
        #expect(try ID3Tag.read(fromFileAt: stored)?.title == "Tone")
    }

    @Test func mp3IsStoredAsIsApartFromItsTag() throws {
        let fixture = try AdminFixture()
        defer { fixture.stop() }
        let scratch = try AudioScratch()
        let bytes = try scratch.mp3("song.mp3", seconds: 1, tag: ID3Tag(title: "From Tag", artist: "Tagged"))
        let response = try fixture.client.uploadRaw(token: fixture.admin, bytes: bytes, contentType: "audio/mpeg")
        #expect(response.status == 201, "\(response.text)")
        let json = try response.json()
        // Metadata missing from the upload comes from the file's own tag.
        #expect(json["title"] as? String == "From Tag")
        #expect(json["artist"] as? String == "Tagged")
        #expect(abs((json["duration_seconds"] as? Double ?? 0) - 1) <= 0.01)
        #expect(json["bitrate"] as? Int == 128)
    }

    @Test func oddInputsGetSensibleAnswers() throws {
        let fixture = try AdminFixture()
        defer { fixture.stop() }
        let scratch = try AudioScratch()
        let cases: [(String, [UInt8], channels: Int)] = [
            ("mono8k.wav", try scratch.tone("mono8k.wav", sampleRate: 8000, channels: 1), 1),
            ("hires.wav", try scratch.tone("hires.wav", format: .wav24, sampleRate: 96000), 2),
            ("six.wav", try scratch.tone("six.wav", channels: 6), 2),
        ]
        for (name, bytes, channels) in cases {
            let response = try fixture.client.uploadMultipart(token: fixture.admin, file: (name, bytes))
            #expect(response.status == 201, "\(name): \(response.text)")
            let json = try response.json()
            #expect(json["channels"] as? Int == channels, "\(name)")
            #expect(abs((json["duration_seconds"] as? Double ?? 0) - 0.5) <= 0.005, "\(name)")
            #expect((json["sample_rate"] as? Int ?? 0) > 0, "\(name)")
            // No title given: the file name without its extension.
            #expect(json["title"] as? String == String(name.dropLast(4)))
        }
    }

    @Test func brokenInputsAre415AndLeaveNothingBehind() throws {
        let fixture = try AdminFixture()
        defer { fixture.stop() }
        let scratch = try AudioScratch()
        try AudioFixtures.writeEmpty(to: scratch.path("empty.wav"))
        try AudioFixtures.writeText(to: scratch.path("text.wav"))
        _ = try scratch.tone("truncated.wav", seconds: 1)
        try AudioFixtures.truncate(scratch.path("truncated.wav"), keeping: 0.5)
        _ = try scratch.tone("liar.wav", seconds: 0.5)
        try AudioFixtures.inflateDeclaredDataLength(ofWAV: scratch.path("liar.wav"))
        _ = try scratch.mp3("cut.mp3", seconds: 1)
        try AudioFixtures.truncate(scratch.path("cut.mp3"), keeping: 0.4)
        for name in ["empty.wav", "text.wav", "truncated.wav", "liar.wav", "cut.mp3"] {
            let bytes = try scratch.bytes(name)
            let multipart = try fixture.client.uploadMultipart(token: fixture.admin, file: (name, bytes))
            #expect(multipart.status == 415, "\(name): \(multipart.text)")
            #expect(multipart.errorCode == "unsupported_media_type")
            let raw = try fixture.client.uploadRaw(token: fixture.admin, bytes: bytes)
            #expect(raw.status == 415, "\(name) raw: \(raw.text)")
        }
        #expect(try fixture.app.trackCount() == 0)
        #expect(fixture.app.uploadedFiles.isEmpty, "\(fixture.app.uploadedFiles)")
    }

    @Test func anythingButMultipartOrAudioIs415() throws {
        let fixture = try AdminFixture()
        defer { fixture.stop() }
        let response = try fixture.client.uploadRaw(token: fixture.admin, bytes: Array("hello".utf8), contentType: "text/plain")
        #expect(response.status == 415)
        #expect(try fixture.app.trackCount() == 0)
    }

    @Test func whoMayUpload() throws {
        let fixture = try AdminFixture { $0.library.userUploads = false }
        defer { fixture.stop() }
        let user = try fixture.client.createUser("bob")
        #expect(try fixture.client.request("POST", "/api/v1/tracks?title=x").status == 401)
        let refused = try fixture.client.request("POST", "/api/v1/tracks?title=x", headers: bearer(user.token))
        #expect(refused.status == 403)
        #expect(try fixture.client.request("POST", "/api/v1/tracks?title=x", headers: bearer(fixture.admin)).status == 201)

        let open = try AdminFixture()
        defer { open.stop() }
        let carol = try open.client.createUser("carol")
        let created = try open.client.request("POST", "/api/v1/tracks?title=x", headers: bearer(carol.token))
        #expect(created.status == 201)
        #expect(try created.json()["visibility"] as? String == "link")  // a user's upload
        #expect(try created.json()["owner_id"] as? String == carol.id)
    }

    @Test func metadataOnlyTrackIsEmptyAndGetsAudioLater() throws {
        let fixture = try AdminFixture()
        defer { fixture.stop() }
        let created = try fixture.client.uploadMultipart(
            token: fixture.admin, fields: [("title", "Later"), ("year", "1999"), ("visibility", "private")])
        #expect(created.status == 201, "\(created.text)")
        let json = try created.json()
        let id = json["id"] as? String ?? ""
        #expect(json["status"] as? String == "empty")
        #expect(json["year"] as? Int == 1999)
        #expect(json["visibility"] as? String == "private")
        #expect(json["duration_seconds"] is NSNull)
        #expect(json["content_type"] is NSNull)
        #expect(fixture.app.uploadedFiles.isEmpty)

        let scratch = try AudioScratch()
        let put = try fixture.client.uploadRaw(
            token: fixture.admin, bytes: try scratch.tone("a.wav"), target: "/api/v1/tracks/\(id)/audio", method: "PUT")
        #expect(put.status == 200, "\(put.text)")
        #expect(try put.json()["status"] as? String == "ready")
        #expect(try put.json()["title"] as? String == "Later")
        let bad = try fixture.client.uploadRaw(
            token: fixture.admin, bytes: Array("nope".utf8), target: "/api/v1/tracks/\(id)/audio", method: "PUT")
        #expect(bad.status == 415)
        #expect(try fixture.client.track(id, token: fixture.admin).json()["status"] as? String == "ready")
        #expect(fixture.app.uploadedFiles.count == 1)
    }

    @Test func metadataOnlyTrackFromJSON() throws {
        let fixture = try AdminFixture()
        defer { fixture.stop() }
        let response = try fixture.client.postJSON(
            "/api/v1/tracks", #"{"title":"Plan","year":2024,"visibility":"link"}"#, headers: bearer(fixture.admin))
        #expect(response.status == 201, "\(response.text)")
        let json = try response.json()
        #expect(json["status"] as? String == "empty")
        #expect(json["year"] as? Int == 2024)
        #expect(json["visibility"] as? String == "link")
        let bad = try fixture.client.postJSON("/api/v1/tracks", #"{"year":"soon"}"#, headers: bearer(fixture.admin))
        #expect(bad.status == 422)
    }

    @Test func invalidFieldsAre422AndLeaveNothing() throws {
        let fixture = try AdminFixture()
        defer { fixture.stop() }
        let scratch = try AudioScratch()
        let bytes = try scratch.tone("a.wav")
        for (field, value) in [("year", "soon"), ("year", "12"), ("track_number", "0"), ("visibility", "secret")] {
            let response = try fixture.client.uploadMultipart(token: fixture.admin, fields: [(field, value)], file: ("a.wav", bytes))
            #expect(response.status == 422, "\(field)=\(value): \(response.text)")
            #expect(response.text.contains(field))
        }
        #expect(try fixture.app.trackCount() == 0)
        #expect(fixture.app.uploadedFiles.isEmpty)
    }

    @Test func longEncodesAnswer202AndFinishInTheBackground() throws {
        let fixture = try AdminFixture { $0.audio.syncEncodeSeconds = 0 }
        defer { fixture.stop() }
        let scratch = try AudioScratch()
        let response = try fixture.client.uploadMultipart(
            token: fixture.admin, fields: [("title", "Slow")], file: ("a.flac", try scratch.tone("a.flac", format: .flac16)))
        #expect(response.status == 202, "\(response.text)")
        #expect(try response.json()["status"] as? String == "processing")
        let id = try response.json()["id"] as? String ?? ""
        var status = ""
        let isDone = TestHTTPServer.eventually(within: 20) {
            status = (try? fixture.client.track(id, token: fixture.admin).json()["status"] as? String) ?? ""
            return status != "processing"
        }
        #expect(isDone)
        #expect(status == "ready")
        let json = try fixture.client.track(id, token: fixture.admin).json()
        #expect(json["title"] as? String == "Slow")
        #expect(abs((json["duration_seconds"] as? Double ?? 0) - 0.5) <= 0.005)
    }

    @Test func patchWhileProcessingWinsOverTheUpload() throws {
        let fixture = try AdminFixture { $0.audio.syncEncodeSeconds = 0 }
        defer { fixture.stop() }
        let scratch = try AudioScratch()
        let response = try fixture.client.uploadMultipart(
            token: fixture.admin, fields: [("title", "First")], file: ("a.wav", try scratch.tone("a.wav", seconds: 3)))
        #expect(response.status == 202, "\(response.text)")
        let id = try response.json()["id"] as? String ?? ""
        // Whether this lands during the encode or after it, the stored row and the file's tag end up agreeing.
        let patched = try fixture.client.patchJSON("/api/v1/tracks/\(id)", #"{"title":"Second"}"#, token: fixture.admin)
        #expect(patched.status == 200)
        #expect(TestHTTPServer.eventually(within: 20) {
            (try? fixture.client.track(id, token: fixture.admin).json()["status"] as? String) == "ready"
        })
        #expect(try fixture.client.track(id, token: fixture.admin).json()["title"] as? String == "Second")
        let path = fixture.app.application.tracks.storedPath(of: UUID(uuidString: id)!)
        #expect(try ID3Tag.read(fromFileAt: path)?.title == "Second")
    }

    @Test func backgroundFailureMarksTheTrackFailed() throws {
        let fixture = try AdminFixture { $0.audio.syncEncodeSeconds = 0 }
        defer { fixture.stop() }
        let scratch = try AudioScratch()
        // The header is fine (planning passes), the audio stops short: only the encode finds out.
        _ = try scratch.tone("cut.wav", seconds: 1)
        try AudioFixtures.truncate(scratch.path("cut.wav"), keeping: 0.5)
        let response = try fixture.client.uploadRaw(token: fixture.admin, bytes: try scratch.bytes("cut.wav"))
        if response.status == 415 { return }  // the planner caught it already: also correct
        #expect(response.status == 202, "\(response.text)")
        let id = try response.json()["id"] as? String ?? ""
        #expect(TestHTTPServer.eventually(within: 20) {
            (try? fixture.client.track(id, token: fixture.admin).json()["status"] as? String) == "failed"
        })
        let json = try fixture.client.track(id, token: fixture.admin).json()
        #expect((json["error"] as? String)?.isEmpty == false)
        #expect(fixture.app.uploadedFiles.isEmpty, "\(fixture.app.uploadedFiles)")
    }

    @Test func busyTranscodeSlotsAnswer503WithRetryAfter() throws {
        let fixture = try AdminFixture { $0.audio.maxConcurrentTranscodes = 1 }
        defer { fixture.stop() }
        let slots = fixture.app.application.tracks.slots
        #expect(slots.tryAcquire())
        let scratch = try AudioScratch()
        let bytes = try scratch.tone("a.wav")
        let refused = try fixture.client.uploadRaw(token: fixture.admin, bytes: bytes)
        #expect(refused.status == 503)
        #expect(refused.header("Retry-After") != nil)
        #expect(try fixture.app.trackCount() == 0)
        #expect(fixture.app.uploadedFiles.isEmpty)
        slots.release()
        #expect(try fixture.client.uploadRaw(token: fixture.admin, bytes: bytes).status == 201)
        #expect(slots.busyCount == 0)
    }

    @Test func concurrentUploadsAllSucceed() throws {
        let fixture = try AdminFixture { $0.audio.maxConcurrentTranscodes = 4 }
        defer { fixture.stop() }
        let scratch = try AudioScratch()
        let bytes = try scratch.tone("a.wav", seconds: 0.5)
        let port = fixture.app.port
        let token = fixture.admin
        let statuses = ResultBox()
        DispatchQueue.concurrentPerform(iterations: 4) { index in
            let status = (try? TestClient(port: port).uploadMultipart(
                token: token, fields: [("title", "Take \(index)")], file: ("a.wav", bytes)).status) ?? -1
            statuses.append(status)
        }
        #expect(statuses.values.sorted() == [201, 201, 201, 201])
        #expect(try fixture.app.trackCount() == 4)
        #expect(fixture.app.uploadedFiles.count == 4)
    }

    @Test func keepOriginalsStoresTheUploadBesideTheMP3() throws {
        let fixture = try AdminFixture { $0.audio.keepOriginals = true }
        defer { fixture.stop() }
        let scratch = try AudioScratch()
        let bytes = try scratch.tone("a.flac", format: .flac16)
        let response = try fixture.client.uploadMultipart(token: fixture.admin, file: ("a.flac", bytes))
        #expect(response.status == 201)
        let id = UUID(uuidString: try response.json()["id"] as? String ?? "")!
        let original = fixture.app.application.tracks.storedPath(of: id, original: true)
        #expect(Array(try Data(contentsOf: URL(fileURLWithPath: original))) == bytes)
    }
}

final class ResultBox: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [Int] = []
    func append(_ value: Int) { lock.withLock { items.append(value) } }
    var values: [Int] { lock.withLock { items } }
}
