import Testing
@testable import DuradoraHTTP

@Suite struct MultipartParserErrorTests {
    typealias F = MultipartFixtures

    @Test func partWithoutNameIsRefused() {
        let body = F.body(parts: [(["Content-Disposition: form-data; filename=\"a.wav\""], [1])])
        #expect(F.parseError(body)?.kind == .missingName)
        #expect(F.parseError(body)?.status == .badRequest)
    }

    @Test(arguments: [
        ["Content-Type: text/plain"],  // no Content-Disposition
        [],  // empty header section
        ["Content-Disposition: attachment; name=\"a\""],
        ["Content-Disposition form-data; name=\"a\""],  // no colon
        ["Content-Disposition: form-data;", " name=\"a\""],  // obsolete line folding
        ["Content-Disposition: form-data; name=\"a"],  // unterminated quote
        ["Content-Disposition: form-data; name=\"a\"", "Content-Type: audio"],
        ["Content-Disposition: form-data; name=\"a\"; name=\"b\""],
        ["Content-Disposition: form-data; name=\"a\"\nX: y"],  // bare LF
    ])
    func malformedPartHeadersAreRefused(headers: [String]) {
        #expect(F.parseError(F.body(parts: [(headers, [1])]))?.kind == .malformedPartHeaders)
    }

    @Test func boundaryFollowedByJunkIsMalformed() {
        for junk in ["X\r\n", "-X", " \tX", " --"] {
            let body = Array("--\(F.boundary)\(junk)".utf8) + F.body(parts: [F.field("a", "1")])
            #expect(F.parseError(body)?.kind == .malformedDelimiter, "junk \(junk.debugDescription)")
        }
        // Transport padding before the CRLF is fine.
        let padded = Array("--\(F.boundary) \t\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n--\(F.boundary)--".utf8)
        #expect(F.parseError(padded) == nil)
    }

    @Test func parserStaysDeadAfterAnError() throws {
        var parser = try MultipartParser(boundary: "b")
        parser.append(Array("--bX\r\n".utf8))
        #expect(throws: MultipartError.self) { try parser.next() }
        parser.append(F.body(boundary: "b", parts: [F.field("a", "1")]))
        #expect(throws: MultipartError.self) { try parser.next() }
        #expect(throws: MultipartError.self) { try parser.finish() }
    }

    @Test func largePartStreamsWithBoundedHoldBack() throws {
        let boundary = "bnd"
        var parser = try MultipartParser(boundary: boundary)
        parser.append(Array("--bnd\r\nContent-Disposition: form-data; name=\"f\"\r\n\r\n".utf8))
        #expect(try { if case .partBegin = try parser.next() { true } else { false } }())
        var emitted = 0
        let chunk = [UInt8](repeating: 0x41, count: 4_096)
        for _ in 0..<100 {
            parser.append(chunk)
            while let event = try parser.next() {
                guard case .partData(let data) = event else { Issue.record("unexpected \(event)"); return }
                emitted += data.count
            }
        }
        #expect(emitted == 100 * chunk.count)  // no CR: nothing held back
        parser.append(Array("\r\n--bn".utf8))
        #expect(try parser.next() == nil)  // the whole tail might be a delimiter
        parser.append(Array("x".utf8))
        #expect(try parser.next() == .partData(Array("\r\n--bnx".utf8)))
        parser.append(Array("\r\n--bnd--\r\n".utf8))
        #expect(try parser.next() == .partEnd)
        #expect(try parser.next() == .end)
        try parser.finish()
    }
}
