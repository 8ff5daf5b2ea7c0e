@testable import DuradoraApp
import Testing

/// The two renderers read one model: the same element gives the same values in XML and JSON.
@Suite struct SubsonicRendererTests {
    private static func sample() -> SubsonicResponse {
        var genre = SubsonicElement()
        genre.text = .string("Rock & Roll")
        genre.set("songCount", 2)
        var info = SubsonicElement()
        info.set("name", "a\u{1}b\tc")
        info.set("rate", 1.5)
        info.set("whole", 2.0)
        info.set("missing", nil as String?)
        info.add("genre", [genre])
        info.add("empty", [])
        info.add("required", [], keepsEmpty: true)
        info.add("versions", values: [.int(1), .int(2)])
        return .ok("info", info)
    }

    @Test func xmlPutsScalarsInAttributesListsInRepeatedElementsAndEscapes() {
        let xml = String(decoding: SubsonicXMLRenderer.render(Self.sample()), as: UTF8.self)
        #expect(xml.hasSuffix(#"<info name="ab&#9;c" rate="1.5" whole="2"><genre songCount="2">Rock &amp; Roll</genre>"#
            + "<versions>1</versions><versions>2</versions></info></subsonic-response>"))
        #expect(!xml.contains("missing") && !xml.contains("empty") && !xml.contains("required"))
    }

    @Test func jsonKeepsOnlyRequiredEmptyArraysAndEscapesForJavaScript() {
        let json = String(decoding: SubsonicJSONRenderer.render(Self.sample()), as: UTF8.self)
        #expect(json.hasSuffix(#""info":{"name":"a\u0001b\tc","rate":1.5,"whole":2,"genre":[{"songCount":2,"value":"Rock & Roll"}],"required":[],"versions":[1,2]}}}"#))
        var line = SubsonicElement()
        line.set("text", "x\u{2028}y")
        let jsonp = String(decoding: SubsonicJSONRenderer.render(.ok("lyrics", line), callback: "cb"), as: UTF8.self)
        #expect(jsonp.hasPrefix("cb(") && jsonp.hasSuffix(");"))
        #expect(jsonp.contains(#""text":"x\u2028y""#))
    }

    @Test func callbackNamesArePlainJavaScriptPaths() {
        for name in ["cb", "$", "_x1", "jQuery123_456", "a.b.c"] { #expect(SubsonicJSONRenderer.isValidCallback(name), "\(name)") }
        for name in ["", "1a", "a b", "a()", "a.", ".a", "a-b", "é", String(repeating: "a", count: 200)] {
            #expect(!SubsonicJSONRenderer.isValidCallback(name), "\(name)")
        }
    }

    @Test func emptySearchTextsAreEverything() {
        #expect(SubsonicSearch.searchText(nil) == nil)
        #expect(SubsonicSearch.searchText("") == nil)
        #expect(SubsonicSearch.searchText(#""""#) == nil)
        #expect(SubsonicSearch.searchText(#" "" "#) == nil)
        #expect(SubsonicSearch.searchText(#""blue""#) == "blue")
        #expect(SubsonicSearch.searchText("kind of blue") == "kind of blue")
    }

    @Test func artistsFileUnderTheirFirstLetterWithoutTheLibrarysArticles() {
        let articles = LibraryController.Settings.defaultArticles
        #expect(SubsonicBrowsing.indexLetter("The Beatles", ignoring: articles) == "B")
        #expect(SubsonicBrowsing.indexLetter("los lobos", ignoring: articles) == "L")
        #expect(SubsonicBrowsing.indexLetter("theory", ignoring: articles) == "T")
        #expect(SubsonicBrowsing.indexLetter("2Pac", ignoring: articles) == "#")
        #expect(SubsonicBrowsing.indexLetter("The Beatles", ignoring: []) == "T")
    }
}
