import Testing
@testable import DuradoraHTTP

@Suite struct ConditionalRequestTests {
    static let etag = EntityTag("abc-123")
    static let modified: Int64 = 784111777  // Sun, 06 Nov 1994 08:49:37 GMT
    static let modifiedText = "Sun, 06 Nov 1994 08:49:37 GMT"
    static let earlier = "Sun, 06 Nov 1994 08:49:36 GMT"
    static let later = "Sun, 06 Nov 1994 08:49:38 GMT"

    struct Case: CustomTestStringConvertible, Sendable {
        let name: String
        let method: HTTPMethod
        let headers: [(String, String)]
        let expected: ConditionalRequest.Outcome
        var testDescription: String { name }
        init(_ name: String, _ method: HTTPMethod, _ headers: [(String, String)], _ expected: ConditionalRequest.Outcome) {
            self.name = name
            self.method = method
            self.headers = headers
            self.expected = expected
        }
        init(_ name: String, _ headers: [(String, String)], _ expected: ConditionalRequest.Outcome) {
            self.init(name, .get, headers, expected)
        }
    }

    static let proceed = ConditionalRequest.Outcome.proceed(isRangeAllowed: true)
    static let fullBody = ConditionalRequest.Outcome.proceed(isRangeAllowed: false)

    static let cases: [Case] = [
        Case("no conditions", [], proceed),
        // If-Match: strong comparison, lists, *.
        Case("If-Match same tag", [("If-Match", "\"abc-123\"")], proceed),
        Case("If-Match other tag", [("If-Match", "\"zzz\"")], .preconditionFailed),
        Case("If-Match weak tag never matches", [("If-Match", "W/\"abc-123\"")], .preconditionFailed),
        Case("If-Match list", [("If-Match", "\"x\", \"abc-123\"")], proceed),
        Case("If-Match list across fields", [("If-Match", "\"x\""), ("If-Match", "\"abc-123\"")], proceed),
        Case("If-Match star", [("If-Match", "*")], proceed),
        Case("If-Match garbage", [("If-Match", "abc-123")], .preconditionFailed),
        Case("If-Match tag with comma", [("If-Match", "\"abc,123\", \"abc-123\"")], proceed),
        // If-Unmodified-Since, only without If-Match.
        Case("If-Unmodified-Since equal", [("If-Unmodified-Since", modifiedText)], proceed),
        Case("If-Unmodified-Since later", [("If-Unmodified-Since", later)], proceed),
        Case("If-Unmodified-Since earlier", [("If-Unmodified-Since", earlier)], .preconditionFailed),
        Case("If-Unmodified-Since invalid is ignored", [("If-Unmodified-Since", "yesterday")], proceed),
        Case("If-Unmodified-Since ignored when If-Match matches",
             [("If-Match", "\"abc-123\""), ("If-Unmodified-Since", earlier)], proceed),
        // If-None-Match: weak comparison, lists, *; 304 for GET/HEAD, 412 otherwise.
        Case("If-None-Match same tag", [("If-None-Match", "\"abc-123\"")], .notModified),
        Case("If-None-Match weak form matches weakly", [("If-None-Match", "W/\"abc-123\"")], .notModified),
        Case("If-None-Match other tag", [("If-None-Match", "\"zzz\"")], proceed),
        Case("If-None-Match list", [("If-None-Match", "\"x\",W/\"abc-123\"")], .notModified),
        Case("If-None-Match star", [("If-None-Match", "*")], .notModified),
        Case("If-None-Match on HEAD", .head, [("If-None-Match", "\"abc-123\"")], .notModified),
        Case("If-None-Match on POST", .post, [("If-None-Match", "\"abc-123\"")], .preconditionFailed),
        Case("If-None-Match garbage", [("If-None-Match", "abc-123")], proceed),
        // If-Modified-Since, only without If-None-Match and only for GET/HEAD.
        Case("If-Modified-Since equal", [("If-Modified-Since", modifiedText)], .notModified),
        Case("If-Modified-Since later", [("If-Modified-Since", later)], .notModified),
        Case("If-Modified-Since earlier", [("If-Modified-Since", earlier)], proceed),
        Case("If-Modified-Since invalid", [("If-Modified-Since", "not a date")], proceed),
        Case("If-Modified-Since twice", [("If-Modified-Since", later), ("If-Modified-Since", later)], proceed),
        Case("If-Modified-Since on POST", .post, [("If-Modified-Since", later)], proceed),
        Case("If-Modified-Since ignored with non-matching If-None-Match",
             [("If-None-Match", "\"zzz\""), ("If-Modified-Since", later)], proceed),
        // Precedence between the groups.
        Case("If-Match failure wins over If-None-Match match",
             [("If-Match", "\"zzz\""), ("If-None-Match", "\"abc-123\"")], .preconditionFailed),
        Case("If-Unmodified-Since failure wins over If-Modified-Since",
             [("If-Unmodified-Since", earlier), ("If-Modified-Since", later)], .preconditionFailed),
        Case("If-Match pass then If-None-Match match",
             [("If-Match", "\"abc-123\""), ("If-None-Match", "\"abc-123\"")], .notModified),
        Case("If-None-Match wins over Range", [("If-None-Match", "\"abc-123\""), ("Range", "bytes=0-1")], .notModified),
        // If-Range: strong tag matching exactly, or a date equal to Last-Modified.
        Case("If-Range same strong tag", [("Range", "bytes=0-1"), ("If-Range", "\"abc-123\"")], proceed),
        Case("If-Range other tag", [("Range", "bytes=0-1"), ("If-Range", "\"zzz\"")], fullBody),
        Case("If-Range weak tag", [("Range", "bytes=0-1"), ("If-Range", "W/\"abc-123\"")], fullBody),
        Case("If-Range equal date", [("Range", "bytes=0-1"), ("If-Range", modifiedText)], proceed),
        Case("If-Range later date", [("Range", "bytes=0-1"), ("If-Range", later)], fullBody),
        Case("If-Range earlier date", [("Range", "bytes=0-1"), ("If-Range", earlier)], fullBody),
        Case("If-Range garbage", [("Range", "bytes=0-1"), ("If-Range", "abc-123")], fullBody),
        Case("If-Range unquoted tag", [("Range", "bytes=0-1"), ("If-Range", "\"abc-123")], fullBody),
        Case("If-Range without Range", [("If-Range", "\"zzz\"")], proceed),
    ]

