import Testing
@testable import DuradoraHTTP
import DuradoraTestSupport

/// One malformed input and the exact status and code it must produce.
struct MalformedCase: Sendable, CustomTestStringConvertible {
    let name: String
    let raw: String
    let status: Int
    let code: String
    var testDescription: String { name }

    init(_ name: String, _ raw: String, _ status: Int, _ code: String) {
        self.name = name
        self.raw = raw
        self.status = status
        self.code = code
    }
}

private let host = "Host: x\r\n"

/// Limits small enough to cross in a test; each test states which it relies on.
let smallLimits = ParserLimits(maxHeaderBytes: 128, maxTargetBytes: 32, maxBodyBytes: 10, maxHeaderCount: 4)

let requestLineCases: [MalformedCase] = [
    .init("bare LF ends the request line", "GET / HTTP/1.1\n\(host)\r\n", 400, "invalid_line_ending"),
    .init("bare LF ends a field line", "GET / HTTP/1.1\r\nHost: x\n\r\n", 400, "invalid_line_ending"),
    .init("bare LF as a leading empty line", "\nGET / HTTP/1.1\r\n\(host)\r\n", 400, "invalid_line_ending"),
    .init("double space after method", "GET  / HTTP/1.1\r\n\(host)\r\n", 400, "malformed_request_line"),
    .init("double space before version", "GET /  HTTP/1.1\r\n\(host)\r\n", 400, "malformed_request_line"),
    .init("trailing space after version", "GET / HTTP/1.1 \r\n\(host)\r\n", 400, "malformed_request_line"),
    .init("tab instead of space", "GET\t/ HTTP/1.1\r\n\(host)\r\n", 400, "malformed_request_line"),
    .init("HTTP/0.9 style line", "GET /\r\n\r\n", 400, "malformed_request_line"),
    .init("method is not a token", "G(T / HTTP/1.1\r\n\(host)\r\n", 400, "malformed_request_line"),
    .init("empty method", " / HTTP/1.1\r\n\(host)\r\n", 400, "malformed_request_line"),
    .init("lower-case protocol name", "GET / http/1.1\r\n\(host)\r\n", 400, "malformed_request_line"),
    .init("version without minor", "GET / HTTP/1\r\n\(host)\r\n", 400, "malformed_request_line"),
    .init("two-digit major", "GET / HTTP/11.1\r\n\(host)\r\n", 400, "malformed_request_line"),
    .init("garbage version", "GET / FOO/1.1\r\n\(host)\r\n", 400, "malformed_request_line"),
    .init("CR inside the request line", "GET /\r HTTP/1.1\r\n\(host)\r\n", 400, "invalid_target"),
    .init("HTTP/2.0", "GET / HTTP/2.0\r\n\(host)\r\n", 505, "unsupported_version"),
    .init("HTTP/0.9 with version", "GET / HTTP/0.9\r\n\(host)\r\n", 505, "unsupported_version"),
    .init("HTTP/1.2", "GET / HTTP/1.2\r\n\(host)\r\n", 505, "unsupported_version"),
    .init("relative target", "GET abc HTTP/1.1\r\n\(host)\r\n", 400, "invalid_target"),
    .init("asterisk for GET", "GET * HTTP/1.1\r\n\(host)\r\n", 400, "invalid_target"),
    .init("authority-form", "CONNECT x:443 HTTP/1.1\r\n\(host)\r\n", 400, "invalid_target"),
    .init("ftp absolute-form", "GET ftp://x/y HTTP/1.1\r\n\(host)\r\n", 400, "invalid_target"),
    .init("absolute-form without host", "GET http:///y HTTP/1.1\r\n\(host)\r\n", 400, "invalid_target"),
    .init("control character in target", "GET /a\u{01}b HTTP/1.1\r\n\(host)\r\n", 400, "invalid_target"),
    .init("DEL in target", "GET /a\u{7F} HTTP/1.1\r\n\(host)\r\n", 400, "invalid_target"),
    .init("non-ASCII in target", "GET /caf\u{E9} HTTP/1.1\r\n\(host)\r\n", 400, "invalid_target"),
    .init("fragment in target", "GET /a#b HTTP/1.1\r\n\(host)\r\n", 400, "invalid_target"),
    .init("NUL in method", "G\u{0}T / HTTP/1.1\r\n\(host)\r\n", 400, "malformed_request_line"),
    .init("space in target", "GET /a b HTTP/1.1\r\n\(host)\r\n", 400, "malformed_request_line"),
    .init("empty target", "GET  HTTP/1.1\r\n\(host)\r\n", 400, "malformed_request_line"),
]

