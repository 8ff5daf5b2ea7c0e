import Testing
@testable import DuradoraHTTP

@Suite struct ContentDispositionTests {
    @Test(arguments: [
        ("Artist - Title.mp3", "attachment; filename=\"Artist - Title.mp3\"; filename*=UTF-8''Artist%20-%20Title.mp3"),
        ("Beyoncé - Halo.mp3", "attachment; filename=\"Beyonce - Halo.mp3\"; filename*=UTF-8''Beyonc%C3%A9%20-%20Halo.mp3"),
        ("坂本龍一.mp3", "attachment; filename=\"____.mp3\"; filename*=UTF-8''%E5%9D%82%E6%9C%AC%E9%BE%8D%E4%B8%80.mp3"),
        ("say \"hi\".mp3", "attachment; filename=\"say _hi_.mp3\"; filename*=UTF-8''say%20%22hi%22.mp3"),
        ("a\\b/c.mp3", "attachment; filename=\"a_b_c.mp3\"; filename*=UTF-8''a_b_c.mp3"),
        ("evil\r\nSet-Cookie: x=1", "attachment; filename=\"evil__Set-Cookie: x=1\"; filename*=UTF-8''evil__Set-Cookie%3A%20x%3D1"),
        ("100% ;'x'.mp3", "attachment; filename=\"100_ ;'x'.mp3\"; filename*=UTF-8''100%25%20%3B%27x%27.mp3"),
        ("", "attachment; filename=\"download\"; filename*=UTF-8''download"),
        ("   ", "attachment; filename=\"download\"; filename*=UTF-8''download"),
    ])
    func buildsAttachmentHeader(filename: String, expected: String) {
        #expect(ContentDisposition.attachment(filename: filename) == expected)
    }

    @Test func inlineUsesTheInlineType() {
        #expect(ContentDisposition.inline(filename: "a.mp3") == "inline; filename=\"a.mp3\"; filename*=UTF-8''a.mp3")
    }

    /// Whatever the name, the value stays one header line and the quoted fallback stays one quoted-string.
    @Test(arguments: ["\u{0}\u{7F}\u{85}\"\\\t\r\n", "\"; filename=\"x.exe", "é\u{301}\u{200B}\u{FEFF}🎵", "%0D%0A"])
    func hostileNamesCannotBreakTheHeader(filename: String) {
        let value = ContentDisposition.attachment(filename: filename)
        #expect(value.unicodeScalars.allSatisfy { (0x20...0x7E).contains($0.value) })
        let prefix = "attachment; filename=\""
        #expect(value.hasPrefix(prefix))
        let afterOpeningQuote = value.dropFirst(prefix.count)
        let fallback = afterOpeningQuote.prefix { $0 != "\"" }
        #expect(!fallback.contains("\\"))
        let rest = afterOpeningQuote.dropFirst(fallback.count)
        let extendedPrefix = "\"; filename*=UTF-8''"
        #expect(rest.hasPrefix(extendedPrefix))
        #expect(rest.dropFirst(extendedPrefix.count).unicodeScalars.allSatisfy { $0 == "%" || Self.isAttributeCharacter($0) })
    }

    static func isAttributeCharacter(_ scalar: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar)
            || ("0"..."9").contains(scalar) || "!#$&+-.^_`|~".unicodeScalars.contains(scalar)
    }
}
