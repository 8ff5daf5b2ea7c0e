/// Incremental, pure multipart/form-data parser (RFC 7578, RFC 2046 §5.1). Feed it bytes as they arrive; pull
/// events with `next()` until it returns nil; at the end of the body call `finish()`.
///
/// Part bodies stream out as `.partData` as soon as they cannot be the start of a delimiter, so memory stays
/// bounded by the size of the appended chunks plus at most `boundary.count + 3` held-back bytes, however large a
/// part is. The preamble before the first boundary and the epilogue after the closing one are discarded.
/// After a throw the parser is dead: every later `next()` and `finish()` throws the same error.
public struct MultipartParser: Sendable {
    public let boundary: String
    public let limits: MultipartLimits

    private enum State: Sendable {
        /// Before the first delimiter.
        case preamble
        /// Just after `\r\n--boundary`: `--` closes the body, else optional whitespace then CRLF.
        case delimiterLine(sawPadding: Bool)
        /// Inside a part's header section.
        case headers
        /// Inside a part's body.
        case body
        /// After the closing delimiter and the `.end` event.
        case epilogue
        case failed(MultipartError)
    }

    /// `\r\n--boundary`: the CRLF before a boundary belongs to the delimiter, not to the part before it.
    private let delimiter: DelimiterSearch
    private var buffer: [UInt8]
    /// Index of the first unconsumed byte in `buffer`.
    private var start = 0
    /// Where to resume looking for the blank line that ends a header section.
    private var headerScanIndex = 0
    private var state = State.preamble
    private var partCount = 0

    /// A parser for `boundary` (the Content-Type's `boundary` parameter, already unquoted).
    public init(boundary: String, limits: MultipartLimits = MultipartLimits()) throws(MultipartError) {
        try Self.validate(boundary: boundary)
        self.boundary = boundary
        self.limits = limits
        self.delimiter = DelimiterSearch(Array("\r\n--\(boundary)".utf8))
        // A virtual CRLF lets a delimiter at the very start of the body match like any other.
        self.buffer = [13, 10]
    }

    /// A parser for a request's Content-Type header value, which must be multipart/form-data with a boundary.
    public init(contentType: String, limits: MultipartLimits = MultipartLimits()) throws(MultipartError) {
        let mediaType: MediaType
        do {
            mediaType = try MediaType(parsing: contentType)
        } catch {
            throw MultipartError(.notMultipart, "The Content-Type is malformed: \(error.message).")
        }
        guard mediaType.essence == "multipart/form-data" else {
            throw MultipartError(.notMultipart, "The Content-Type is \(mediaType.essence), not multipart/form-data.")
        }
        guard let boundary = mediaType.boundary else {
            throw MultipartError(.missingBoundary, "The multipart/form-data Content-Type has no boundary parameter.")
        }
        try self.init(boundary: boundary, limits: limits)
    }

    /// Adds received bytes. Bytes after the closing delimiter (or after an error) are dropped at once.
    public mutating func append(_ bytes: UnsafeRawBufferPointer) {
        switch state {
        case .epilogue, .failed: return
        default: break
        }
        compact()
        bytes.withMemoryRebound(to: UInt8.self) { buffer.append(contentsOf: $0) }
    }

    public mutating func append(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { append($0) }
    }

    /// True once the closing `--boundary--` has been reached (and `.end` returned).
    public var isComplete: Bool {
        if case .epilogue = state { return true }
        return false
    }

    /// Call at the end of the input, after `next()` returned nil: throws `truncated` unless the closing delimiter
    /// was reached.
    public mutating func finish() throws(MultipartError) {
        switch state {
        case .epilogue:
            return
        case .failed(let error):
            throw error
        default:
            let error = MultipartError(.truncated, "The multipart body ended before its closing boundary.")
            state = .failed(error)
            throw error
        }
    }

    /// The next event, or nil when more bytes are needed (or after `.end`).
    public mutating func next() throws(MultipartError) -> MultipartEvent? {
        do {
            return try step()
        } catch {
            state = .failed(error)
            throw error
        }
    }