let fieldCases: [MalformedCase] = [
    .init("obs-fold with space", "GET / HTTP/1.1\r\n\(host)X: a\r\n b\r\n\r\n", 400, "obsolete_line_folding"),
    .init("obs-fold with tab", "GET / HTTP/1.1\r\n\(host)X: a\r\n\tb\r\n\r\n", 400, "obsolete_line_folding"),
    .init("whitespace before colon", "GET / HTTP/1.1\r\nHost : x\r\n\r\n", 400, "invalid_header"),
    .init("space inside name", "GET / HTTP/1.1\r\n\(host)X Y: z\r\n\r\n", 400, "invalid_header"),
    .init("empty name", "GET / HTTP/1.1\r\n\(host): z\r\n\r\n", 400, "invalid_header"),
    .init("no colon", "GET / HTTP/1.1\r\n\(host)NoColon\r\n\r\n", 400, "invalid_header"),
    .init("NUL in value", "GET / HTTP/1.1\r\n\(host)X: a\u{0}b\r\n\r\n", 400, "invalid_header"),
    .init("CR in value", "GET / HTTP/1.1\r\n\(host)X: a\rb\r\n\r\n", 400, "invalid_header"),
    .init("other CTL in value", "GET / HTTP/1.1\r\n\(host)X: a\u{1B}b\r\n\r\n", 400, "invalid_header"),
    .init("bare CR ends a field line", "GET / HTTP/1.1\r\n\(host)X: a\rY: b\r\n\r\n", 400, "invalid_header"),
    .init("bare CR before the final CRLF", "GET / HTTP/1.1\r\n\(host)X: a\r\r\n\r\n", 400, "invalid_header"),
    .init("CR in a field name", "GET / HTTP/1.1\r\n\(host)X\r: b\r\n\r\n", 400, "invalid_header"),
    .init("whitespace before the first field", "GET / HTTP/1.1\r\n \(host)\r\n", 400, "obsolete_line_folding"),
    .init("obs-fold of Host", "GET / HTTP/1.1\r\nHost: a\r\n b\r\n\r\n", 400, "obsolete_line_folding"),
    .init("HTTP/1.1 without Host", "GET / HTTP/1.1\r\nX: y\r\n\r\n", 400, "missing_host"),
    .init("two Host fields", "GET / HTTP/1.1\r\nHost: a\r\nhost: b\r\n\r\n", 400, "duplicate_host"),
    .init("Host listing two hosts", "GET / HTTP/1.1\r\nHost: a, b\r\n\r\n", 400, "duplicate_host"),
    .init("two Host fields in HTTP/1.0", "GET / HTTP/1.0\r\nHost: a\r\nHost: a\r\n\r\n", 400, "duplicate_host"),
    .init("Expect other than 100-continue", "GET / HTTP/1.1\r\n\(host)Expect: foo\r\n\r\n", 417, "expectation_failed"),
    .init("Expect with an extra member", "PUT / HTTP/1.1\r\n\(host)Expect: 100-continue, x\r\n\r\n", 417,
          "expectation_failed"),
]

private func post(_ fields: String, _ version: String = "HTTP/1.1") -> String {
    "POST /u \(version)\r\n\(host)\(fields)\r\n"
}

