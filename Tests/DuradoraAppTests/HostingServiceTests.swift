import DuradoraTestSupport
import Foundation
import Testing
@testable import DuradoraApp

/// The earlier audio hosting service (`/v1/…`) over real sockets, as its browser client uses it: cookies only.
@Suite struct HostingServiceTests {
    /// The value of cookie `name` among a response's `Set-Cookie` headers, with the whole header.
    static func cookie(_ response: TestResponse, _ name: String) -> (value: String, header: String)? {
        for header in response.headerValues("Set-Cookie") where header.hasPrefix(name + "=") {
            let value = header.dropFirst(name.count + 1).prefix { $0 != ";" }
            return (String(value), header)
        }
        return nil
    }

    static func loginWithCookies(_ client: TestClient, _ name: String, _ password: String) throws
        -> (session: String, refresh: String, response: TestResponse)
    {
        // The form FastAPI's OAuth2PasswordRequestForm reads.
        let response = try client.request("POST", "/v1/auth/login", headers: MusicAPITests.form,
                                          body: Array("username=\(name)&password=\(password)".utf8))
        #expect(response.status == 200, "\(response.text)")
        let session = cookie(response, "duradora_session")?.value ?? ""
        let refresh = cookie(response, "duradora_refresh")?.value ?? ""
        return (session, refresh, response)
    }

