#if canImport(Glibc)
import Glibc
#endif

/// Collects one request head, line by line, for `RequestParser`: validates the request line and each field line as
/// soon as it is complete, remembers what framing needs (Host, Content-Length, Transfer-Encoding, Connection, Expect)
/// while the name bytes are at hand, and decides framing in `finish()`.
struct RequestHeadBuilder {
    let limits: ParserLimits
    /// The head as it is collected (its method, target, path, query, version and fields), handed out whole by
    /// `finish()`: a head built there from separate fields was copied on its way out (a retain and a release of
    /// each of its strings, callgrind).
    private var head = RequestHeadBuilder.blank
    private static let blank = RequestHead(
        method: .get, target: "", path: "", query: nil, version: .http1_1, headers: HTTPHeaders(), framing: .none,
        keepAlive: true, expectsContinue: false)

    private var hostCount = 0
    private var contentLength: Int64?
    private var transferCodingCount = 0
    private var chunkedCount = 0
    private var isLastCodingChunked = false
    private var hasOtherCoding = false
    private var hasTransferEncoding = false
    private var hasConnectionClose = false
    private var hasConnectionKeepAlive = false
    private var expectsContinue = false
    private var hasOtherExpectation = false

    init(limits: ParserLimits) {
        self.limits = limits
        head.headers.reserveCapacity(16)  // one allocation for a browser's dozen fields, not five while growing
    }

    /// Ready for the next head, in place: `finish()` moved the strings and fields out, so only the flags and a
    /// new field array are left to set (a new builder assigned over this one cost ~400 instructions a request).
    mutating func reset() {
        head.method = .get
        head.version = .http1_1
        head.headers.reserveCapacity(16)
        hostCount = 0
        contentLength = nil
        transferCodingCount = 0
        chunkedCount = 0
        isLastCodingChunked = false
        hasOtherCoding = false
        hasTransferEncoding = false
        hasConnectionClose = false
        hasConnectionKeepAlive = false
        expectsContinue = false
        hasOtherExpectation = false
    }

    private static func malformed(_ message: String) -> HTTPParseError {
        HTTPParseError(.badRequest, code: "malformed_request_line", message)
    }

    // MARK: Request line

    /// `method SP request-target SP HTTP-version` (RFC 9112 §3), exactly single spaces, CRLF already removed.
    mutating func parseRequestLine(_ bytes: UnsafeBufferPointer<UInt8>, _ line: Range<Int>) throws(HTTPParseError) {
        var index = line.lowerBound
        while index < line.upperBound, HTTPSyntax.isTokenByte(bytes[index]) { index += 1 }
        guard index > line.lowerBound, index < line.upperBound, bytes[index] == HTTPSyntax.space else {
            throw Self.malformed("The method must be a token followed by a single space.")
        }
        let methodRange = line.lowerBound..<index
        let targetStart = index + 1
        var targetEnd = targetStart
        while targetEnd < line.upperBound, bytes[targetEnd] != HTTPSyntax.space { targetEnd += 1 }
        guard targetEnd > targetStart, targetEnd < line.upperBound else {
            throw Self.malformed("The request line must be `method target HTTP-version`.")
        }
        if targetEnd - targetStart > limits.maxTargetBytes {
            throw HTTPParseError(.uriTooLong, code: "uri_too_long", "The request target is too long.")
        }
        head.version = try Self.parseVersion(bytes, (targetEnd + 1)..<line.upperBound)
        head.method = Self.knownMethod(bytes, methodRange)
            ?? HTTPMethod(String(decoding: UnsafeBufferPointer(rebasing: bytes[methodRange]), as: UTF8.self))
        try parseTarget(bytes, targetStart..<targetEnd)
    }