let framingCases: [MalformedCase] = [
    .init("Content-Length not digits", post("Content-Length: abc\r\n"), 400, "invalid_content_length"),
    .init("Content-Length negative", post("Content-Length: -1\r\n"), 400, "invalid_content_length"),
    .init("Content-Length with plus sign", post("Content-Length: +5\r\n"), 400, "invalid_content_length"),
    .init("Content-Length empty", post("Content-Length: \r\n"), 400, "invalid_content_length"),
    .init("Content-Length hex", post("Content-Length: 0x5\r\n"), 400, "invalid_content_length"),
    .init("Content-Length list differs", post("Content-Length: 5, 6\r\n"), 400, "invalid_content_length"),
    .init("Content-Length list with empty element", post("Content-Length: 5,\r\n"), 400, "invalid_content_length"),
    .init("Content-Length fields differ", post("Content-Length: 5\r\nContent-Length: 6\r\n"), 400,
          "invalid_content_length"),
    .init("Content-Length overflows", post("Content-Length: 99999999999999999999\r\n"), 400,
          "invalid_content_length"),
    .init("Content-Length over the body limit", post("Content-Length: 1073741825\r\n"), 413, "body_too_large"),
    .init("Content-Length and Transfer-Encoding",
          post("Content-Length: 3\r\nTransfer-Encoding: chunked\r\n"), 400, "conflicting_framing"),
    .init("Transfer-Encoding before Content-Length",
          post("Transfer-Encoding: chunked\r\nContent-Length: 3\r\n"), 400, "conflicting_framing"),
    .init("Transfer-Encoding in HTTP/1.0", post("Transfer-Encoding: chunked\r\n", "HTTP/1.0"), 400,
          "invalid_transfer_encoding"),
    .init("gzip then chunked", post("Transfer-Encoding: gzip, chunked\r\n"), 501, "unsupported_transfer_coding"),
    .init("unknown coding then chunked", post("Transfer-Encoding: foo, chunked\r\n"), 501,
          "unsupported_transfer_coding"),
    .init("codings over two fields", post("Transfer-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n"), 501,
          "unsupported_transfer_coding"),
    .init("gzip alone (chunked not final)", post("Transfer-Encoding: gzip\r\n"), 400, "invalid_transfer_encoding"),
    .init("unknown coding alone", post("Transfer-Encoding: foo\r\n"), 400, "invalid_transfer_encoding"),
    .init("chunked then gzip", post("Transfer-Encoding: chunked, gzip\r\n"), 400, "invalid_transfer_encoding"),
    .init("chunked twice", post("Transfer-Encoding: chunked, chunked\r\n"), 400, "invalid_transfer_encoding"),
    .init("chunked twice over two fields", post("Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n"),
          400, "invalid_transfer_encoding"),
    .init("chunked with a parameter", post("Transfer-Encoding: chunked;q=1\r\n"), 400, "invalid_transfer_encoding"),
    .init("empty Transfer-Encoding", post("Transfer-Encoding: \r\n"), 400, "invalid_transfer_encoding"),
    .init("quoted coding", post("Transfer-Encoding: \"chunked\"\r\n"), 400, "invalid_transfer_encoding"),
]

private func chunked(_ body: String) -> String {
    post("Transfer-Encoding: chunked\r\n") + body
}

let chunkCases: [MalformedCase] = [
    .init("chunk size not hex", chunked("zz\r\n"), 400, "invalid_chunk"),
    .init("chunk size with 0x", chunked("0x5\r\nhello\r\n0\r\n\r\n"), 400, "invalid_chunk"),
    .init("chunk size with sign", chunked("+5\r\nhello\r\n0\r\n\r\n"), 400, "invalid_chunk"),
    .init("empty chunk size", chunked("\r\n"), 400, "invalid_chunk"),
    .init("chunk size overflows", chunked("8000000000000000\r\n"), 400, "invalid_chunk"),
    .init("chunk size far too long", chunked("FFFFFFFFFFFFFFFFFFFF\r\n"), 400, "invalid_chunk"),
    .init("trailing space after chunk size", chunked("5 \r\nhello\r\n0\r\n\r\n"), 400, "invalid_chunk"),
    .init("extension without name", chunked("5;\r\nhello\r\n0\r\n\r\n"), 400, "invalid_chunk"),
    .init("extension with empty value", chunked("5;a=\r\nhello\r\n0\r\n\r\n"), 400, "invalid_chunk"),
    .init("unterminated quoted extension", chunked("5;a=\"x\r\nhello\r\n0\r\n\r\n"), 400, "invalid_chunk"),
    .init("extension too long", chunked("5;a=" + String(repeating: "x", count: 5_000) + "\r\nhello\r\n"), 400,
          "invalid_chunk"),
    .init("data not followed by CRLF", chunked("3\r\nabcX\r\n0\r\n\r\n"), 400, "invalid_chunk"),
    .init("data followed by LF only", chunked("3\r\nabc\n0\r\n\r\n"), 400, "invalid_chunk"),
    .init("bare LF after chunk size", chunked("3\nabc\r\n0\r\n\r\n"), 400, "invalid_line_ending"),
    .init("trailer with obs-fold", chunked("0\r\nT: a\r\n b\r\n\r\n"), 400, "obsolete_line_folding"),
    .init("trailer with space before colon", chunked("0\r\nT : a\r\n\r\n"), 400, "invalid_header"),
    .init("trailer with NUL", chunked("0\r\nT: a\u{0}\r\n\r\n"), 400, "invalid_header"),
    .init("trailer section too large", chunked("0\r\nT: " + String(repeating: "v", count: 17_000) + "\r\n\r\n"),
          431, "header_too_large"),
    .init("chunked body over the limit", chunked("40000001\r\n"), 413, "body_too_large"),
]

