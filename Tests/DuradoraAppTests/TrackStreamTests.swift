import DuradoraHTTP
import DuradoraTestSupport
import Foundation
import Testing
@testable import DuradoraApp

/// `/stream` and `/download` against the real server, byte for byte: full bodies, ranges, conditional requests,
/// HEAD, access rules and a track deleted while it streams.
@Suite struct TrackStreamTests {
    /// An app with one ready track of `seconds` of audio; `bytes` is the stored file.
    struct Fixture {
        let base: AdminFixture
        let id: String
        let bytes: [UInt8]
        var client: TestClient { base.client }
        var admin: String { base.admin }
        var path: String { base.app.application.tracks.storedPath(of: UUID(uuidString: id)!) }

        init(seconds: Double = 1, fields: [(String, String)] = [("title", "Tone"), ("artist", "Sine")],
             configure: (inout Configuration) -> Void = { _ in }) throws {
            base = try AdminFixture(configure: configure)
            let scratch = try AudioScratch()
            let response = try base.client.uploadMultipart(
                token: base.admin, fields: fields, file: ("a.wav", try scratch.tone("a.wav", seconds: seconds)))
            #expect(response.status == 201, "\(response.text)")
            id = try response.json()["id"] as? String ?? ""
            bytes = Array(try Data(contentsOf: URL(fileURLWithPath: base.app.application.tracks.storedPath(of: UUID(uuidString: id)!))))
        }

        func get(_ suffix: String = "stream", _ headers: [String: String] = [:], method: String = "GET") throws -> TestResponse {
            try client.request(method, "/api/v1/tracks/\(id)/\(suffix)", headers: headers)
        }

        func stop() { base.stop() }
    }

    @Test func fullBodyIsTheStoredFileWithValidators() throws {
        let fixture = try Fixture()
        defer { fixture.stop() }
        let response = try fixture.get()
        #expect(response.status == 200)
        #expect(Sodium.sha256(response.body) == Sodium.sha256(fixture.bytes))
        #expect(response.header("Content-Type") == "audio/mpeg")
        #expect(response.header("Accept-Ranges") == "bytes")
        #expect(response.header("Content-Length") == "\(fixture.bytes.count)")
        #expect(response.header("ETag")?.hasPrefix("\"") == true)  // strong
        #expect(response.header("Last-Modified") != nil)
        #expect(response.header("Cache-Control") == "public, no-cache")
        #expect(response.header("Content-Disposition") == nil)
    }

    @Test func concatenatedRangesEqualTheFile() throws {
        let fixture = try Fixture()
        defer { fixture.stop() }
        let count = fixture.bytes.count
        var assembled: [UInt8] = []
        for range in ["0-1", "2-999", "1000-\(count / 2)", "\(count / 2 + 1)-"] {
            let response = try fixture.get("stream", ["Range": "bytes=\(range)"])
            #expect(response.status == 206, "\(range)")
            #expect(response.header("Content-Length") == "\(response.body.count)")
            #expect(response.header("Content-Range")?.hasSuffix("/\(count)") == true)
            assembled += response.body
        }
        #expect(assembled == fixture.bytes)
        // Safari's probe gets exactly two bytes.
        let probe = try fixture.get("stream", ["Range": "bytes=0-1"])
        #expect(probe.body.count == 2)
        #expect(probe.header("Content-Range") == "bytes 0-1/\(count)")
    }

    @Test func suffixClampedUnsatisfiableAndInvalidRanges() throws {
        let fixture = try Fixture()
        defer { fixture.stop() }
        let count = fixture.bytes.count
        let suffix = try fixture.get("stream", ["Range": "bytes=-500"])
        #expect(suffix.status == 206)
        #expect(suffix.body == Array(fixture.bytes.suffix(500)))
        let clamped = try fixture.get("stream", ["Range": "bytes=\(count - 10)-\(count + 1000)"])
        #expect(clamped.body == Array(fixture.bytes.suffix(10)))
        let unsatisfiable = try fixture.get("stream", ["Range": "bytes=\(count)-"])
        #expect(unsatisfiable.status == 416)
        #expect(unsatisfiable.header("Content-Range") == "bytes */\(count)")
        let invalid = try fixture.get("stream", ["Range": "bytes=oops"])
        #expect(invalid.status == 200)
        #expect(invalid.body == fixture.bytes)
    }