    @Test(arguments: cases)
    func evaluatesPreconditions(_ test: Case) {
        let headers = HTTPHeaders(test.headers.map { (HTTPHeader($0.0), $0.1) })
        let outcome = ConditionalRequest.evaluate(
            method: test.method, headers: headers, etag: Self.etag, lastModified: Self.modified)
        #expect(outcome == test.expected)
    }

    @Test func parsesEntityTags() {
        #expect(EntityTag.parse("\"xyz\"") == EntityTag("xyz"))
        #expect(EntityTag.parse(" W/\"xyz\" ") == EntityTag("xyz", isWeak: true))
        #expect(EntityTag.parse("\"\"") == EntityTag(""))
        #expect(EntityTag.parse("xyz") == nil)
        #expect(EntityTag.parse("\"xyz") == nil)
        #expect(EntityTag.parse("w/\"xyz\"") == nil)
        #expect(EntityTag.parse("\"x y\"") == nil)
        #expect(EntityTag.parse("\"a\" \"b\"") == nil)
    }

    @Test func parsesEntityTagLists() {
        #expect(EntityTag.parseList(["*"]) == .any)
        #expect(EntityTag.parseList(["\"a\", W/\"b\",,\"c,d\""])
            == .tags([EntityTag("a"), EntityTag("b", isWeak: true), EntityTag("c,d")]))
        #expect(EntityTag.parseList(["\"a\", bogus, \"b\""]) == .tags([EntityTag("a"), EntityTag("b")]))
        #expect(EntityTag.parseList(["bogus"]) == .tags([]))
        #expect(EntityTag.parseList([" , "]) == nil)
        #expect(EntityTag.parseList([]) == nil)
    }

    @Test func comparesStronglyAndWeakly() {
        let strong = EntityTag("1")
        let weak = EntityTag("1", isWeak: true)
        #expect(strong.strongMatches(strong))
        #expect(!strong.strongMatches(weak))
        #expect(!weak.strongMatches(weak))
        #expect(weak.weakMatches(strong))
        #expect(!strong.weakMatches(EntityTag("2")))
    }

    @Test func formatsAndSanitisesTags() {
        #expect(EntityTag("a\"b c").description == "\"a_b_c\"")
        #expect(EntityTag("x", isWeak: true).description == "W/\"x\"")
        #expect(EntityTag.make(size: 255, modificationTime: 16).description == "\"ff-10\"")
    }
}