@Suite struct RequestParserErrorTests {
    @Test(arguments: requestLineCases + fieldCases + framingCases + chunkCases, Feeding.allCases)
    func rejectsMalformedRequest(_ test: MalformedCase, feeding: Feeding) {
        let outcome = parse(test.raw, feeding: feeding)
        #expect(outcome.error?.status.code == test.status, "\(test.name): \(String(describing: outcome.error))")
        #expect(outcome.error?.code == test.code, "\(test.name): \(String(describing: outcome.error))")
    }

    @Test(arguments: Feeding.allCases)
    func targetOverTheLimitIs414AndAtTheLimitIsAccepted(feeding: Feeding) {
        let atLimit = "/" + String(repeating: "a", count: 31)
        let ok = parse("GET \(atLimit) HTTP/1.1\r\n\(host)\r\n", limits: smallLimits, feeding: feeding)
        #expect(ok.error == nil)
        #expect(ok.heads.first?.target == atLimit)
        let tooLong = parse("GET \(atLimit)a HTTP/1.1\r\n\(host)\r\n", limits: smallLimits, feeding: feeding)
        #expect(tooLong.error?.status == .uriTooLong)
        #expect(tooLong.error?.code == "uri_too_long")
    }

    @Test(arguments: Feeding.allCases)
    func longTargetIs414BeforeTheLineEnds(feeding: Feeding) {
        let partial = "GET /" + String(repeating: "a", count: 40)
        let outcome = parse(partial, limits: smallLimits, feeding: feeding)
        #expect(outcome.error?.status == .uriTooLong)
    }

    @Test(arguments: Feeding.allCases)
    func headAtTheLimitIsAcceptedAndOneByteMoreIs431(feeding: Feeding) {
        // Request line (16) + Host (9) + padding field + final CRLF (2) = exactly 128 bytes.
        let base = "GET / HTTP/1.1\r\n\(host)"
        let padding = 128 - base.utf8.count - 2 - "X: \r\n".utf8.count
        let exact = base + "X: " + String(repeating: "v", count: padding) + "\r\n\r\n"
        #expect(exact.utf8.count == 128)
        let ok = parse(exact, limits: smallLimits, feeding: feeding)
        #expect(ok.error == nil)
        #expect(ok.heads.count == 1)
        let over = base + "X: " + String(repeating: "v", count: padding + 1) + "\r\n\r\n"
        #expect(parse(over, limits: smallLimits, feeding: feeding).error?.code == "header_too_large")
    }

    @Test(arguments: Feeding.allCases)
    func oversizedHeadIs431BeforeItsEndArrives(feeding: Feeding) {
        let partial = "GET / HTTP/1.1\r\n\(host)X: " + String(repeating: "v", count: 200)
        let outcome = parse(partial, limits: smallLimits, feeding: feeding)
        #expect(outcome.error?.status == .requestHeaderFieldsTooLarge)
        #expect(outcome.error?.code == "header_too_large")
    }

