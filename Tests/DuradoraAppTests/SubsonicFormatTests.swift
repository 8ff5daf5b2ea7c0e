import DuradoraApp
import DuradoraTestSupport
import Foundation
import Testing

/// The envelope in XML, JSON and JSONP, GET and POST alike, and errors always as HTTP 200 documents.
@Suite struct SubsonicFormatTests {
    @Test func xmlIsTheDefaultWithTheNamespaceAndTheOpenSubsonicEnvelope() throws {
        let fixture = try SubsonicFixture()
        defer { fixture.stop() }
        for path in ["ping", "ping.view"] {
            let response = try fixture.client.subsonic(path, fixture.aliceAuth)
            #expect(response.status == 200)
            #expect(response.header("Content-Type") == "text/xml; charset=utf-8")
            #expect(response.text == #"<?xml version="1.0" encoding="UTF-8"?><subsonic-response xmlns="http://subsonic.org/restapi" status="ok" version="1.16.1" type="duradora" serverVersion="\#(DuradoraVersion.current)" openSubsonic="true"/>"#)
        }
    }

    @Test func jsonCarriesTheSameEnvelope() throws {
        let fixture = try SubsonicFixture()
        defer { fixture.stop() }
        let response = try fixture.client.subsonicJSON("ping.view", fixture.aliceAuth)
        #expect(response["status"] as? String == "ok")
        #expect(response["version"] as? String == "1.16.1")
        #expect(response["type"] as? String == "duradora")
        #expect(response["serverVersion"] as? String == DuradoraVersion.current)
        #expect(response["openSubsonic"] as? Bool == true)
    }

    @Test func jsonpWrapsTheJSONAndRefusesACallbackThatIsNotAName() throws {
        let fixture = try SubsonicFixture()
        defer { fixture.stop() }
        let client = fixture.client
        let wrapped = try client.subsonic("ping", fixture.aliceAuth + [("f", "jsonp"), ("callback", "app.on_ping$1")])
        #expect(wrapped.header("Content-Type") == "application/javascript; charset=utf-8")
        #expect(wrapped.text.hasPrefix(#"app.on_ping$1({"subsonic-response":{"status":"ok""#))
        #expect(wrapped.text.hasSuffix("});"))
        for callback in ["alert(1)//", "", "1abc", "a..b", "</script>"] {
            let refused = try client.subsonic("ping", fixture.aliceAuth + [("f", "jsonp"), ("callback", callback)])
            #expect(refused.status == 200)
            #expect(refused.header("Content-Type") == "application/json; charset=utf-8")
            #expect(!refused.text.contains(callback) || callback.isEmpty)
            #expect(Subsonic.error(try refused.json()["subsonic-response"] as? [String: Any] ?? [:]) == 0)
        }
        let missing = try client.subsonic("ping", fixture.aliceAuth + [("f", "jsonp")])
        #expect(Subsonic.error(try missing.json()["subsonic-response"] as? [String: Any] ?? [:]) == 10)
    }

    @Test func errorsAreHTTP200DocumentsInTheRequestedFormat() throws {
        let fixture = try SubsonicFixture()
        defer { fixture.stop() }
        let client = fixture.client
        let xml = try client.subsonic("getSong", fixture.aliceAuth + [("id", UUID().uuidString)])
        #expect(xml.status == 200)
        #expect(xml.header("Content-Type") == "text/xml; charset=utf-8")
        #expect(xml.text.contains(#"status="failed""#))
        #expect(xml.text.contains(#"<error code="70" message="#))
        let json = try client.subsonicJSON("noSuchMethod", fixture.aliceAuth)
        #expect(Subsonic.error(json) == 70)
        #expect(Subsonic.error(try client.subsonicJSON("getSong", fixture.aliceAuth)) == 10)
        #expect(Subsonic.error(try client.subsonicJSON("getRandomSongs", fixture.aliceAuth + [("size", "many")])) == 0)
    }

