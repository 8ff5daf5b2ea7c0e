import DuradoraApp
import DuradoraTestSupport
import Foundation
import Testing

/// Bad input gets a precise status and a JSON error, and writes nothing; hostile names are just text.
@Suite struct PlaylistInputTests {
    @Test func badCreateBodiesAreRefusedAndWriteNothing() throws {
        let fixture = try AdminFixture()
        defer { fixture.stop() }
        let client = fixture.client
        let cases: [(String, Int, String, String?)] = [
            (#"{"name":"x""#, 400, "malformed_json", nil),
            (#"not json"#, 400, "malformed_json", nil),
            (#"["name"]"#, 400, "bad_request", nil),
            (#"{}"#, 422, "invalid_field", "name"),
            (#"{"name":null}"#, 422, "invalid_field", "name"),
            (#"{"name":"   "}"#, 422, "invalid_field", "name"),
            (#"{"name":123}"#, 422, "invalid_field", "name"),
            (#"{"name":"a\u0000b"}"#, 422, "invalid_field", "name"),
            (#"{"name":"line\nbreak"}"#, 422, "invalid_field", "name"),
            (#"{"name":"\#(String(repeating: "x", count: 201))"}"#, 422, "invalid_field", "name"),
            (#"{"name":"ok","visibility":"secret"}"#, 422, "invalid_field", "visibility"),
            (#"{"name":"ok","visibility":true}"#, 422, "invalid_field", "visibility"),
            (#"{"name":"ok","description":5}"#, 422, "invalid_field", "description"),
            (#"{"name":"ok","description":"\#(String(repeating: "d", count: 5001))"}"#, 422, "invalid_field", "description"),
            (#"{"name":"ok","regenerate_share_token":true}"#, 422, "invalid_field", "regenerate_share_token"),
        ]
        for (body, status, code, field) in cases {
            let response = try client.postJSON("/api/v1/playlists", body, headers: bearer(fixture.admin))
            #expect(response.status == status, "\(body.prefix(60)): \(response.text)")
            #expect(response.errorCode == code, "\(body.prefix(60))")
            #expect(response.header("Content-Type")?.hasPrefix("application/json") == true)
            if let field { #expect(response.text.contains(field), "\(body.prefix(60)) names \(field)") }
        }
        let tooLarge = try client.postJSON("/api/v1/playlists", #"{"name":"\#(String(repeating: "x", count: 70_000))"}"#,
                                           headers: bearer(fixture.admin))
        #expect(tooLarge.status == 413)
        #expect(try client.get("/api/v1/playlists", headers: bearer(fixture.admin)).json()["total"] as? Int == 0)
    }

    @Test func hostileNamesRoundTripAsPlainText() throws {
        let fixture = try AdminFixture()
        defer { fixture.stop() }
        let client = fixture.client
        let names = [#"<script>alert(1)</script>"#, #"'; DROP TABLE playlists; --"#, "名前 🎵 Ünïcødé",
                     #"100% \_o_/ "quoted""#, String(repeating: "é", count: 200), "tab\tinside"]
        for name in names {
            let escaped = String(decoding: try JSONSerialization.data(withJSONObject: [name], options: [.fragmentsAllowed]),
                                 as: UTF8.self).dropFirst().dropLast()
            let response = try client.postJSON("/api/v1/playlists", #"{"name":\#(escaped),"visibility":"public"}"#,
                                               headers: bearer(fixture.admin))
            if name.contains("\t") {
                #expect(response.status == 422)  // a control character
                continue
            }
            #expect(response.status == 201, "\(name): \(response.text)")
            let id = try response.json()["id"] as? String ?? ""
            #expect(try client.playlist(id).json()["name"] as? String == name)
        }
        #expect(try client.get("/api/v1/playlists").json()["total"] as? Int == names.count - 1)
        let search = try client.get("/api/v1/playlists?q=DROP%20TABLE")
        #expect(try search.json()["total"] as? Int == 1)
    }

    @Test func badEntriesAndIdsAreRefusedAndWriteNothing() throws {
        let fixture = try AdminFixture()
        defer { fixture.stop() }
        let client = fixture.client
        let track = try client.createEmptyTrack(token: fixture.admin, query: "title=T&visibility=public")
        let id = try client.playlistID(token: fixture.admin, name: "P")
        try client.addedEntry(id, track: track, token: fixture.admin)
        let path = "/api/v1/playlists/\(id)/tracks"
        let cases: [(String, Int, String)] = [
            (#"{}"#, 422, "track_id"),
            (#"{"track_id":"nope"}"#, 422, "track_id"),
            (#"{"track_id":42}"#, 422, "track_id"),
            (#"{"track_id":"\#(UUID().uuidString)"}"#, 422, "track_id"),
            (#"{"track_id":"\#(track)","position":"1"}"#, 422, "position"),
            (#"{"track_id":"\#(track)","position":1.5}"#, 422, "position"),
            (#"{"track_id":"\#(track)","position":true}"#, 422, "position"),
            (#"{"track_id":"\#(track)","position":2}"#, 422, "position"),
            (#"{"track_id":"#, 400, "malformed_json"),
            (#""#, 400, "malformed_json"),
        ]
        for (body, status, text) in cases {
            let response = try client.postJSON(path, body, headers: bearer(fixture.admin))
            #expect(response.status == status, "\(body): \(response.text)")
            #expect(response.text.contains(text) || response.errorCode == text, "\(body): \(response.text)")
        }
        #expect(try client.playlist(id, token: fixture.admin).json()["track_count"] as? Int == 1)
        // Positions 0 and 1 are numbers, not Booleans.
        #expect(try client.addEntry(id, track: track, position: 1, token: fixture.admin).status == 201)
        #expect(try client.addEntry(id, track: track, position: 0, token: fixture.admin).status == 201)

        // Unknown and malformed ids are 404s with the JSON error shape.
        let unknown = UUID().uuidString.lowercased()
        for target in ["/api/v1/playlists/\(unknown)", "/api/v1/playlists/not-a-uuid"] {
            let response = try client.playlist(String(target.split(separator: "/").last ?? ""), token: fixture.admin)
            #expect(response.status == 404)
            #expect(response.errorCode == "not_found")
            #expect(try client.patchJSON(target, #"{"name":"x"}"#, token: fixture.admin).status == 404)
            #expect(try client.delete(target, token: fixture.admin).status == 404)
            #expect(try client.addEntry(String(target.split(separator: "/").last ?? ""), track: track,
                                        token: fixture.admin).status == 404)
        }
        #expect(try client.delete("\(path)/\(unknown)", token: fixture.admin).status == 404)
        #expect(try client.delete("\(path)/not-a-uuid", token: fixture.admin).status == 404)

        // PATCH: bad fields change nothing; an empty body changes nothing either.
        let playlistPath = "/api/v1/playlists/\(id)"
        for body in [#"{"name":""}"#, #"{"visibility":"everyone"}"#, #"{"regenerate_share_token":"yes"}"#,
                     #"{"regenerate_share_token":1}"#, #"{"name":"ok","visibility":"nope"}"#] {
            let response = try client.patchJSON(playlistPath, body, token: fixture.admin)
            #expect(response.status == 422, "\(body): \(response.text)")
        }
        let unchanged = try client.patchJSON(playlistPath, "", token: fixture.admin)
        #expect(unchanged.status == 200)
        #expect(try unchanged.json()["name"] as? String == "P")
        #expect(try unchanged.json()["visibility"] as? String == "private")
        #expect(try unchanged.json()["track_count"] as? Int == 3)
        // Wrong methods: 405 with Allow.
        let wrong = try client.request("PATCH", path, headers: bearer(fixture.admin))
        #expect(wrong.status == 405)
        #expect(wrong.header("Allow")?.contains("PUT") == true)
    }
}
