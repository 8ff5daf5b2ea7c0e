import DuradoraApp
import DuradoraTestSupport
import Foundation
import Testing

/// `q` on `GET /api/v1/albums` and `/api/v1/artists` (and Subsonic's search3 albums and artists): a substring of
/// the name, through the trigram indexes of migration 13 from three characters, `LIKE` below.
@Suite struct LibraryNameSearchTests {
    static func query(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
    }

    @Test(arguments: Backend.allCases) func albumsByTheirNameOrTheirArtistsAndArtistsByName(_ backend: Backend) throws {
        let fixture = try AdminFixture(backend: backend)
        defer { fixture.stop() }
        let client = fixture.client
        let admin = fixture.admin
        let lobos = try client.libraryTrack(token: admin, ["title": "t", "artist": "Los Lobos", "album": "Kiko"])
        try client.libraryTrack(token: admin, ["title": "t", "artist": "Björk", "album": "Homogenic"])
        try client.libraryTrack(token: admin, ["title": "t", "artist": "Madness", "album": "One Step Beyond"])
        func albums(_ text: String) throws -> [String] {
            try client.items("/api/v1/albums?sort=name&q=\(Self.query(text))").strings("name")
        }
        func artists(_ text: String) throws -> [String] {
            try client.items("/api/v1/artists?q=\(Self.query(text))").strings("name")
        }
        #expect(try albums("obo") == ["Kiko"], "by the artist's name, inside a word")
        #expect(try albums("KIK") == ["Kiko"])
        #expect(try albums("step bey") == ["One Step Beyond"], "across words")
        #expect(try albums("BJÖR") == ["Homogenic"], "non-ASCII, either case")
        #expect(try albums("ob") == ["Kiko"], "two letters: the LIKE path")
        #expect(try artists("ness") == ["Madness"])
        #expect(try artists("s") == ["Los Lobos", "Madness"])
        #expect(try albums("zzz").isEmpty)
        #expect(try client.getJSON("/api/v1/albums?q=obo")["total"] as? Int == 1)
        // The index follows the rows: the last track gone, its album and artist are gone from search too.
        #expect(try client.delete("/api/v1/tracks/\(lobos)", token: admin).status == 204)
        #expect(try albums("kik").isEmpty)
        #expect(try artists("lobo").isEmpty)
    }

    /// FTS5 and LIKE syntax in the text is literal text: found where a name holds it, never an error.
    @Test(arguments: Backend.allCases) func hostileTextIsLiteral(_ backend: Backend) throws {
        let fixture = try AdminFixture(backend: backend)
        defer { fixture.stop() }
        let client = fixture.client
        let admin = fixture.admin
        for album in [#"100% "Pure" (Live)"#, "a_b*c", "axbyc", #"back\slash"#, "NEAR(x, y) - OR AND"] {
            try client.libraryTrack(token: admin, ["title": "t", "artist": "Various", "album": album])
        }
        func albums(_ text: String) throws -> [String] {
            let response = try client.get("/api/v1/albums?sort=name&q=\(Self.query(text))")
            #expect(response.status == 200, "\(text): \(response.text)")
            return try client.items("/api/v1/albums?sort=name&q=\(Self.query(text))").strings("name")
        }
        #expect(try albums(#"% "pu"#) == [#"100% "Pure" (Live)"#])
        #expect(try albums(#""pure""#) == [#"100% "Pure" (Live)"#])
        #expect(try albums("(live)") == [#"100% "Pure" (Live)"#])
        #expect(try albums("a_b") == ["a_b*c"], "an underscore is not a wildcard")
        #expect(try albums("_b") == ["a_b*c"], "nor on the LIKE path")
        #expect(try albums("b*c") == ["a_b*c"])
        #expect(try albums("%") == [#"100% "Pure" (Live)"#])
        #expect(try albums(#"k\s"#) == [#"back\slash"#])
        #expect(try albums("near(x") == ["NEAR(x, y) - OR AND"])
        #expect(try albums(" - or") == ["NEAR(x, y) - OR AND"])
        for text in ["\"", "\"\"", "*", "-", "()", "NEAR(", "OR", "AND NOT", #"\"#, "^a", "col:x", "'; DROP TABLE albums; --"] {
            _ = try albums(text)
        }
        #expect(try client.items("/api/v1/albums").count == 5, "nothing lost")
    }
}
