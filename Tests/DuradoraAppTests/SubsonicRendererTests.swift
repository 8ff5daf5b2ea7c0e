@testable import DuradoraApp
import Foundation
import Testing

/// `SubsonicWriter` renders one model in both formats: the same element gives the same values in XML and JSON.
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
        let xml = String(decoding: SubsonicWriter.xml(Self.sample()), as: UTF8.self)
        #expect(xml.hasSuffix(#"<info name="ab&#9;c" rate="1.5" whole="2"><genre songCount="2">Rock &amp; Roll</genre>"#
            + "<versions>1</versions><versions>2</versions></info></subsonic-response>"))
        #expect(!xml.contains("missing") && !xml.contains("empty") && !xml.contains("required"))
    }

    @Test func jsonKeepsOnlyRequiredEmptyArraysAndEscapesForJavaScript() {
        let json = String(decoding: SubsonicWriter.json(Self.sample()), as: UTF8.self)
        #expect(json.hasSuffix(#""info":{"name":"a\u0001b\tc","rate":1.5,"whole":2,"genre":[{"songCount":2,"value":"Rock & Roll"}],"required":[],"versions":[1,2]}}}"#))
        var line = SubsonicElement()
        line.set("text", "x\u{2028}y")
        let jsonp = String(decoding: SubsonicWriter.json(.ok("lyrics", line), callback: "cb"), as: UTF8.self)
        #expect(jsonp.hasPrefix("cb(") && jsonp.hasSuffix(");"))
        #expect(jsonp.contains(#""text":"x\u2028y""#))
    }

    @Test func idsAreLowercaseUUIDsAndTimesRFC3339WithMilliseconds() throws {
        let id = try #require(UUID(uuidString: "0A1B2C3D-4E5F-6071-8293-A4B5C6D7E8F9"))
        var element = SubsonicElement()
        element.set("id", id)
        // Leap day, the epoch, the last millisecond of a year, before 1970, a date Foundation formats the same way.
        let times: [Int64] = [951_782_400_000, 0, 1_704_067_199_999, -1, 1_714_566_896_500]
        for (index, milliseconds) in times.enumerated() {
            element.set("t\(index)", Date(timeIntervalSince1970: Double(milliseconds) / 1000))
        }
        let expected = #"id="0a1b2c3d-4e5f-6071-8293-a4b5c6d7e8f9" t0="2000-02-29T00:00:00.000Z" "#
            + #"t1="1970-01-01T00:00:00.000Z" t2="2023-12-31T23:59:59.999Z" t3="1969-12-31T23:59:59.999Z" "#
            + #"t4="2024-05-01T12:34:56.500Z"/>"#
        #expect(String(decoding: SubsonicWriter.xml(.ok("item", element)), as: UTF8.self).hasSuffix(expected + "</subsonic-response>"))
        #expect(RFC3339.string(from: Date(timeIntervalSince1970: 1_714_566_896.5)) == "2024-05-01T12:34:56.500Z")
        #expect(SubsonicItems.id(id) == id.uuidString.lowercased())
        let json = String(decoding: SubsonicWriter.json(.ok("item", element)), as: UTF8.self)
        #expect(json.contains(#"{"id":"0a1b2c3d-4e5f-6071-8293-a4b5c6d7e8f9","t0":"2000-02-29T00:00:00.000Z","#))
    }

    @Test func textIsEscapedByteByByteAsEachFormatNeeds() {
        var element = SubsonicElement()
        element.set("a", "<&>\"' \u{0}\u{8}\u{1F}\u{7F} é\u{FFFE}\u{FFFF}\u{FFFD}\u{2028}\u{2029}\\/ 😀\r\n")
        let xml = String(decoding: SubsonicWriter.xml(.ok("item", element)), as: UTF8.self)
        #expect(xml.hasSuffix(#"<item a="&lt;&amp;&gt;&quot;&apos; \#u{7F} é\#u{FFFD}\#u{2028}\#u{2029}\/ 😀&#13;&#10;"/></subsonic-response>"#))
        let json = String(decoding: SubsonicWriter.json(.ok("item", element)), as: UTF8.self)
        #expect(json.hasSuffix(#""item":{"a":"<&>\"' \u0000\u0008\u001f\#u{7F} é\#u{FFFE}\#u{FFFF}\#u{FFFD}\u2028\u2029\\/ 😀\r\n"}}}"#))
    }

    @Test func numbersAreWrittenWithoutFractionsWhenWhole() {
        var element = SubsonicElement()
        for (index, number) in [0, -7, 42, Int.max, Int.min].enumerated() { element.set("i\(index)", number) }
        for (index, number) in [0.5, -2.0, Double.nan, 1e20].enumerated() { element.set("d\(index)", number) }
        let json = String(decoding: SubsonicWriter.json(.ok("n", element)), as: UTF8.self)
        #expect(json.contains(#"{"i0":0,"i1":-7,"i2":42,"i3":9223372036854775807,"i4":-9223372036854775808,"#
            + #""d0":0.5,"d1":-2,"d2":0,"d3":1e+20}"#))
    }

    @Test func callbackNamesArePlainJavaScriptPaths() {
        for name in ["cb", "$", "_x1", "jQuery123_456", "a.b.c"] { #expect(SubsonicFormat.isValidCallback(name), "\(name)") }
        for name in ["", "1a", "a b", "a()", "a.", ".a", "a-b", "é", String(repeating: "a", count: 200)] {
            #expect(!SubsonicFormat.isValidCallback(name), "\(name)")
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
