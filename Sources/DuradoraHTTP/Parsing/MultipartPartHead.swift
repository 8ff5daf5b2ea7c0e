/// The header section of one form-data part, with the fields RFC 7578 §4.2–4.4 gives meaning to.
public struct MultipartPartHead: Sendable, Equatable {
    /// Every header field of the part, in order.
    public let headers: HTTPHeaders
    public let disposition: ContentDisposition
    /// The form field name (`Content-Disposition: form-data; name="…"`).
    public let name: String
    /// The client's file name, `filename*` winning over `filename`; nil for a plain field. Untrusted: it may hold
    /// a path, `..` or nothing at all; never use it as a path without sanitising.
    public let filename: String?
    /// The part's Content-Type; nil when absent (RFC 7578 §4.4: then text/plain).
    public let contentType: MediaType?

    /// Validates a part's headers: `Content-Disposition: form-data` with a `name` is required; a Content-Type,
    /// when present, must parse.
    public init(headers: HTTPHeaders) throws(MultipartError) {
        guard let dispositionValue = headers[.contentDisposition] else {
            throw MultipartError(.malformedPartHeaders, "A multipart part has no Content-Disposition header.")
        }
        let disposition: ContentDisposition
        do {
            disposition = try ContentDisposition(parsing: dispositionValue)
        } catch {
            throw MultipartError(.malformedPartHeaders, "A part's Content-Disposition is malformed: \(error.message).")
        }
        guard disposition.type == "form-data" else {
            throw MultipartError(.malformedPartHeaders, "A part's Content-Disposition is '\(disposition.type)', not form-data.")
        }
        guard let name = disposition.name else {
            throw MultipartError(.missingName, "A multipart part has no name in its Content-Disposition.")
        }
        var contentType: MediaType?
        if let value = headers[.contentType] {
            do {
                contentType = try MediaType(parsing: value)
            } catch {
                throw MultipartError(.malformedPartHeaders, "A part's Content-Type is malformed: \(error.message).")
            }
        }
        self.headers = headers
        self.disposition = disposition
        self.name = name
        self.filename = disposition.filename
        self.contentType = contentType
    }

    /// True for a file field (the part carries a filename).
    public var isFile: Bool { filename != nil }

    /// Parses the header lines of a part: `bytes` is the section without its terminating blank line's final CRLF
    /// pair, i.e. lines separated by CRLF. Folded lines, bare CR/LF and other control characters are refused.
    static func parse(_ bytes: ArraySlice<UInt8>) throws(MultipartError) -> MultipartPartHead {
        var headers = HTTPHeaders()
        var lineStart = bytes.startIndex
        while lineStart < bytes.endIndex {
            var lineEnd = lineStart
            while lineEnd < bytes.endIndex,
                !(bytes[lineEnd] == 13 && lineEnd + 1 < bytes.endIndex && bytes[lineEnd + 1] == 10) {
                lineEnd += 1
            }
            let (name, value) = try parseLine(bytes[lineStart..<lineEnd])
            headers.add(name, value)
            lineStart = lineEnd + 2
        }
        return try MultipartPartHead(headers: headers)
    }

    private static func parseLine(_ line: ArraySlice<UInt8>) throws(MultipartError) -> (HTTPHeader, String) {
        guard let colon = line.firstIndex(of: UInt8(ascii: ":")), colon > line.startIndex,
            line[..<colon].allSatisfy(HeaderValueScanner.isTokenByte)
        else {
            throw MultipartError(.malformedPartHeaders, "A part's header line is not 'Name: value'.")
        }
        var value = line[(colon + 1)...]
        while let first = value.first, first == 0x20 || first == 0x09 { value.removeFirst() }
        while let last = value.last, last == 0x20 || last == 0x09 { value.removeLast() }
        guard value.allSatisfy({ $0 >= 0x20 && $0 != 0x7F || $0 == 0x09 }) else {
            throw MultipartError(.malformedPartHeaders, "A part's header value contains control characters.")
        }
        let name = String(decoding: line[..<colon], as: UTF8.self)
        return (HTTPHeader(name), HeaderValueScanner.decodeText(value))
    }
}

extension MultipartPartHead {
    public static func == (lhs: MultipartPartHead, rhs: MultipartPartHead) -> Bool {
        lhs.name == rhs.name && lhs.filename == rhs.filename && lhs.contentType == rhs.contentType
            && lhs.disposition == rhs.disposition
            && lhs.headers.map { "\($0.name.canonical):\($0.value)" } == rhs.headers.map { "\($0.name.canonical):\($0.value)" }
    }
}
