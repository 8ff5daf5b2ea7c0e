/// Incremental decoder for the chunked transfer coding (RFC 9112 §7.1).
///
/// It reads from a caller-owned buffer starting at `index` and moves `index` past what it consumed. Data is reported
/// as ranges of that buffer, so the caller copies each byte at most once. Chunk extensions are validated and ignored;
/// trailer fields are validated with the header rules and discarded. A size line or trailer section is only consumed
/// once it is complete; until then `decode` returns nil and the caller keeps the bytes.
public struct ChunkedBodyDecoder: Sendable {
    /// What `decode` found: body bytes at `data` in the caller's buffer, or the end of the body (after the trailers).
    public enum Event: Equatable, Sendable {
        case data(Range<Int>)
        case end
    }

    /// Decoded body bytes allowed in total; a chunk that would exceed it → 413.
    public let maxBodyBytes: Int64
    /// Trailer section (fields and the final CRLF) in bytes; over it → 431.
    public let maxTrailerBytes: Int
    /// Number of trailer fields; over it → 431.
    public let maxTrailerFields: Int
    /// One chunk-size line (size, extensions, CRLF) in bytes; over it → 400.
    public let maxSizeLineBytes: Int

    /// Body bytes decoded so far.
    public private(set) var decodedByteCount: Int64 = 0

    private enum State: Sendable {
        case size
        case data(remaining: Int64)
        case dataCRLF
        case trailers
        case done
    }

    private var state = State.size
    /// How much of the pending (incomplete) line has already been searched for its LF, relative to `index`.
    private var lineScanned = 0
    private var trailerBytes = 0
    private var trailerFields = 0

    public init(
        maxBodyBytes: Int64 = 1 << 30, maxTrailerBytes: Int = 16_384, maxTrailerFields: Int = 100,
        maxSizeLineBytes: Int = 4_096
    ) {
        self.maxBodyBytes = maxBodyBytes
        self.maxTrailerBytes = maxTrailerBytes
        self.maxTrailerFields = maxTrailerFields
        self.maxSizeLineBytes = maxSizeLineBytes
    }

    /// True once the last chunk and the trailer section were consumed.
    public var isFinished: Bool {
        if case .done = state { return true }
        return false
    }

    /// Decodes from `bytes[index...]`; nil when more bytes are needed.
    public mutating func decode(_ bytes: [UInt8], index: inout Int) throws(HTTPParseError) -> Event? {
        try bytes.withUnsafeBufferPointer { (buffer) throws(HTTPParseError) -> Event? in
            try decode(buffer, index: &index)
        }
    }

    /// Decodes from `bytes[index...]`; nil when more bytes are needed.
    public mutating func decode(
        _ bytes: UnsafeBufferPointer<UInt8>, index: inout Int
    ) throws(HTTPParseError) -> Event? {
        while true {
            switch state {
            case .size:
                let tooLong = HTTPParseError(.badRequest, code: "invalid_chunk", "A chunk-size line is too long.")
                guard let line = try nextLine(bytes, index, limit: maxSizeLineBytes, tooLong: tooLong) else {
                    return nil
                }
                let size = try parseSizeLine(bytes, line)
                index = line.upperBound + 2
                if size == 0 {
                    state = .trailers
                } else {
                    guard size <= maxBodyBytes - decodedByteCount else {
                        throw HTTPParseError(.contentTooLarge, code: "body_too_large", "The chunked body is too large.")
                    }
                    state = .data(remaining: size)
                }
            case .data(let remaining):
                let available = bytes.count - index
                guard available > 0 else { return nil }
                let count = Int(min(Int64(available), remaining))
                let range = index..<(index + count)
                index += count
                decodedByteCount += Int64(count)
                state = remaining == Int64(count) ? .dataCRLF : .data(remaining: remaining - Int64(count))
                return .data(range)
            case .dataCRLF:
                let available = bytes.count - index
                if available >= 1, bytes[index] != HTTPSyntax.cr { throw Self.missingCRLF }
                if available >= 2, bytes[index + 1] != HTTPSyntax.lf { throw Self.missingCRLF }
                guard available >= 2 else { return nil }
                index += 2
                state = .size
            case .trailers:
                let tooLarge = HTTPParseError(
                    .requestHeaderFieldsTooLarge, code: "header_too_large", "The trailer section is too large.")
                guard let line = try nextLine(bytes, index, limit: maxTrailerBytes - trailerBytes, tooLong: tooLarge)
                else { return nil }
                index = line.upperBound + 2
                trailerBytes += line.count + 2
                if line.isEmpty {
                    state = .done
                    return .end
                }
                _ = try HTTPSyntax.parseFieldLine(bytes, line)
                trailerFields += 1
                if trailerFields > maxTrailerFields {
                    throw HTTPParseError(
                        .requestHeaderFieldsTooLarge, code: "header_too_large", "Too many trailer fields.")
                }
            case .done:
                return .end
            }
        }
    }