    @Test func documentedFlowWithCookiesOnly() throws {
        let app = try TestApplication()
        defer { app.stop() }
        let client = try app.makeClient()
        let registered = try client.postJSON("/v1/auth/registration", #"{"username":"hoster","password":"hoster-password"}"#)
        #expect(registered.status == 201)
        #expect(try registered.json()["username"] as? String == "hoster")
        let login = try Self.loginWithCookies(client, "hoster", "hoster-password")
        let sessionHeader = try #require(Self.cookie(login.response, "duradora_session")?.header)
        let refreshHeader = try #require(Self.cookie(login.response, "duradora_refresh")?.header)
        for header in [sessionHeader, refreshHeader] {
            #expect(header.contains("HttpOnly") && header.contains("SameSite=Lax"))
            #expect(!header.contains("Secure"))  // served over plain http
        }
        #expect(refreshHeader.contains("Path=/v1/auth"))
        #expect(try login.response.json()["access_token"] as? String == login.session)
        let jar = ["Cookie": "duradora_session=\(login.session)"]
        #expect(try client.get("/v1/auth/me", headers: jar).json()["username"] as? String == "hoster")

        // Upload, list own, stream with Range.
        let wav = try AudioScratch().tone("hosted.wav", seconds: 0.5)
        let (contentType, body) = Multipart.encode(fields: [], file: ("hosted.wav", wav))
        var uploadHeaders = jar
        uploadHeaders["Content-Type"] = contentType
        let uploaded = try client.request("POST", "/v1/audio/file", headers: uploadHeaders, body: body)
        #expect(uploaded.status == 201, "\(uploaded.text)")
        let trackID = try #require(try uploaded.json()["id"] as? String)
        let own = try client.get("/v1/audio/", headers: jar).json()
        #expect(((own["items"] as? [[String: Any]]) ?? []).compactMap { $0["id"] as? String } == [trackID])
        let part = try client.get("/v1/audio/file/\(trackID)", headers: ["Range": "bytes=0-31"])
        #expect(part.status == 206 && part.body.count == 32)

        // Refresh from the cookie rotates it; the old one is dead (and re-using it ends the login).
        let cross = try client.request("POST", "/v1/auth/refresh",
                                       headers: ["Cookie": "duradora_refresh=\(login.refresh)", "Sec-Fetch-Site": "cross-site"])
        #expect(cross.status == 403)
        let refreshed = try client.request("POST", "/v1/auth/refresh", headers: ["Cookie": "duradora_refresh=\(login.refresh)"])
        #expect(refreshed.status == 200, "\(refreshed.text)")
        let newSession = try #require(Self.cookie(refreshed, "duradora_session")?.value)
        let newRefresh = try #require(Self.cookie(refreshed, "duradora_refresh")?.value)
        #expect(newRefresh != login.refresh)
        #expect(try client.get("/v1/auth/me", headers: ["Cookie": "duradora_session=\(newSession)"]).status == 200)

        // Logout clears both cookies and ends the session.
        let out = try client.request("POST", "/v1/auth/logout",
                                     headers: ["Cookie": "duradora_session=\(newSession); duradora_refresh=\(newRefresh)"])
        #expect(out.status == 204)
        #expect(Self.cookie(out, "duradora_session")?.header.contains("Max-Age=0") == true)
        #expect(Self.cookie(out, "duradora_refresh")?.header.contains("Max-Age=0") == true)
        #expect(try client.get("/v1/auth/me", headers: ["Cookie": "duradora_session=\(newSession)"]).status == 401)
        #expect(try client.request("POST", "/v1/auth/refresh", headers: ["Cookie": "duradora_refresh=\(newRefresh)"]).status == 401)
    }

    /// The hosting service's upload form names the track `name`; it becomes the title (an explicit `title` wins).
    @Test func uploadNameIsTheTitle() throws {
        let app = try TestApplication()
        defer { app.stop() }
        let client = try app.makeClient()
        let user = try client.createUser("namer", password: "namer-password")
        let wav = try AudioScratch().tone("named.wav", seconds: 0.5)
        for (fields, title) in [([("name", "Evening Take")], "Evening Take"),
                                ([("name", "Ignored"), ("title", "Chosen")], "Chosen")] {
            let (contentType, body) = Multipart.encode(fields: fields, file: ("named.wav", wav))
            var headers = bearer(user.token)
            headers["Content-Type"] = contentType
            let uploaded = try client.request("POST", "/v1/audio/file", headers: headers, body: body)
            #expect(uploaded.status == 201, "\(uploaded.text)")
            #expect(try uploaded.json()["title"] as? String == title)
            let id = try #require(try uploaded.json()["id"] as? String)
            #expect(try client.get("/api/v1/tracks/\(id)", headers: bearer(user.token)).json()["title"] as? String == title)
        }
    }

    /// A browser whose access cookie has expired still holds the login in the refresh cookie: logging out with
    /// that one alone ends the login and clears both cookies.
    @Test func logoutWithOnlyTheRefreshCookie() throws {
        let app = try TestApplication()
        defer { app.stop() }
        let client = try app.makeClient()
        #expect(try client.postJSON("/v1/auth/registration", #"{"username":"leaver","password":"leaver-password"}"#).status == 201)
        let login = try Self.loginWithCookies(client, "leaver", "leaver-password")
        let onlyRefresh = ["Cookie": "duradora_refresh=\(login.refresh)"]
        let crossSite = try client.request("POST", "/v1/auth/logout", headers: onlyRefresh.merging(["Sec-Fetch-Site": "cross-site"]) { $1 })
        #expect(crossSite.status == 403)
        let out = try client.request("POST", "/v1/auth/logout", headers: onlyRefresh)
        #expect(out.status == 204, "\(out.text)")
        #expect(Self.cookie(out, "duradora_session")?.header.contains("Max-Age=0") == true)
        #expect(Self.cookie(out, "duradora_refresh")?.header.contains("Max-Age=0") == true)
        // The whole login is over: its access token and its refresh token.
        #expect(try client.get("/v1/auth/me", headers: ["Cookie": "duradora_session=\(login.session)"]).status == 401)
        #expect(try client.request("POST", "/v1/auth/refresh", headers: onlyRefresh).status == 401)
        #expect(try client.request("POST", "/v1/auth/logout").status == 401)
    }

    @Test func cookiesAreSecureWhenThePublicURLIsHTTPS() throws {
        let app = try TestApplication { $0.server.publicURL = "https://music.example" }
        defer { app.stop() }
        let client = try app.makeClient()
        #expect(try client.postJSON("/v1/auth/registration", #"{"username":"safe","password":"safe-password"}"#).status == 201)
        let login = try Self.loginWithCookies(client, "safe", "safe-password")
        #expect(Self.cookie(login.response, "duradora_session")?.header.contains("Secure") == true)
        #expect(Self.cookie(login.response, "duradora_refresh")?.header.contains("Secure") == true)
    }

    @Test func adminUserManagementAndBadInput() throws {
        let fixture = try AdminFixture()
        defer { fixture.stop() }
        let client = fixture.client
        let user = try client.createUser("managed", password: "managed-password")
        let admin = bearer(fixture.admin)
        let shown = try client.postJSON("/v1/user/get_user", #"{"username":"managed"}"#, headers: admin)
        #expect(shown.status == 200)
        #expect(try shown.json()["id"] as? String == user.id)
        let promoted = try client.request("PUT", "/v1/user/update_user", headers: admin.merging(MusicAPITests.form) { $1 },
                                          body: Array("user_id=\(user.id)&role=admin".utf8))
        #expect(promoted.status == 200)
        #expect(try promoted.json()["role"] as? String == "admin")
        let badRole = try client.request("PUT", "/v1/user/update_user", headers: admin.merging(MusicAPITests.form) { $1 },
                                         body: Array("user_id=\(user.id)&role=owner".utf8))
        #expect(badRole.status == 422 && badRole.text.contains("role"))

        // Users may not manage others; unknown users are 404; nothing is deleted by a refusal.
        let plain = try client.createUser("plain", password: "plain-password")
        #expect(try client.postJSON("/v1/user/get_user", #"{"user_id":"\#(user.id)"}"#, headers: bearer(plain.token)).status == 403)
        #expect(try client.request("DELETE", "/v1/user/delete_user?user_id=\(user.id)", headers: bearer(plain.token)).status == 403)
        #expect(try client.postJSON("/v1/user/get_user", #"{"username":"ghost"}"#, headers: admin).status == 404)
        #expect(try client.postJSON("/v1/user/get_user", "{}", headers: admin).status == 422)
        #expect(try client.me(user.token).status == 200)
        #expect(try client.request("DELETE", "/v1/user/delete_user?user_id=\(user.id)", headers: admin).status == 204)
        #expect(try client.me(user.token).status == 401)

        // Registration and login input.
        #expect(try client.postJSON("/v1/auth/registration", #"{"username":"short","password":"x"}"#).status == 422)
        #expect(try client.postJSON("/v1/auth/registration", #"{"username":"plain","password":"plain-password"}"#).status == 409)
        #expect(try client.postJSON("/v1/auth/login", #"{"username":"plain","password":"wrong-password"}"#).status == 401)
        #expect(try client.request("POST", "/v1/auth/refresh").status == 401)
        #expect(try client.get("/v1/audio/").status == 401)

        // Upload refusals leave nothing.
        let (contentType, body) = Multipart.encode(fields: [], file: ("x.wav", Array("text".utf8)))
        var headers = bearer(plain.token)
        headers["Content-Type"] = contentType
        #expect(try client.request("POST", "/v1/audio/file", headers: headers, body: body).status == 415)
        #expect(try client.request("POST", "/v1/audio/file", headers: ["Content-Type": contentType], body: body).status == 401)
        #expect(try fixture.app.trackCount() == 0)
        #expect(fixture.app.uploadedFiles.isEmpty)
        #expect(try client.get("/v1/audio/file/nonsense").status == 404)
    }
}
