import Testing
@testable import DuradoraHTTP

@Suite struct MediaTypeTests {
    @Test func parsesTypeSubtypeAndCaseInsensitiveParameters() throws {
        let type = try MediaType(parsing: " Multipart/Form-Data ; Boundary=\"abc def\";charset=UTF-8 ;")
        #expect(type.type == "multipart" && type.subtype == "form-data")
        #expect(type.essence == "multipart/form-data")
        #expect(type.boundary == "abc def")
        #expect(type.parameters["BOUNDARY"] == "abc def")
        #expect(type.parameters["Charset"] == "UTF-8")
        #expect(type.charset == "utf-8")
        #expect(type.parameters.map(\.name) == ["boundary", "charset"])
        #expect(type.description == "multipart/form-data; boundary=\"abc def\"; charset=UTF-8")
    }

    @Test func quotedStringsLoseTheirBackslashEscapes() throws {
        let type = try MediaType(parsing: #"text/plain; a="say \"hi\" \\ bye"; b="semi;colon""#)
        #expect(type.parameters["a"] == #"say "hi" \ bye"#)
        #expect(type.parameters["b"] == "semi;colon")
    }

    @Test func extendedValuesAreDecodedAndWinOverPlainOnes() throws {
        let first = try ContentDisposition(parsing: "form-data; filename*=UTF-8''%e2%82%ac%20rates.wav; name=\"file\"; filename=\"EUR rates.wav\"")
        let last = try ContentDisposition(parsing: "FORM-DATA; name=file; filename=\"EUR rates.wav\"; FILENAME*=utf-8'en'%E2%82%AC%20rates.wav")
        for disposition in [first, last] {
            #expect(disposition.type == "form-data")
            #expect(disposition.name == "file")
            #expect(disposition.filename == "€ rates.wav")
        }
        let latin = try ContentDisposition(parsing: "attachment; filename*=ISO-8859-1'en'%A3%20rates")
        #expect(latin.filename == "£ rates")
        #expect(try ContentDisposition(parsing: "attachment; filename=\"plain.mp3\"").filename == "plain.mp3")
    }

    @Test(arguments: [
        "", "text", "text/", "/plain", "text plain", "text/plain; charset", "text/plain; =x",
        "text/plain; a=\"unterminated", "text/plain; a=b c", "text/plain; a=", "text/plain a=b",
        "text/plain; a=1; A=2", "text/plain; a*=UTF-8''%zz", "text/plain; a*=KOI8-R''x", "text/plain; a*=nope",
        "text/plain; a*=UTF-8''%ff%fe", "text/plain; a=\"bad \u{01} control\"",
    ])
    func malformedValuesThrow(value: String) {
        #expect(throws: HeaderValueError.self) { try MediaType(parsing: value) }
    }

    @Test func contentDispositionNeedsAType() {
        #expect(throws: HeaderValueError.self) { try ContentDisposition(parsing: "; name=a") }
        #expect(throws: HeaderValueError.self) { try ContentDisposition(parsing: "form-data; name") }
    }

    @Test func urlEncodedFormDecodesPlusAndPercent() {
        let form = URLEncodedForm(parsing: Array("user_id=42&token=a%2Bb%3D&title=Night+Drive&title=%E2%82%AC&bad=%zz&empty=".utf8))
        #expect(form["user_id"] == "42")
        #expect(form["token"] == "a+b=")
        #expect(form["title"] == "Night Drive")
        #expect(form.values("title") == ["Night Drive", "€"])
        #expect(form["bad"] == nil)
        #expect(form["empty"] == "")
        #expect(form["missing"] == nil)
        #expect(form.fields.map(\.name) == ["user_id", "token", "title", "title", "empty"])
    }
}