    @Test func headLimitDoesNotBufferUnbounded() throws {
        var parser = RequestParser(limits: smallLimits)
        parser.append(Array("GET / HTTP/1.1\r\nX: ".utf8))
        #expect(try parser.next() == nil)
        parser.append([UInt8](repeating: UInt8(ascii: "v"), count: 200))
        #expect(throws: HTTPParseError.self) { try parser.next() }
    }

    @Test(arguments: Feeding.allCases)
    func fieldCountOverTheCapIs431(feeding: Feeding) {
        let four = "GET / HTTP/1.1\r\n\(host)A: 1\r\nB: 2\r\nC: 3\r\n\r\n"
        #expect(parse(four, limits: smallLimits, feeding: feeding).error == nil)
        let five = "GET / HTTP/1.1\r\n\(host)A: 1\r\nB: 2\r\nC: 3\r\nD: 4\r\n\r\n"
        let outcome = parse(five, limits: smallLimits, feeding: feeding)
        #expect(outcome.error?.status == .requestHeaderFieldsTooLarge)
        #expect(outcome.error?.code == "header_too_large")
    }

    @Test(arguments: Feeding.allCases)
    func defaultFieldCapIs100(feeding: Feeding) {
        let fields = (0..<99).map { "F\($0): v\r\n" }.joined()
        #expect(parse("GET / HTTP/1.1\r\n\(host)\(fields)\r\n", feeding: feeding).error == nil)
        let outcome = parse("GET / HTTP/1.1\r\n\(host)\(fields)Z: 1\r\n\r\n", feeding: feeding)
        #expect(outcome.error?.code == "header_too_large")
    }

    @Test(arguments: Feeding.allCases)
    func chunkedBodyOverTheLimitIs413(feeding: Feeding) {
        let ok = parse(chunked("5\r\nhello\r\n5\r\nworld\r\n0\r\n\r\n"), limits: smallLimits, feeding: feeding)
        #expect(ok.error == nil)
        #expect(ok.bodies == ["helloworld"])
        let over = parse(chunked("5\r\nhello\r\n6\r\nworld!\r\n0\r\n\r\n"), limits: smallLimits, feeding: feeding)
        #expect(over.error?.status == .contentTooLarge)
        #expect(over.error?.code == "body_too_large")
        #expect(over.bodies == ["hello"])
    }

    @Test func contentLengthOverTheLimitIs413AtHeadTime() throws {
        var parser = RequestParser(limits: smallLimits)
        parser.append(Array(post("Content-Length: 11\r\n").utf8))
        #expect(throws: HTTPParseError(.contentTooLarge, code: "body_too_large", "The request body is too large.")) {
            try parser.next()
        }
    }

    @Test func parserKeepsThrowingAfterAnError() throws {
        var parser = RequestParser()
        parser.append(Array("GET / HTTP/2.0\r\n\(host)\r\n".utf8))
        var first: HTTPParseError?
        do { _ = try parser.next() } catch { first = error }
        let error = try #require(first)
        #expect(error.code == "unsupported_version")
        parser.append(Array("GET / HTTP/1.1\r\n\(host)\r\n".utf8))
        for _ in 0..<3 {
            #expect(throws: error) { try parser.next() }
        }
    }
}

/// The default header-field limit, over a real socket: 100 fields pass, the 101st is 431 and the connection closes.
@Suite struct HeaderCountLimitTests {
    @Test func aHundredFieldsPassAndOneMoreIs431() throws {
        let server = try TestHTTPServer(router: TestRoutes.makeRouter())
        defer { server.stop() }
        func request(fields: Int) -> String {
            "GET /hello HTTP/1.1\r\nHost: x\r\n" + (1..<fields).map { "X-\($0): v\r\n" }.joined() + "\r\n"
        }
        let ok = try server.makeClient()
        try ok.send(raw: request(fields: 100))
        #expect(try ok.readResponse().status == 200)
        let over = try server.makeClient()
        try over.send(raw: request(fields: 101))
        let response = try over.readResponse()
        #expect(response.status == 431)
        #expect(response.errorCode == "header_too_large")
        #expect(try over.readsEndOfStream())
    }
}