    private static let missingCRLF = HTTPParseError(
        .badRequest, code: "invalid_chunk", "Chunk data must be followed by CRLF.")

    /// The content (without CRLF) of the line starting at `start`, or nil when its LF has not arrived yet.
    /// A line (with its CRLF) longer than `limit` throws `tooLong`, as soon as its first excess byte is seen.
    private mutating func nextLine(
        _ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, limit: Int, tooLong: HTTPParseError
    ) throws(HTTPParseError) -> Range<Int>? {
        let scanEnd = start + min(bytes.count - start, max(limit, 0))
        guard let lineFeed = HTTPSyntax.firstLineFeed(bytes, from: start + lineScanned, to: scanEnd) else {
            if bytes.count - start > limit { throw tooLong }
            lineScanned = scanEnd - start
            return nil
        }
        lineScanned = 0
        guard lineFeed > start, bytes[lineFeed - 1] == HTTPSyntax.cr else { throw HTTPParseError.bareLineFeed() }
        return start..<(lineFeed - 1)
    }

    /// `chunk-size [ chunk-ext ]` (RFC 9112 §7.1.1): hex digits, then `;name[=token|quoted-string]` elements with
    /// optional whitespace around `;` and `=`. Returns the size.
    private func parseSizeLine(_ bytes: UnsafeBufferPointer<UInt8>, _ line: Range<Int>) throws(HTTPParseError) -> Int64 {
        let invalid = HTTPParseError(.badRequest, code: "invalid_chunk", "A chunk-size line is malformed.")
        var index = line.lowerBound
        let end = line.upperBound
        var size: Int64 = 0
        while index < end, let digit = bytes[index].hexDigitValue {
            guard size <= (Int64.max - Int64(digit)) >> 4 else {
                throw HTTPParseError(.badRequest, code: "invalid_chunk", "A chunk size overflows.")
            }
            size = size << 4 | Int64(digit)
            index += 1
        }
        guard index > line.lowerBound else { throw invalid }

        func skipWhitespace(_ index: inout Int) {
            while index < end, HTTPSyntax.isWhitespace(bytes[index]) { index += 1 }
        }
        func skipToken(_ index: inout Int) throws(HTTPParseError) {
            let start = index
            while index < end, HTTPSyntax.isTokenByte(bytes[index]) { index += 1 }
            guard index > start else { throw invalid }
        }
        while index < end {
            skipWhitespace(&index)
            guard index < end, bytes[index] == HTTPSyntax.semicolon else { throw invalid }
            index += 1
            skipWhitespace(&index)
            try skipToken(&index)
            var afterName = index
            skipWhitespace(&afterName)
            guard afterName < end, bytes[afterName] == UInt8(ascii: "=") else { continue }
            index = afterName + 1
            skipWhitespace(&index)
            if index < end, bytes[index] == UInt8(ascii: "\"") {
                index = try Self.endOfQuotedString(bytes, from: index, to: end)
            } else {
                try skipToken(&index)
            }
        }
        return size
    }

    /// The index just past the quoted-string (RFC 9110 §5.6.4) that starts at `start` with its opening quote.
    private static func endOfQuotedString(
        _ bytes: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int
    ) throws(HTTPParseError) -> Int {
        var index = start + 1
        while index < end {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "\""):
                return index + 1
            case UInt8(ascii: "\\"):
                guard index + 1 < end, HTTPSyntax.isFieldValueByte(bytes[index + 1]) else { break }
                index += 2
                continue
            default:
                guard HTTPSyntax.isFieldValueByte(byte) else { break }
                index += 1
                continue
            }
            break
        }
        throw HTTPParseError(.badRequest, code: "invalid_chunk", "A chunk extension has a malformed quoted string.")
    }
}