    @Test func getAndPostGiveTheSameBodyAndQueryPlusBodyCombine() throws {
        let fixture = try SubsonicFixture()
        defer { fixture.stop() }
        let client = fixture.client
        try fixture.upload(token: fixture.alice.token, title: "One", artist: "Band", album: "First")
        try fixture.upload(token: fixture.alice.token, title: "Two", artist: "Band", album: "Second", track: 2)
        let calls: [(String, [(String, String)])] = [
            ("search3", [("query", "")]), ("getAlbumList2", [("type", "alphabeticalByName")]),
            ("getArtists", []), ("getGenres", []), ("getMusicFolders", []), ("getUser", [("username", "alice")]),
        ]
        for (method, parameters) in calls {
            for format in ["json", "xml"] {
                let all = fixture.aliceAuth + parameters + [("f", format)]
                let get = try client.subsonic(method, all)
                let post = try client.subsonic(method, all, post: true)
                #expect(get.text == post.text, "\(method) \(format)")
                #expect(get.text.contains(#""status":"ok""#) || get.text.contains(#"status="ok""#), "\(method): \(get.text)")
            }
        }
        // Credentials in the query, the rest in the body (DSub once did this).
        let query = Subsonic.encode(fixture.aliceAuth + [("f", "json")])
        let mixed = try client.request("POST", "/rest/search3.view?" + query,
                                       headers: ["Content-Type": "application/x-www-form-urlencoded"],
                                       body: Array("query=One&songCount=5".utf8))
        let songs = ((try mixed.json()["subsonic-response"] as? [String: Any])?["searchResult3"] as? [String: Any])?["song"]
        #expect((songs as? [[String: Any]])?.map { $0["title"] as? String } == ["One"])
    }

    @Test func xmlEscapesMarkupAndCarriesTheSameValuesAsJSON() throws {
        let fixture = try SubsonicFixture()
        defer { fixture.stop() }
        let title = #"A <b> & "c" 'd'"#
        let id = try fixture.upload(token: fixture.alice.token, title: title, artist: "Band", album: "First")
        let xml = try fixture.client.subsonic("getSong", fixture.aliceAuth + [("id", id)]).text
        #expect(xml.contains(#"title="A &lt;b&gt; &amp; &quot;c&quot; &apos;d&apos;""#))
        let json = try fixture.client.subsonicJSON("getSong", fixture.aliceAuth + [("id", id)])
        let song = try #require(json["song"] as? [String: Any])
        #expect(song["title"] as? String == title)
        #expect(song["isDir"] as? Bool == false)
        #expect(xml.contains(#"isDir="false""#))
        for key in ["id", "albumId", "artistId", "suffix", "contentType"] {
            let value = try #require(song[key] as? String, "\(key)")
            #expect(xml.contains(" \(key)=\"\(value)\""), "\(key)")
        }
        for key in ["duration", "size", "bitRate", "year", "track"] {
            let value = try #require(song[key] as? Int, "\(key)")
            #expect(xml.contains(" \(key)=\"\(value)\""), "\(key)")
        }
    }

    @Test func usersAreForAdminsAndEveryoneSeesThemselves() throws {
        let fixture = try SubsonicFixture()
        defer { fixture.stop() }
        let client = fixture.client
        #expect(Subsonic.error(try client.subsonicJSON("getUsers", fixture.aliceAuth)) == 50)
        #expect(Subsonic.error(try client.subsonicJSON("getUser", fixture.aliceAuth + [("username", "root")])) == 50)
        let me = try client.subsonicJSON("getUser", fixture.aliceAuth + [("username", "alice")])
        let user = try #require(me["user"] as? [String: Any])
        #expect(user["adminRole"] as? Bool == false)
        #expect(user["streamRole"] as? Bool == true)
        #expect(user["folder"] as? [Int] == [1])
        let all = try client.subsonicJSON("getUsers", fixture.rootAuth)
        let names = ((all["users"] as? [String: Any])?["user"] as? [[String: Any]])?.compactMap { $0["username"] as? String }
        #expect(Set(names ?? []) == ["root", "alice"])
        #expect(Subsonic.error(try client.subsonicJSON("getUser", fixture.rootAuth + [("username", "ghost")])) == 70)
        let folders = try client.subsonicJSON("getMusicFolders", fixture.aliceAuth)
        let folder = ((folders["musicFolders"] as? [String: Any])?["musicFolder"] as? [[String: Any]])?.first
        #expect(folder?["id"] as? Int == 1)
        #expect((try client.subsonicJSON("getLicense", fixture.aliceAuth)["license"] as? [String: Any])?["valid"] as? Bool == true)
    }
}
