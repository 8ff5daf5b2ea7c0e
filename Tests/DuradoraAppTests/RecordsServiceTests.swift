import DuradoraTestSupport
import Foundation
import Testing
@testable import DuradoraApp

/// The earlier records service over real sockets, as its documentation's curl lines call it:
/// `POST /api/v1/users/?username=`, `POST /api/v1/record/?access_token=&user_id=` (multipart `file`),
/// `GET /api/v1/record?record_id=&user_id=`, and the same under `/api_v1/`.
@Suite struct RecordsServiceTests {
    static func user(_ client: TestClient, _ prefix: String, _ name: String) throws -> (id: String, token: String) {
        let response = try client.request("POST", "\(prefix)/users/?username=\(name)")
        #expect(response.status == 201, "\(response.text)")
        let json = try response.json()
        return (json["user_id"] as? String ?? "", json["access_token"] as? String ?? "")
    }

    static func upload(_ client: TestClient, _ target: String, _ bytes: [UInt8]) throws -> TestResponse {
        let (contentType, body) = Multipart.encode(fields: [], file: ("take.wav", bytes))
        return try client.request("POST", target, headers: ["Content-Type": contentType], body: body)
    }

    @Test(arguments: ["/api/v1", "/api_v1"])
    func documentedFlowUnderBothSpellings(prefix: String) throws {
        let app = try TestApplication()
        defer { app.stop() }
        let client = try app.makeClient()
        let user = try Self.user(client, prefix, "recorder")
        let wav = try AudioScratch().tone("take.wav", seconds: 0.5)
        let response = try Self.upload(client, "\(prefix)/record/?access_token=\(user.token)&user_id=\(user.id)", wav)
        #expect(response.status == 200, "\(response.text)")
        let url = try #require(try response.json()["record_url"] as? String)
        let prefixURL = "http://127.0.0.1:\(app.port)/api/v1/record?record_id="
        #expect(url.hasPrefix(prefixURL) && url.hasSuffix("&user_id=\(user.id)"), "\(url)")

        // The URL downloads the MP3 (as an attachment, with ranges); under the other spelling too.
        let target = SeedRecordTests.target(of: url)
        let download = try client.get(target)
        #expect(download.status == 200)
        #expect(download.header("Content-Type") == "audio/mpeg")
        #expect(download.header("Content-Disposition")?.hasPrefix("attachment") == true)
        #expect(SeedRecordTests.isMP3(download.body))
        let other = target.replacingOccurrences(of: "/api/v1/", with: "/api_v1/")
        #expect(try client.get(other, headers: ["Range": "bytes=0-9"]).body == Array(download.body.prefix(10)))
        // A client that accepts only JSON gets the URL, as that service's documentation shows; others the file.
        let json = try client.get(target, headers: ["Accept": "application/json"])
        #expect(json.status == 200)
        #expect(try json.json()["record_url"] as? String == url)
        #expect(try client.get(target, headers: ["Accept": "application/json, audio/mpeg"]).header("Content-Type") == "audio/mpeg")
        #expect(try client.get(target, headers: ["Accept": "*/*"]).header("Content-Type") == "audio/mpeg")
    }

    @Test func badInputGetsItsStatusAndLeavesNothingBehind() throws {
        let app = try TestApplication()
        defer { app.stop() }
        let client = try app.makeClient()
        let user = try Self.user(client, "/api/v1", "careful")
        let intruder = try Self.user(client, "/api_v1", "intruder")
        let scratch = try AudioScratch()
        let wav = try scratch.tone("take.wav", seconds: 0.3)
        for target in [
            "/api/v1/record/?access_token=\(intruder.token)&user_id=\(user.id)",  // another user's token
            "/api/v1/record/?access_token=\(UUID().uuidString)&user_id=\(user.id)",  // no such token
            "/api_v1/record/?user_id=\(user.id)",  // no token
        ] {
            let refused = try Self.upload(client, target, wav)
            #expect(refused.status == 401, "\(target): \(refused.text)")
            #expect(refused.errorCode == "unauthenticated")
        }
        let notAudio = try Self.upload(client, "/api/v1/record/?access_token=\(user.token)&user_id=\(user.id)",
                                       Array("RIFF but not really".utf8))
        #expect(notAudio.status == 415)
        let noFile = try client.request("POST", "/api/v1/record/?access_token=\(user.token)&user_id=\(user.id)",
                                        headers: ["Content-Type": Multipart.encode(fields: [("x", "y")], file: nil).contentType],
                                        body: Multipart.encode(fields: [("x", "y")], file: nil).body)
        #expect(noFile.status == 422 && noFile.text.contains("file"))
        #expect(try app.trackCount() == 0)
        #expect(app.uploadedFiles.isEmpty)

        let stored = try Self.upload(client, "/api/v1/record/?access_token=\(user.token)&user_id=\(user.id)", wav)
        let url = try #require(try stored.json()["record_url"] as? String)
        let recordID = try #require(URLComponents(string: url)?.queryItems?.first { $0.name == "record_id" }?.value)
        #expect(try client.get("/api/v1/record?record_id=\(recordID)&user_id=\(intruder.id)").status == 404)
        #expect(try client.get("/api/v1/record?record_id=\(recordID)&user_id=\(intruder.id)",
                               headers: ["Accept": "application/json"]).status == 404)
        #expect(try client.get("/api/v1/record?record_id=nonsense&user_id=\(user.id)").status == 404)
        let missing = try client.get("/api_v1/record?user_id=\(user.id)")
        #expect(missing.status == 422 && missing.text.contains("record_id"))
        #expect(try client.request("POST", "/api_v1/users/?username=careful").status == 409)
    }
}