    @Test func severalRangesAreMultipartByteranges() throws {
        let fixture = try Fixture()
        defer { fixture.stop() }
        let response = try fixture.get("stream", ["Range": "bytes=0-99,200-299"])
        #expect(response.status == 206)
        let contentType = response.header("Content-Type") ?? ""
        #expect(contentType.hasPrefix("multipart/byteranges; boundary="))
        let boundary = String(contentType.split(separator: "=", maxSplits: 1)[1])
        // Parse the parts back: each is headers, a blank line, then exactly the range's bytes.
        let body = response.body
        let marker = Array("--\(boundary)".utf8)
        var parts: [[UInt8]] = []
        var index = 0
        var starts: [Int] = []
        while index + marker.count <= body.count {
            if Array(body[index..<index + marker.count]) == marker { starts.append(index) }
            index += 1
        }
        for (start, end) in zip(starts, starts.dropFirst()) {
            let part = Array(body[start..<end])
            let separator = Array("\r\n\r\n".utf8)
            guard let headerEnd = (0..<part.count - 3).first(where: { Array(part[$0..<$0 + 4]) == separator }) else { continue }
            parts.append(Array(part[(headerEnd + 4)..<(part.count - 2)]))  // minus the CRLF before the next marker
        }
        #expect(parts == [Array(fixture.bytes[0...99]), Array(fixture.bytes[200...299])])
    }

