import Foundation
import Testing
import DuradoraApp
import DuradoraTestSupport

/// The web player's page and assets as a browser fetches them, and the cookie's CSRF guard.
@Suite struct WebPlayerTests {
    private func assetPaths(in html: String) -> [String] {
        let pattern = try! NSRegularExpression(pattern: #"(?:src|href)="(/app/[0-9a-f]+/[^"]+)""#)
        return pattern.matches(in: html, range: NSRange(html.startIndex..., in: html)).compactMap {
            Range($0.range(at: 1), in: html).map { String(html[$0]) }
        }
    }

    @Test func rootServesThePlayerWithAStrictPolicyAndFingerprintedAssets() throws {
        let app = try TestApplication()
        defer { app.stop() }
        let client = try app.makeClient()
        let page = try client.get("/")
        #expect(page.status == 200)
        #expect(page.header("Content-Type") == "text/html; charset=utf-8")
        #expect(page.header("Cache-Control") == "no-cache")
        let policy = page.header("Content-Security-Policy") ?? ""
        #expect(policy.contains("script-src 'self'") && policy.contains("frame-ancestors 'none'"))
        #expect(!policy.contains("unsafe-inline"))
        #expect(page.header("X-Frame-Options") == "DENY")
        #expect(!page.text.contains("<script>"), "no inline script: the policy would block it")
        let assets = assetPaths(in: page.text)
        #expect(assets.contains { $0.hasSuffix("/main.js") } && assets.contains { $0.hasSuffix("/style.css") })

        let etag = try #require(page.header("ETag"))
        #expect(try client.get("/", headers: ["If-None-Match": etag]).status == 304)

        for path in assets {
            let asset = try client.get(path)
            #expect(asset.status == 200, "\(path)")
            #expect(asset.header("Cache-Control") == "public, max-age=31536000, immutable", "\(path)")
        }
        let script = try client.get(try #require(assets.first { $0.hasSuffix("/main.js") }))
        #expect(script.header("Content-Type") == "text/javascript; charset=utf-8")
    }

    @Test func assetsGoOutGzippedToClientsThatAcceptItWithTheirOwnETag() throws {
        let app = try TestApplication()
        defer { app.stop() }
        let client = try app.makeClient()
        let path = try #require(assetPaths(in: try client.get("/").text).first { $0.hasSuffix("/main.js") })
        let plain = try client.get(path)
        let gzipped = try client.get(path, headers: ["Accept-Encoding": "br;q=1, gzip;q=0.8"])
        #expect(gzipped.header("Content-Encoding") == "gzip")
        #expect(gzipped.header("Vary") == "Accept-Encoding")
        #expect(gzipped.body.count < plain.body.count)
        #expect(gzipped.header("ETag") != plain.header("ETag"), "two representations, two strong tags")
        #expect(plain.header("Content-Encoding") == nil)
        #expect(try client.get(path, headers: ["Accept-Encoding": "gzip;q=0"]).header("Content-Encoding") == nil)

        // What the client gets decompresses to exactly the plain bytes (gunzip is on every machine).
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("webplayer-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("main.js.gz")
        try Data(gzipped.body).write(to: file)
        let gunzip = Process()
        gunzip.executableURL = URL(fileURLWithPath: "/bin/gzip")
        gunzip.arguments = ["-d", file.path]
        try gunzip.run()
        gunzip.waitUntilExit()
        #expect(gunzip.terminationStatus == 0)
        #expect(Array(try Data(contentsOf: directory.appendingPathComponent("main.js"))) == plain.body)

        let conditional = try client.get(path, headers: ["Accept-Encoding": "gzip", "If-None-Match": gzipped.header("ETag") ?? ""])
        #expect(conditional.status == 304)
    }

    @Test func firstLoadStaysUnder150KBCompressed() throws {
        let app = try TestApplication()
        defer { app.stop() }
        let client = try app.makeClient()
        let page = try client.get("/", headers: ["Accept-Encoding": "gzip"])
        // Every module the page can load lives in the same folder; count them all, as a first visit may.
        var total = page.body.count
        let prefix = try #require(assetPaths(in: try client.get("/").text).first.map { String($0[..<($0.lastIndex(of: "/") ?? $0.endIndex)]) })
        for name in ["main.js", "style.css", "api.js", "dom.js", "player.js", "session.js", "tracks.js", "view-home.js",
                     "view-library.js", "view-search.js", "view-playlists.js", "view-upload.js", "view-account.js",
                     "view-admin.js", "view-login.js", "icons.js", "icon.svg"] {
            let asset = try client.get("\(prefix)/\(name)", headers: ["Accept-Encoding": "gzip"])
            #expect(asset.status == 200, "\(name)")
            total += asset.body.count
        }
        #expect(total < 150_000, "first load is \(total) bytes")
    }

    @Test func unknownAssetIs404InTheAPIsErrorShape() throws {
        let app = try TestApplication()
        defer { app.stop() }
        let response = try app.makeClient().get("/app/0123abcd/../../etc/passwd")
        #expect(response.status == 404)
        let missing = try app.makeClient().get("/app/nothing-here.js")
        #expect(missing.status == 404)
        #expect(missing.errorCode == "not_found")
    }

    @Test func cookieRequestsThatChangeStateMustComeFromOurOrigin() throws {
        let fixture = try AdminFixture()
        defer { fixture.stop() }
        let client = fixture.client
        let login = try client.login("root", AdminFixture.password)
        let cookie = try #require(login.header("Set-Cookie")?.split(separator: ";").first.map(String.init))
        let host = "localhost"   // what TestClient sends as Host
        func createPlaylist(_ headers: [String: String]) throws -> TestResponse {
            var all = headers
            all["Content-Type"] = "application/json"
            return try client.request("POST", "/api/v1/playlists", headers: all, body: Array(#"{"name":"csrf"}"#.utf8))
        }
        // A cross-site form post and a cross-site fetch, as browsers label them.
        let formPost = try createPlaylist(["Cookie": cookie, "Origin": "http://evil.example", "Sec-Fetch-Site": "cross-site"])
        #expect(formPost.status == 403)
        #expect(formPost.errorCode == "cross_origin_request")
        #expect(try createPlaylist(["Cookie": cookie, "Sec-Fetch-Site": "same-site"]).status == 403)
        #expect(try createPlaylist(["Cookie": cookie, "Origin": "http://evil.example"]).status == 403)
        #expect(try createPlaylist(["Cookie": cookie, "Origin": "null"]).status == 403)
        // Nothing was created by the refused requests.
        let mine = try client.get("/api/v1/users/root/playlists", headers: bearer(fixture.admin)).json()
        #expect(mine["total"] as? Int == 0)

        // Our own page, a browser without Sec-Fetch-Site, and a bearer token from anywhere are fine.
        #expect(try createPlaylist(["Cookie": cookie, "Origin": "http://\(host)", "Sec-Fetch-Site": "same-origin"]).status == 201)
        #expect(try createPlaylist(["Cookie": cookie, "Origin": "http://\(host)"]).status == 201)
        #expect(try createPlaylist(["Authorization": "Bearer \(fixture.admin)", "Origin": "http://evil.example",
                                    "Sec-Fetch-Site": "cross-site"]).status == 201)
        // Reading stays open to cross-site requests with the cookie (an <img> or <audio> from elsewhere).
        #expect(try client.get("/api/v1/auth/me", headers: ["Cookie": cookie, "Sec-Fetch-Site": "cross-site"]).status == 200)
    }
}