    private mutating func step() throws(MultipartError) -> MultipartEvent? {
        while true {
            switch state {
            case .failed(let error):
                throw error
            case .epilogue:
                return nil
            case .preamble:
                let match = findDelimiter()
                start = match.index
                guard match.isComplete else { return nil }
                start += delimiter.pattern.count
                state = .delimiterLine(sawPadding: false)
            case .delimiterLine(let sawPadding):
                guard start < buffer.count else { return nil }
                switch buffer[start] {
                case UInt8(ascii: "-") where !sawPadding:
                    guard start + 1 < buffer.count else { return nil }
                    guard buffer[start + 1] == UInt8(ascii: "-") else { throw malformedDelimiter() }
                    state = .epilogue
                    buffer = []
                    start = 0
                    return .end
                case UInt8(ascii: " "), UInt8(ascii: "\t"):
                    start += 1
                    state = .delimiterLine(sawPadding: true)
                case 13:
                    guard start + 1 < buffer.count else { return nil }
                    guard buffer[start + 1] == 10 else { throw malformedDelimiter() }
                    start += 2
                    guard partCount < limits.maxParts else {
                        throw MultipartError(.tooManyParts, "The multipart body has more than \(limits.maxParts) parts.")
                    }
                    headerScanIndex = start
                    state = .headers
                default:
                    throw malformedDelimiter()
                }
            case .headers:
                guard let head = try parseHeaders() else { return nil }
                partCount += 1
                state = .body
                return .partBegin(head)
            case .body:
                let match = findDelimiter()
                if match.index > start {
                    let data = Array(buffer[start..<match.index])
                    start = match.index
                    return .partData(data)
                }
                guard match.isComplete else { return nil }
                start += delimiter.pattern.count
                state = .delimiterLine(sawPadding: false)
                return .partEnd
            }
        }
    }

    /// Searches the unconsumed bytes; indexes in the result are indexes into `buffer`.
    private func findDelimiter() -> DelimiterSearch.Match {
        buffer.withUnsafeBufferPointer { all in
            let match = delimiter.find(in: UnsafeBufferPointer(rebasing: all[start...]))
            return DelimiterSearch.Match(index: start + match.index, isComplete: match.isComplete)
        }
    }

    /// The part head once its whole header section (ending in a blank line) is buffered; nil until then.
    private mutating func parseHeaders() throws(MultipartError) -> MultipartPartHead? {
        let end = buffer.count
        // An empty header section: the blank line comes right after the delimiter line.
        if end - start >= 2, buffer[start] == 13, buffer[start + 1] == 10 {
            start += 2
            return try MultipartPartHead.parse(buffer[start..<start])
        }
        var index = max(headerScanIndex, start)
        while index + 3 < end {
            if buffer[index] == 13, buffer[index + 1] == 10, buffer[index + 2] == 13, buffer[index + 3] == 10 {
                guard index + 4 - start <= limits.maxHeaderBytes else { throw headersTooLarge() }
                let head = try MultipartPartHead.parse(buffer[start..<index])
                start = index + 4
                return head
            }
            index += 1
        }
        guard end - start <= limits.maxHeaderBytes else { throw headersTooLarge() }
        headerScanIndex = index
        return nil
    }

    /// Drops consumed bytes when that is cheap relative to the work already done (amortised O(1) per byte).
    private mutating func compact() {
        guard start > 0 else { return }
        if start == buffer.count {
            buffer.removeAll(keepingCapacity: true)
        } else if start * 2 >= buffer.count {
            buffer.removeSubrange(0..<start)
        } else {
            return
        }
        headerScanIndex = max(0, headerScanIndex - start)
        start = 0
    }

    private func malformedDelimiter() -> MultipartError {
        MultipartError(.malformedDelimiter, "A multipart boundary line is not followed by CRLF or '--'.")
    }

    private func headersTooLarge() -> MultipartError {
        MultipartError(.partHeadersTooLarge, "A multipart part's headers exceed \(limits.maxHeaderBytes) bytes.")
    }

    /// RFC 2046 §5.1.1: 1–70 characters from `bchars`, the last not a space.
    static func validate(boundary: String) throws(MultipartError) {
        let bytes = Array(boundary.utf8)
        guard !bytes.isEmpty else { throw MultipartError(.invalidBoundary, "The multipart boundary is empty.") }
        guard bytes.count <= 70 else {
            throw MultipartError(.invalidBoundary, "The multipart boundary is longer than 70 characters.")
        }
        let allowed = Array("'()+_,-./:=? ".utf8)
        let isValid = bytes.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"):
                true
            default:
                allowed.contains(byte)
            }
        }
        guard isValid, bytes.last != UInt8(ascii: " ") else {
            throw MultipartError(.invalidBoundary, "The multipart boundary contains characters RFC 2046 does not allow.")
        }
    }
}