    @Test func conditionalRequests() throws {
        let fixture = try Fixture()
        defer { fixture.stop() }
        let etag = try fixture.get().header("ETag") ?? ""
        let lastModified = try fixture.get().header("Last-Modified") ?? ""
        #expect(try fixture.get("stream", ["If-None-Match": etag]).status == 304)
        #expect(try fixture.get("stream", ["If-Modified-Since": lastModified]).status == 304)
        #expect(try fixture.get("stream", ["If-None-Match": "\"other\""]).status == 200)
        let matching = try fixture.get("stream", ["Range": "bytes=0-9", "If-Range": etag])
        #expect(matching.status == 206)
        let stale = try fixture.get("stream", ["Range": "bytes=0-9", "If-Range": "\"stale\""])
        #expect(stale.status == 200)
        #expect(stale.body == fixture.bytes)
        #expect(try fixture.get("stream", ["If-Match": "\"stale\""]).status == 412)

        // A tag edit rewrites the bytes: a new ETag, and the old one no longer gives 304.
        let patched = try fixture.client.patchJSON("/api/v1/tracks/\(fixture.id)", #"{"title":"Renamed"}"#, token: fixture.admin)
        #expect(patched.status == 200)
        let after = try fixture.get("stream", ["If-None-Match": etag])
        #expect(after.status == 200)
        #expect(after.header("ETag") != etag)
        #expect(after.body == Array(try Data(contentsOf: URL(fileURLWithPath: fixture.path))))
        // A visibility change does not touch the bytes: same ETag.
        let newTag = after.header("ETag") ?? ""
        _ = try fixture.client.patchJSON("/api/v1/tracks/\(fixture.id)", #"{"visibility":"link"}"#, token: fixture.admin)
        #expect(try fixture.get().header("ETag") == newTag)
    }

    @Test func headIsGetWithoutTheBody() throws {
        let fixture = try Fixture()
        defer { fixture.stop() }
        for headers in [[:], ["Range": "bytes=10-20"]] as [[String: String]] {
            let get = try fixture.get("download", headers)
            let head = try fixture.get("download", headers, method: "HEAD")
            #expect(head.status == get.status)
            #expect(head.body.isEmpty)
            for name in ["Content-Length", "Content-Type", "ETag", "Last-Modified", "Accept-Ranges", "Content-Range",
                         "Content-Disposition", "Cache-Control"] {
                #expect(head.header(name) == get.header(name), "\(name)")
            }
        }
    }

    @Test func downloadNamesTheFile() throws {
        let fixture = try Fixture(fields: [("title", "Café \"Noir\""), ("artist", "Zoë")])
        defer { fixture.stop() }
        let response = try fixture.get("download")
        #expect(response.status == 200)
        #expect(response.body == fixture.bytes)
        let disposition = response.header("Content-Disposition") ?? ""
        #expect(disposition.hasPrefix("attachment; filename=\"Zoe - Cafe _Noir_.mp3\""), "\(disposition)")
        #expect(disposition.contains("filename*=UTF-8''Zo%C3%AB%20-%20Caf%C3%A9%20%22Noir%22.mp3"), "\(disposition)")
    }

    @Test func notReadyTracksAre409AndPrivateOnesArePrivate() throws {
        let fixture = try Fixture()
        defer { fixture.stop() }
        let empty = try fixture.client.createEmptyTrack(token: fixture.admin, query: "title=Soon")
        let response = try fixture.client.get("/api/v1/tracks/\(empty)/stream")
        #expect(response.status == 409)
        #expect(try fixture.client.get("/api/v1/tracks/\(empty)/download").status == 409)

        _ = try fixture.client.patchJSON("/api/v1/tracks/\(fixture.id)", #"{"visibility":"private"}"#, token: fixture.admin)
        #expect(try fixture.get().status == 404)  // anonymous
        let own = try fixture.get("stream", bearer(fixture.admin))
        #expect(own.status == 200)
        #expect(own.header("Cache-Control") == "private, no-cache")
    }

    @Test func anonymousStreamingOffNeedsCredentialsAndAcceptsAccessToken() throws {
        let fixture = try Fixture { $0.library.anonymousStreaming = false }
        defer { fixture.stop() }
        #expect(try fixture.get().status == 401)
        let viaQuery = try fixture.client.get("/api/v1/tracks/\(fixture.id)/stream?access_token=\(fixture.admin)")
        #expect(viaQuery.status == 200)
        #expect(viaQuery.body == fixture.bytes)
        #expect(viaQuery.header("Cache-Control") == "private, no-cache")
        let user = try fixture.client.createUser("listener")
        #expect(try fixture.get("stream", bearer(user.token)).status == 200)
    }

    @Test func deleteWhileStreamingStillSendsTheWholeFile() throws {
        let fixture = try Fixture(seconds: 20)
        defer { fixture.stop() }
        let client = try fixture.base.app.makeClient()
        client.setReceiveBuffer(16_384)  // small, so most of the body is still unsent at the delete
        try client.send(raw: "GET /api/v1/tracks/\(fixture.id)/stream HTTP/1.1\r\nHost: localhost\r\n\r\n")
        let first = try client.receiveSome(max: 1024)
        #expect(!first.isEmpty)
        #expect(try fixture.client.delete("/api/v1/tracks/\(fixture.id)", token: fixture.admin).status == 204)
        #expect(!FileManager.default.fileExists(atPath: fixture.path))
        var received = first
        // Read until the whole head and body are in.
        let headEnd = { () -> Int? in
            received.indices.dropLast(3).first { Array(received[$0..<$0 + 4]) == Array("\r\n\r\n".utf8) }.map { $0 + 4 }
        }
        while headEnd() == nil { received += try client.receiveSome() }
        let bodyStart = headEnd()!
        while received.count - bodyStart < fixture.bytes.count {
            let more = try client.receiveSome()
            if more.isEmpty { break }
            received += more
        }
        #expect(Sodium.sha256(Array(received[bodyStart...])) == Sodium.sha256(fixture.bytes))
        #expect(try fixture.get().status == 404)
    }

    @Test func hundredListenersAtOnceGetTheSameBytes() throws {
        let fixture = try Fixture()
        defer { fixture.stop() }
        let port = fixture.base.app.port
        let target = "/api/v1/tracks/\(fixture.id)/stream"
        let results = ResultBox()
        let group = DispatchGroup()
        let digest = Sodium.sha256(fixture.bytes)
        for index in 0..<100 {
            DispatchQueue.global().async(group: group) {
                let range = index.isMultiple(of: 2) ? [:] : ["Range": "bytes=100-"]
                let response = try? TestClient(port: port).get(target, headers: range)
                let expected = index.isMultiple(of: 2) ? digest : Sodium.sha256(Array(fixture.bytes.dropFirst(100)))
                results.append(response.map { Sodium.sha256($0.body) == expected ? 1 : 0 } ?? -1)
            }
        }
        #expect(group.wait(timeout: .now() + 60) == .success)
        #expect(results.values.count == 100)
        #expect(results.values.allSatisfy { $0 == 1 })
    }

    @Test func listenerLeavingMidStreamReleasesTheFile() throws {
        // Under heavy parallel load the HTTP core can be slow to notice a client's reset (the core's own
        // clientAbortMidResponseLeaksNoDescriptor flakes then too); a short idle timeout lets the sweep close the
        // connection instead. Either way the file must be released with it.
        let fixture = try Fixture(seconds: 20) { $0.server.idleTimeoutSeconds = 2 }
        defer { fixture.stop() }
        let path = fixture.path
        for _ in 0..<3 {
            let client = try fixture.base.app.makeClient()
            client.setReceiveBuffer(16_384)
            try client.send(raw: "GET /api/v1/tracks/\(fixture.id)/stream HTTP/1.1\r\nHost: localhost\r\n\r\n")
            #expect(!(try client.receiveSome(max: 1024)).isEmpty)
            client.setAbortOnClose()
            client.close()
        }
        // The listeners share the one descriptor the server keeps for a track streamed lately; any database
        // write lets it go (here: a new playlist). A response that leaked would keep it open.
        #expect(TestHTTPServer.eventually(within: 10) { Self.descriptors(openOn: path) <= 1 })
        let created = try fixture.base.app.makeClient().postJSON(
            "/api/v1/playlists", #"{"name":"after the listeners"}"#, headers: ["Authorization": "Bearer \(fixture.admin)"])
        #expect(created.status == 201)
        // No descriptor of this process (the server runs in it) still points at the track's file.
        #expect(TestHTTPServer.eventually(within: 10) { Self.descriptors(openOn: path) == 0 })
        #expect(try fixture.base.app.makeClient().get("/api/v1/tracks/\(fixture.id)/stream").body == fixture.bytes)
    }

    static func descriptors(openOn path: String) -> Int {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
        let resolved = URL(fileURLWithPath: path).resolvingSymlinksInPath().path
        return entries.filter { entry in
            let target = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/" + entry)) ?? ""
            return target == path || target == resolved
        }.count
    }
}