    /// The shared value of a method clients send, spelled exactly so (methods are case-sensitive): no String is
    /// made for it (callgrind: ~150 instructions a request).
    private static func knownMethod(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> HTTPMethod? {
        let candidate: HTTPMethod? = switch (range.count, bytes[range.lowerBound]) {
        case (3, UInt8(ascii: "G")): .get
        case (3, UInt8(ascii: "P")): .put
        case (4, UInt8(ascii: "P")): .post
        case (4, UInt8(ascii: "H")): .head
        case (5, UInt8(ascii: "P")): .patch
        case (6, UInt8(ascii: "D")): .delete
        case (7, UInt8(ascii: "O")): .options
        default: nil
        }
        guard let candidate else { return nil }
        let matches = candidate.rawValue.utf8.withContiguousStorageIfAvailable { spelled in
            memcmp(spelled.baseAddress!, bytes.baseAddress! + range.lowerBound, range.count) == 0
        }
        return matches == true ? candidate : nil
    }

    /// `HTTP/DIGIT.DIGIT`: 1.0 and 1.1 are served, any other well-formed version → 505, anything else → 400.
    private static func parseVersion(
        _ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>
    ) throws(HTTPParseError) -> HTTPVersion {
        let start = range.lowerBound
        guard range.count == 8, bytes[start] == UInt8(ascii: "H"), bytes[start + 1] == UInt8(ascii: "T"),
            bytes[start + 2] == UInt8(ascii: "T"), bytes[start + 3] == UInt8(ascii: "P"),
            bytes[start + 4] == UInt8(ascii: "/"), bytes[start + 6] == UInt8(ascii: "."),
            case let major = bytes[start + 5] &- 0x30, major <= 9,
            case let minor = bytes[start + 7] &- 0x30, minor <= 9
        else { throw malformed("The HTTP version is malformed.") }
        if major == 1 && minor == 1 { return .http1_1 }
        if major == 1 && minor == 0 { return .http1_0 }
        throw HTTPParseError(
            .httpVersionNotSupported, code: "unsupported_version", "Only HTTP/1.0 and HTTP/1.1 are supported.")
    }

    /// origin-form, asterisk-form (OPTIONS only) or absolute-form with an http(s) scheme (RFC 9112 §3.2).
    private mutating func parseTarget(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) throws(HTTPParseError) {
        for index in range {
            let byte = bytes[index]
            guard byte > 0x20, byte < 0x7F, byte != UInt8(ascii: "#") else {
                throw HTTPParseError(
                    .badRequest, code: "invalid_target", "The request target contains a character that is not allowed.")
            }
        }
        let targetBytes = UnsafeBufferPointer(rebasing: bytes[range])
        head.target = String(decoding: targetBytes, as: UTF8.self)
        let first = bytes[range.lowerBound]
        if first == UInt8(ascii: "/") {
            splitPathAndQuery(bytes, range)
            return
        }
        if first == UInt8(ascii: "*") && range.count == 1 {
            guard head.method == .options else {
                throw HTTPParseError(.badRequest, code: "invalid_target", "The asterisk target is only for OPTIONS.")
            }
            head.path = "*"
            head.query = nil
            return
        }
        let start = range.lowerBound
        let schemeLength: Int
        if HTTPSyntax.equalsIgnoringCase(bytes, start..<min(start + 7, range.upperBound), "http://") {
            schemeLength = 7
        } else if HTTPSyntax.equalsIgnoringCase(bytes, start..<min(start + 8, range.upperBound), "https://") {
            schemeLength = 8
        } else {
            throw HTTPParseError(
                .badRequest, code: "invalid_target",
                "The request target must be an absolute path, an http(s) URL, or * for OPTIONS.")
        }
        var pathStart = start + schemeLength
        while pathStart < range.upperBound, bytes[pathStart] != UInt8(ascii: "/"), bytes[pathStart] != UInt8(ascii: "?") {
            pathStart += 1
        }
        guard pathStart > start + schemeLength else {
            throw HTTPParseError(.badRequest, code: "invalid_target", "An absolute-form target needs a host.")
        }
        splitPathAndQuery(bytes, pathStart..<range.upperBound)
        if head.path.isEmpty { head.path = "/" }
    }

    /// Splits at the first `?`; both parts stay percent-encoded.
    private mutating func splitPathAndQuery(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) {
        var mark = range.lowerBound
        while mark < range.upperBound, bytes[mark] != UInt8(ascii: "?") { mark += 1 }
        if mark == range.upperBound && range.count == head.target.utf8.count {
            // The whole target is the path (origin-form, no query): share its storage instead of a second copy.
            head.path = head.target
            head.query = nil
            return
        }
        head.path = String(decoding: UnsafeBufferPointer(rebasing: bytes[range.lowerBound..<mark]), as: UTF8.self)
        head.query = mark < range.upperBound
            ? String(decoding: UnsafeBufferPointer(rebasing: bytes[(mark + 1)..<range.upperBound]), as: UTF8.self)
            : nil
    }

    // MARK: Fields

    /// Validates one field line and records it. The name is classified from its bytes, without building a String.
    mutating func addField(_ bytes: UnsafeBufferPointer<UInt8>, _ line: Range<Int>) throws(HTTPParseError) {
        let field = try HTTPSyntax.parseFieldLine(bytes, line)
        guard head.headers.count < limits.maxHeaderCount else {
            throw HTTPParseError(.requestHeaderFieldsTooLarge, code: "header_too_large", "Too many header fields.")
        }
        switch field.name.count {
        case 4 where HTTPSyntax.equalsIgnoringCase(bytes, field.name, "host"):
            hostCount += 1
            if bytes[field.value].contains(HTTPSyntax.comma) { hostCount += 1 }
        case 6 where HTTPSyntax.equalsIgnoringCase(bytes, field.name, "expect"):
            HTTPSyntax.forEachListElement(bytes, field.value) { element in
                if HTTPSyntax.equalsIgnoringCase(bytes, element, "100-continue") {
                    expectsContinue = true
                } else {
                    hasOtherExpectation = true
                }
            }
        case 10 where HTTPSyntax.equalsIgnoringCase(bytes, field.name, "connection"):
            HTTPSyntax.forEachListElement(bytes, field.value) { element in
                if HTTPSyntax.equalsIgnoringCase(bytes, element, "close") { hasConnectionClose = true }
                if HTTPSyntax.equalsIgnoringCase(bytes, element, "keep-alive") { hasConnectionKeepAlive = true }
            }
        case 14 where HTTPSyntax.equalsIgnoringCase(bytes, field.name, "content-length"):
            try addContentLength(bytes, field.value)
        case 17 where HTTPSyntax.equalsIgnoringCase(bytes, field.name, "transfer-encoding"):
            try addTransferEncoding(bytes, field.value)
        default:
            break
        }
        let value = String(decoding: UnsafeBufferPointer(rebasing: bytes[field.value]), as: UTF8.self)
        head.headers.add(HTTPHeader(tokenBytes: UnsafeBufferPointer(rebasing: bytes[field.name])), value)
    }

    /// `Content-Length: 1*DIGIT`, possibly repeated or listed (`5, 5`); every value must be the same.
    private mutating func addContentLength(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) throws(HTTPParseError) {
        let invalid = HTTPParseError(.badRequest, code: "invalid_content_length", "Content-Length is not valid.")
        // Unlike other lists, an empty element here is an error: `5,` or `, 5` is not a length.
        try HTTPSyntax.forEachListElement(bytes, range, skippingEmpty: false) { (element) throws(HTTPParseError) in
            guard !element.isEmpty else { throw invalid }
            var value: Int64 = 0
            for index in element {
                let digit = bytes[index] &- 0x30
                guard digit <= 9 else { throw invalid }
                let (shifted, overflow1) = value.multipliedReportingOverflow(by: 10)
                let (sum, overflow2) = shifted.addingReportingOverflow(Int64(digit))
                guard !overflow1, !overflow2 else { throw invalid }
                value = sum
            }
            if let contentLength, contentLength != value {
                throw HTTPParseError(
                    .badRequest, code: "invalid_content_length", "Content-Length has conflicting values.")
            }
            contentLength = value
        }
    }

    /// `Transfer-Encoding: 1#transfer-coding`; records enough to decide framing in `finish()`.
    private mutating func addTransferEncoding(
        _ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>
    ) throws(HTTPParseError) {
        hasTransferEncoding = true
        try HTTPSyntax.forEachListElement(bytes, range) { (element) throws(HTTPParseError) in
            var nameEnd = element.lowerBound
            while nameEnd < element.upperBound, HTTPSyntax.isTokenByte(bytes[nameEnd]) { nameEnd += 1 }
            let hasParameters = nameEnd < element.upperBound
            guard nameEnd > element.lowerBound,
                !hasParameters || bytes[nameEnd] == HTTPSyntax.semicolon || HTTPSyntax.isWhitespace(bytes[nameEnd])
            else {
                throw HTTPParseError(
                    .badRequest, code: "invalid_transfer_encoding", "A transfer coding is not a token.")
            }
            transferCodingCount += 1
            if HTTPSyntax.equalsIgnoringCase(bytes, element.lowerBound..<nameEnd, "chunked") {
                guard !hasParameters else {
                    throw HTTPParseError(
                        .badRequest, code: "invalid_transfer_encoding", "The chunked coding takes no parameters.")
                }
                chunkedCount += 1
                isLastCodingChunked = true
            } else {
                hasOtherCoding = true
                isLastCodingChunked = false
            }
        }
    }

    // MARK: Finishing

    /// Applies the message-level rules (Host, framing, Expect, persistence) and returns the head.
    /// The head; its strings and fields are moved out (the builder is `reset` for the next request), not copied:
    /// a copy was a retain here and a release when the builder was replaced, for each of them.
    mutating func finish() throws(HTTPParseError) -> RequestHead {
        let (framing, keepAlive) = try validate()
        return take(framing: framing, keepAlive: keepAlive)
    }

    /// The message-level checks of `finish`, apart from building the head: built inside the throwing function,
    /// the head was copied once more on its way out (and the original destroyed), a retain and a release of each
    /// of its strings. Inlined: a call on the builder from its mutating caller passed a copy of it.
    @inline(__always)
    private func validate() throws(HTTPParseError) -> (BodyFraming, keepAlive: Bool) {
        if hostCount > 1 {
            throw HTTPParseError(.badRequest, code: "duplicate_host", "More than one Host header field.")
        }
        if head.version == .http1_1 && hostCount == 0 {
            throw HTTPParseError(.badRequest, code: "missing_host", "An HTTP/1.1 request needs a Host header field.")
        }
        let framing = try makeFraming()
        if hasOtherExpectation {
            throw HTTPParseError(
                .expectationFailed, code: "expectation_failed", "Only the 100-continue expectation is supported.")
        }
        let keepAlive = head.version == .http1_1 ? !hasConnectionClose : (hasConnectionKeepAlive && !hasConnectionClose)
        return (framing, keepAlive)
    }

    private mutating func take(framing: BodyFraming, keepAlive: Bool) -> RequestHead {
        var taken = Self.blank
        swap(&taken, &head)
        taken.framing = framing
        taken.keepAlive = keepAlive
        taken.expectsContinue = expectsContinue && taken.version == .http1_1
        return taken
    }

    /// RFC 9112 §6.1–6.3: chunked must be the final coding and appear once; other codings are not implemented.
    private func makeFraming() throws(HTTPParseError) -> BodyFraming {
        if hasTransferEncoding {
            if contentLength != nil {
                throw HTTPParseError(
                    .badRequest, code: "conflicting_framing", "Content-Length and Transfer-Encoding together.")
            }
            if head.version == .http1_0 {
                throw HTTPParseError(
                    .badRequest, code: "invalid_transfer_encoding", "Transfer-Encoding is not allowed in HTTP/1.0.")
            }
            if transferCodingCount == 0 || !isLastCodingChunked {
                throw HTTPParseError(
                    .badRequest, code: "invalid_transfer_encoding", "The final transfer coding must be chunked.")
            }
            if chunkedCount > 1 {
                throw HTTPParseError(
                    .badRequest, code: "invalid_transfer_encoding", "The chunked coding is applied more than once.")
            }
            if hasOtherCoding {
                throw HTTPParseError(
                    .notImplemented, code: "unsupported_transfer_coding", "Only the chunked transfer coding is supported.")
            }
            return .chunked
        }
        if let contentLength {
            guard contentLength <= limits.maxBodyBytes else {
                throw HTTPParseError(.contentTooLarge, code: "body_too_large", "The request body is too large.")
            }
            return .length(contentLength)
        }
        return .none
    }
}
