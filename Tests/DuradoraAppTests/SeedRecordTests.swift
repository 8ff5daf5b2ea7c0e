import DuradoraTestSupport
import Foundation
import Testing
@testable import DuradoraApp

/// The seed-style upload and download (`POST /record`, `POST /add-audio/`, `GET /record?id=&user=`) over real
/// sockets, as a script written for an earlier simple audio service uses them.
@Suite struct SeedRecordTests {
    /// `POST /user` → (user id, token), as a seed script starts.
    static func seedUser(_ client: TestClient, _ name: String) throws -> (id: String, token: String) {
        let response = try client.postJSON("/user", #"{"username":"\#(name)"}"#)
        #expect(response.status == 201, "\(response.text)")
        let json = try response.json()
        return (json["user_id"] as? String ?? "", json["token"] as? String ?? "")
    }

    /// A multipart upload with no `Authorization` header: credentials only where the seed client puts them.
    static func post(
        _ client: TestClient, _ target: String = "/record", fields: [(String, String)] = [],
        file: (filename: String, bytes: [UInt8])?, trailingFields: [(String, String)] = []
    ) throws -> TestResponse {
        let (contentType, body) = Multipart.encode(fields: fields, file: file, trailingFields: trailingFields)
        return try client.request("POST", target, headers: ["Content-Type": contentType], body: body)
    }

    /// The path and query of an absolute URL the server returned.
    static func target(of url: String) -> String {
        guard let components = URLComponents(string: url) else { return url }
        return components.percentEncodedPath + (components.percentEncodedQuery.map { "?" + $0 } ?? "")
    }

    /// Whether `bytes` are an MP3 as stored: an ID3v2 tag, then an MPEG audio frame sync right after it.
    static func isMP3(_ bytes: [UInt8]) -> Bool {
        guard bytes.count > 14, bytes.starts(with: Array("ID3".utf8)) else { return false }
        let size = bytes[6...9].reduce(0) { $0 << 7 | Int($1 & 0x7F) }
        let frame = 10 + size
        return frame + 1 < bytes.count && bytes[frame] == 0xFF && bytes[frame + 1] & 0xE0 == 0xE0
    }

    @Test func seedScriptFlowWithFieldsInTheForm() throws {
        let app = try TestApplication()
        defer { app.stop() }
        let client = try app.makeClient()
        let user = try Self.seedUser(client, "singer")
        let wav = try AudioScratch().tone("take.wav", seconds: 1)
        let response = try Self.post(client, fields: [("user_id", user.id), ("token", user.token)], file: ("take.wav", wav))
        #expect(response.status == 201, "\(response.text)")
        #expect(response.header("Content-Type") == "application/json; charset=utf-8")
        let url = try #require(try response.json()["url"] as? String)
        let prefix = "http://127.0.0.1:\(app.port)/record?id="
        #expect(url.hasPrefix(prefix), "\(url)")
        #expect(url.hasSuffix("&user=\(user.id)"), "\(url)")
        let trackID = String(url.dropFirst(prefix.count).prefix(36))
        #expect(UUID(uuidString: trackID) != nil && trackID == trackID.lowercased())

        // The same track through the main API: that user's, ready, titled after the file.
        let track = try client.track(trackID, token: user.token).json()
        #expect(track["owner_id"] as? String == user.id)
        #expect(track["status"] as? String == "ready")
        #expect(track["title"] as? String == "take")

        // GET the URL exactly as returned, with no credentials: the MP3 as an attachment.
        let download = try client.get(Self.target(of: url))
        #expect(download.status == 200, "\(download.text)")
        #expect(download.header("Content-Type") == "audio/mpeg")
        #expect(download.header("Content-Disposition")?.hasPrefix("attachment") == true)
        #expect(download.header("Accept-Ranges") == "bytes")
        #expect(download.header("Content-Length") == "\(download.body.count)")
        #expect(Self.isMP3(download.body))
        let stored = app.application.tracks.storedPath(of: try #require(UUID(uuidString: trackID)))
        #expect(download.body == Array(try Data(contentsOf: URL(fileURLWithPath: stored))))

        // A Range request: 206 with exactly those bytes.
        let range = try client.get(Self.target(of: url), headers: ["Range": "bytes=100-1123"])
        #expect(range.status == 206)
        #expect(range.header("Content-Range") == "bytes 100-1123/\(download.body.count)")
        #expect(range.body == Array(download.body[100...1123]))
        let suffix = try client.get(Self.target(of: url), headers: ["Range": "bytes=-500"])
        #expect(suffix.status == 206)
        #expect(suffix.body == Array(download.body.suffix(500)))

        // HEAD: the same headers, no body; the ETag revalidates.
        let head = try client.request("HEAD", Self.target(of: url))
        #expect(head.status == 200)
        #expect(head.header("Content-Length") == "\(download.body.count)")
        #expect(head.body.isEmpty)
        let etag = try #require(download.header("ETag"))
        #expect(try client.get(Self.target(of: url), headers: ["If-None-Match": etag]).status == 304)
    }

    @Test func credentialsInTheQueryOrAfterTheFileAndBothPathSpellings() throws {
        let app = try TestApplication()
        defer { app.stop() }
        let client = try app.makeClient()
        let user = try Self.seedUser(client, "looper")
        let scratch = try AudioScratch()
        let wav = try scratch.tone("a.wav", seconds: 0.5)
        let attempts: [(target: String, fields: [(String, String)], trailing: [(String, String)])] = [
            ("/record?user_id=\(user.id)&token=\(user.token)", [], []),
            ("/add-audio/?user_id=\(user.id)&user_token=\(user.token)", [], []),
            ("/add-audio?user_id=\(user.id)&access_token=\(user.token)", [], []),
            ("/add-audio/", [], [("user_id", user.id), ("user_token", user.token)]),  // after the file part
            ("/record", [("user_id", user.id)], [("access_token", user.token)]),     // split around it
            ("/record?user_id=\(user.id)", [("token", user.token)], []),             // split between query and form
        ]
        var ids: Set<String> = []
        for attempt in attempts {
            let response = try Self.post(
                client, attempt.target, fields: attempt.fields, file: ("a.wav", wav), trailingFields: attempt.trailing)
            #expect(response.status == 201, "\(attempt.target): \(response.text)")
            let url = try response.json()["url"] as? String ?? ""
            #expect(url.hasSuffix("&user=\(user.id)"), "\(url)")
            ids.insert(url)
            #expect(try client.get(Self.target(of: url)).status == 200)
        }
        #expect(ids.count == attempts.count)

        // A raw audio body with everything in the query.
        let raw = try client.request("POST", "/record?user_id=\(user.id)&token=\(user.token)&title=Raw",
                                     headers: ["Content-Type": "audio/wav"], body: wav)
        #expect(raw.status == 201, "\(raw.text)")
        let url = try raw.json()["url"] as? String ?? ""
        // The other parameter names of the download: `audio_id` and `user_id`.
        let id = try #require(URLComponents(string: url)?.queryItems?.first { $0.name == "id" }?.value)
        let download = try client.get("/record?audio_id=\(id)&user_id=\(user.id)")
        #expect(download.status == 200)
        #expect(download.header("Content-Disposition")?.contains("Raw.mp3") == true)
        #expect(Self.isMP3(download.body))
        #expect(try app.trackCount() == attempts.count + 1)
    }

    @Test func badCredentialsAre401AndLeaveNoRowAndNoFile() throws {
        let app = try TestApplication()
        defer { app.stop() }
        let setup = try app.makeClient()
        let user = try Self.seedUser(setup, "owner")
        let other = try Self.seedUser(setup, "other")
        let wav = try AudioScratch().tone("a.wav", seconds: 0.5)
        let unknown = UUID().uuidString.lowercased()
        let cases: [(name: String, target: String, fields: [(String, String)], trailing: [(String, String)])] = [
            ("wrong token in the form", "/record", [("user_id", user.id), ("token", unknown)], []),
            ("wrong token after the file", "/record", [], [("user_id", user.id), ("token", unknown)]),
            ("another user's token", "/add-audio/", [("user_id", user.id), ("token", other.token)], []),
            ("another user's token after the file", "/record", [("user_id", user.id)], [("user_token", other.token)]),
            ("unknown user id", "/record", [("user_id", unknown), ("token", user.token)], []),
            ("malformed user id", "/record", [("user_id", "not-a-uuid"), ("token", user.token)], []),
            ("no token at all", "/record", [("user_id", user.id)], []),
            ("wrong token in the query", "/record?user_id=\(user.id)&token=\(unknown)", [], []),
            ("query token of another user", "/record?user_id=\(user.id)&token=\(other.token)", [], []),
        ]
        for item in cases {
            // A fresh connection each time: an early refusal may close it with the body unread.
            let response = try Self.post(
                try app.makeClient(), item.target, fields: item.fields, file: ("a.wav", wav), trailingFields: item.trailing)
            #expect(response.status == 401, "\(item.name): \(response.text)")
            #expect(response.errorCode == "unauthenticated", "\(item.name)")
            #expect(response.header("WWW-Authenticate") == "Bearer", "\(item.name)")
        }
        let missingUser = try Self.post(try app.makeClient(), fields: [("token", user.token)], file: ("a.wav", wav))
        #expect(missingUser.status == 422)
        #expect(missingUser.text.contains("user_id"))
        #expect(try app.trackCount() == 0)
        #expect(app.uploadedFiles.isEmpty, "\(app.uploadedFiles)")
    }

    @Test func nonAudioIs415AndMissingFileIs422AndNothingIsLeft() throws {
        let app = try TestApplication()
        defer { app.stop() }
        let client = try app.makeClient()
        let user = try Self.seedUser(client, "prankster")
        let scratch = try AudioScratch()
        try AudioFixtures.writeText(to: scratch.path("notes.wav"))
        let text = try scratch.bytes("notes.wav")
        let credentials = [("user_id", user.id), ("token", user.token)]
        let form = try Self.post(client, fields: credentials, file: ("notes.wav", text))
        #expect(form.status == 415, "\(form.text)")
        #expect(form.errorCode == "unsupported_media_type")
        let after = try Self.post(try app.makeClient(), "/add-audio/", file: ("notes.wav", text), trailingFields: credentials)
        #expect(after.status == 415, "\(after.text)")
        let json = try app.makeClient().request(
            "POST", "/record?user_id=\(user.id)&token=\(user.token)", headers: ["Content-Type": "application/json"],
            body: Array("{}".utf8))
        #expect(json.status == 415)
        let noFile = try Self.post(try app.makeClient(), fields: credentials, file: nil)
        #expect(noFile.status == 422)
        #expect(noFile.text.contains("file"))
        #expect(try app.trackCount() == 0)
        #expect(app.uploadedFiles.isEmpty, "\(app.uploadedFiles)")
    }

    @Test func mismatchedOrUnknownPairIs404() throws {
        let app = try TestApplication()
        defer { app.stop() }
        let client = try app.makeClient()
        let owner = try Self.seedUser(client, "owner")
        let other = try Self.seedUser(client, "other")
        let wav = try AudioScratch().tone("a.wav", seconds: 0.5)
        let upload = try Self.post(client, fields: [("user_id", owner.id), ("token", owner.token)], file: ("a.wav", wav))
        let url = try upload.json()["url"] as? String ?? ""
        let id = try #require(URLComponents(string: url)?.queryItems?.first { $0.name == "id" }?.value)
        #expect(try client.get("/record?id=\(id)&user=\(owner.id)").status == 200)
        for target in [
            "/record?id=\(id)&user=\(other.id)",                            // another user's id
            "/record?id=\(id)&user=\(UUID().uuidString.lowercased())",      // nobody's id
            "/record?id=\(UUID().uuidString.lowercased())&user=\(owner.id)",  // unknown track
            "/record?id=not-a-uuid&user=\(owner.id)",
            "/record?id=\(id)&user=not-a-uuid",
        ] {
            let response = try client.get(target)
            #expect(response.status == 404, "\(target)")
            #expect(response.errorCode == "not_found", "\(target)")
        }
        // Even the owner's own credentials do not make a wrong pair right; HEAD answers the same.
        #expect(try client.get("/record?id=\(id)&user=\(other.id)", headers: bearer(owner.token)).status == 404)
        #expect(try client.request("HEAD", "/record?id=\(id)&user=\(other.id)").status == 404)
        let missing = try client.get("/record?id=\(id)")
        #expect(missing.status == 422)
        #expect(missing.text.contains("user"))
    }

    @Test func privateTrackNeedsItsOwnersCredentials() throws {
        let app = try TestApplication()
        defer { app.stop() }
        let client = try app.makeClient()
        let owner = try Self.seedUser(client, "secretive")
        let other = try Self.seedUser(client, "curious")
        let wav = try AudioScratch().tone("a.wav", seconds: 0.5)
        let upload = try Self.post(
            client, fields: [("user_id", owner.id), ("token", owner.token), ("visibility", "private")], file: ("a.wav", wav))
        #expect(upload.status == 201, "\(upload.text)")
        let target = Self.target(of: try upload.json()["url"] as? String ?? "")
        #expect(try client.get(target).status == 404)
        #expect(try client.get(target, headers: bearer(other.token)).status == 404)
        #expect(try client.get(target + "&access_token=\(other.token)").status == 404)
        let byBearer = try client.get(target, headers: bearer(owner.token))
        #expect(byBearer.status == 200)
        #expect(Self.isMP3(byBearer.body))
        #expect(byBearer.header("Cache-Control") == "private, no-cache")
        #expect(try client.get(target + "&access_token=\(owner.token)").status == 200)
        #expect(try client.get(target, headers: ["Cookie": "duradora_session=\(owner.token)"]).status == 200)
    }

    @Test func urlUsesTheConfiguredPublicAddress() throws {
        let fromEnvironment = try TestApplication { config in
            #expect(throws: Never.self) {
                try config.applyPublicAddress(environment: ["API_HOSTNAME": "music.example.com", "API_PORT": "8443"])
            }
        }
        defer { fromEnvironment.stop() }
        let explicit = try TestApplication { $0.server.publicURL = "https://radio.example.org/duradora" }
        defer { explicit.stop() }
        let wav = try AudioScratch().tone("a.wav", seconds: 0.5)
        for (app, base) in [(fromEnvironment, "http://music.example.com:8443"),
                            (explicit, "https://radio.example.org/duradora")] {
            let client = try app.makeClient()
            let user = try Self.seedUser(client, "tenor")
            let response = try Self.post(client, fields: [("user_id", user.id), ("token", user.token)], file: ("a.wav", wav))
            let url = try response.json()["url"] as? String ?? ""
            #expect(url.hasPrefix(base + "/record?id="), "\(url)")
            #expect(url.hasSuffix("&user=\(user.id)"))
        }
    }

    @Test func uploadsTurnedOffAre403BeforeTheBodyIsRead() throws {
        let app = try TestApplication { $0.library.userUploads = false }
        defer { app.stop() }
        let user = try Self.seedUser(try app.makeClient(), "muted")
        let wav = try AudioScratch().tone("a.wav", seconds: 0.5)
        let early = try Self.post(try app.makeClient(), "/record?user_id=\(user.id)&token=\(user.token)", file: ("a.wav", wav))
        #expect(early.status == 403)
        let late = try Self.post(try app.makeClient(), fields: [("user_id", user.id), ("token", user.token)], file: ("a.wav", wav))
        #expect(late.status == 403)
        #expect(try app.trackCount() == 0)
        #expect(app.uploadedFiles.isEmpty, "\(app.uploadedFiles)")
    }
}
