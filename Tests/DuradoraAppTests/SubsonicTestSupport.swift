import DuradoraApp
import DuradoraTestSupport
import Foundation
import Testing

/// Subsonic calls over a real socket: GET with the parameters in the query, or POST with them as a form.
extension TestClient {
    /// `POST /api/v1/auth/app-passwords`; returns (id, password).
    func makeAppPassword(token: String, name: String = "test app", sourceLocation: SourceLocation = #_sourceLocation)
        throws -> (id: String, password: String)
    {
        let response = try postJSON("/api/v1/auth/app-passwords", #"{"name":"\#(name)"}"#, headers: bearer(token))
        #expect(response.status == 201, "\(response.text)", sourceLocation: sourceLocation)
        let json = try response.json()
        return (json["id"] as? String ?? "", json["password"] as? String ?? "")
    }

    func subsonic(_ method: String, _ parameters: [(String, String)], post: Bool = false,
                  headers: [String: String] = [:]) throws -> TestResponse {
        let form = Subsonic.encode(parameters)
        if post {
            var headers = headers
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            return try request("POST", "/rest/\(method)", headers: headers, body: Array(form.utf8))
        }
        return try request("GET", "/rest/\(method)" + (form.isEmpty ? "" : "?" + form), headers: headers)
    }

    /// The `subsonic-response` object of a JSON call (`f=json` is added).
    func subsonicJSON(_ method: String, _ parameters: [(String, String)], post: Bool = false,
                      sourceLocation: SourceLocation = #_sourceLocation) throws -> [String: Any] {
        let response = try subsonic(method, parameters + [("f", "json")], post: post)
        #expect(response.status == 200, sourceLocation: sourceLocation)
        #expect(response.header("Content-Type") == "application/json; charset=utf-8", sourceLocation: sourceLocation)
        return try response.json()["subsonic-response"] as? [String: Any] ?? [:]
    }
}

enum Subsonic {
    static func encode(_ parameters: [(String, String)]) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return parameters.map { name, value in
            name + "=" + (value.addingPercentEncoding(withAllowedCharacters: allowed) ?? value)
        }.joined(separator: "&")
    }

    /// `u` + `t` + `s` for `password`, with a fixed salt (clients may reuse one).
    static func token(_ user: String, _ password: String, salt: String = "c19b2d") -> [(String, String)] {
        [("u", user), ("t", md5Hex(password + salt)), ("s", salt), ("v", "1.16.1"), ("c", "tests")]
    }

    static func md5Hex(_ text: String) -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/md5sum")
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try? process.run()
        input.fileHandleForWriting.write(Data(text.utf8))
        try? input.fileHandleForWriting.close()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(String(decoding: data, as: UTF8.self).prefix(32))
    }

    static func error(_ response: [String: Any]) -> Int? {
        (response["error"] as? [String: Any])?["code"] as? Int
    }
}

/// An app with an admin (`root`) and a user (`alice`), each with an app password, and tracks uploaded by both.
struct SubsonicFixture {
    let admin: AdminFixture
    let client: TestClient
    let alice: (id: String, token: String)
    let alicePassword: String
    let rootPassword: String

    var app: TestApplication { admin.app }
    var aliceAuth: [(String, String)] { [("u", "alice"), ("p", alicePassword)] }
    var rootAuth: [(String, String)] { [("u", "root"), ("p", rootPassword)] }

    init(backend: Backend = .sqlite, configure: (inout Configuration) -> Void = { _ in }) throws {
        admin = try AdminFixture(backend: backend, configure: configure)
        client = admin.client
        let aliceID = try client.createUser("alice", password: "alicepassword").id
        let aliceLogin = try client.loginPair("alice", "alicepassword").access
        alice = (aliceID, aliceLogin)
        alicePassword = try client.makeAppPassword(token: aliceLogin, name: "phone").password
        rootPassword = try client.makeAppPassword(token: admin.admin, name: "desktop").password
    }

    /// Uploads a short MP3 with tags; returns its id.
    @discardableResult
    func upload(token: String, title: String, artist: String, album: String, genre: String = "Rock", year: Int = 2001,
                track: Int = 1, visibility: String = "public", sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        let scratch = try AudioScratch()
        let bytes = try scratch.mp3("t.mp3", seconds: 0.3)
        let query = Subsonic.encode([("title", title), ("artist", artist), ("album", album), ("genre", genre),
                                     ("year", String(year)), ("track_number", String(track)), ("visibility", visibility)])
        let response = try client.uploadRaw(token: token, bytes: bytes, contentType: "audio/mpeg", query: query)
        #expect(response.status == 201, "\(response.text)", sourceLocation: sourceLocation)
        return try response.json()["id"] as? String ?? ""
    }

    /// Alice's "One" and "Two", tracks 1 and 2 of "First" by "Band".
    func uploadTwoSongs() throws -> (one: String, two: String) {
        (try upload(token: alice.token, title: "One", artist: "Band", album: "First"),
         try upload(token: alice.token, title: "Two", artist: "Band", album: "First", track: 2))
    }

    func stop() { admin.stop() }
}
