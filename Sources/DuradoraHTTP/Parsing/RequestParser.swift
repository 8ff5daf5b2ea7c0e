/// Limits the parser enforces before any routing.
public struct ParserLimits: Sendable, Equatable {
    /// Request line plus header fields, in bytes; over it → 431 (or 414 when the target alone is too long).
    /// Counted from the first byte of the request line through the CRLF that ends the head; leading empty
    /// lines are not counted. Also bounds the trailer section of a chunked body.
    public var maxHeaderBytes: Int
    /// Request target length; over it → 414.
    public var maxTargetBytes: Int
    /// Declared or decoded body length; over it → 413 (for Content-Length: before reading the body).
    public var maxBodyBytes: Int64
    /// Number of header fields (and, separately, trailer fields); over it → 431.
    public var maxHeaderCount: Int
    /// One chunk-size line (size, extensions and CRLF); over it → 400.
    public var maxChunkSizeLineBytes: Int

    public init(
        maxHeaderBytes: Int = 16_384, maxTargetBytes: Int = 8_192, maxBodyBytes: Int64 = 1 << 30,
        maxHeaderCount: Int = 100, maxChunkSizeLineBytes: Int = 4_096
    ) {
        self.maxHeaderBytes = maxHeaderBytes
        self.maxTargetBytes = maxTargetBytes
        self.maxBodyBytes = maxBodyBytes
        self.maxHeaderCount = maxHeaderCount
        self.maxChunkSizeLineBytes = maxChunkSizeLineBytes
    }
}

/// A request the parser refuses; the connection answers with `status` and closes.
public struct HTTPParseError: Error, Equatable, Sendable, CustomStringConvertible {
    public let status: HTTPStatus
    /// Machine-readable snake_case code for the JSON error body.
    public let code: String
    public let message: String
    public init(_ status: HTTPStatus, code: String, _ message: String) {
        self.status = status
        self.code = code
        self.message = message
    }
    public var description: String { "\(status.code) \(code): \(message)" }
}

/// What the parser yields, in order: one `.head`, zero or more `.body`, one `.end` — then the next request.
public enum RequestParserEvent: Equatable, Sendable {
    case head(RequestHead)
    case body([UInt8])
    case end
}

/// Incremental, pure HTTP/1.1 request parser (RFC 9112). Feed it bytes as they arrive; pull events.
///
/// Strict by design: lines must end in CRLF (a bare LF → 400), obs-fold → 400, whitespace before a field's colon
/// → 400. Empty lines before a request line are skipped. Limits are checked as bytes arrive, in the order a
/// byte-by-byte reader would meet them, so the same bytes give the same events and the same error however they
/// are split into `append` calls (the fuzz target checks this). `.body` events carry whatever is buffered, so
/// their boundaries do depend on the split; their concatenation does not.
public struct RequestParser: Sendable {
    public let limits: ParserLimits

    private enum State: Sendable {
        case head
        case body(remaining: Int64)
        case chunked(ChunkedBodyDecoder)
        case endPending
        case failed(HTTPParseError)
    }

    private var buffer: [UInt8] = []
    /// Start of the unconsumed bytes in `buffer`.
    private var readIndex = 0
    private var state = State.head

    // Head scanning; offsets are relative to `readIndex`, which stays at the head's first byte until it completes.
    /// The head being collected, once `isInHead` (its request line parsed). Not an optional: every `== nil` on
    /// an optional of this large struct copied it (callgrind: ~20 such copies a request, a memcpy each).
    private var builder: RequestHeadBuilder
    private var isInHead = false
    private var scanned = 0
    private var lineStart = 0
    private var firstSpace: Int?
    private var secondSpace: Int?

    public init(limits: ParserLimits = ParserLimits()) {
        self.limits = limits
        builder = RequestHeadBuilder(limits: limits)
    }

    /// Adds received bytes to the parser's buffer.
    public mutating func append(_ bytes: UnsafeRawBufferPointer) {
        compact()
        buffer.append(contentsOf: bytes)
    }

    /// Adds received bytes to the parser's buffer.
    public mutating func append(_ bytes: [UInt8]) {
        compact()
        buffer.append(contentsOf: bytes)
    }

    /// Bytes received but not yet turned into events.
    public var bufferedByteCount: Int { buffer.count - readIndex }

    /// True between messages (before the first byte of a request line arrived; empty lines do not count).
    public var isBetweenMessages: Bool {
        guard case .head = state, !isInHead else { return false }
        for index in readIndex..<buffer.count where buffer[index] != HTTPSyntax.cr && buffer[index] != HTTPSyntax.lf {
            return false
        }
        return true
    }

    /// Drops consumed bytes: always when everything was consumed (cheap), otherwise only when the consumed
    /// prefix is large and at least half the buffer, so compaction stays amortised O(1) per byte.
    private mutating func compact() {
        guard readIndex > 0 else { return }
        if readIndex == buffer.count {
            buffer.removeAll(keepingCapacity: true)
            readIndex = 0
        } else if readIndex >= 4_096 && readIndex * 2 >= buffer.count {
            buffer.removeSubrange(0..<readIndex)
            readIndex = 0
        }
    }

    /// The next event, or nil when more bytes are needed. After a throw the parser is dead and throws again.
    public mutating func next() throws(HTTPParseError) -> RequestParserEvent? {
        if case .failed(let error) = state { throw error }
        let storage = buffer
        do {
            return try storage.withUnsafeBufferPointer { (bytes) throws(HTTPParseError) -> RequestParserEvent? in
                try step(bytes)
            }
        } catch {
            state = .failed(error)
            throw error
        }
    }

    private mutating func step(_ bytes: UnsafeBufferPointer<UInt8>) throws(HTTPParseError) -> RequestParserEvent? {
        switch state {
        case .head:
            guard let head = try parseHead(bytes) else { return nil }
            switch head.framing {
            case .none, .length(0): state = .endPending
            case .length(let length): state = .body(remaining: length)
            case .chunked:
                state = .chunked(
                    ChunkedBodyDecoder(
                        maxBodyBytes: limits.maxBodyBytes, maxTrailerBytes: limits.maxHeaderBytes,
                        maxTrailerFields: limits.maxHeaderCount, maxSizeLineBytes: limits.maxChunkSizeLineBytes))
            }
            return .head(head)
        case .body(let remaining):
            let count = Int(min(Int64(bytes.count - readIndex), remaining))
            guard count > 0 else { return nil }
            let chunk = Array(UnsafeBufferPointer(rebasing: bytes[readIndex..<(readIndex + count)]))
            readIndex += count
            state = remaining == Int64(count) ? .endPending : .body(remaining: remaining - Int64(count))
            return .body(chunk)
        case .chunked(var decoder):
            return try stepChunked(bytes, &decoder)
        case .endPending:
            state = .head
            return .end
        case .failed(let error):
            throw error
        }
    }

    /// Decodes as many chunks as are buffered into one `.body`. An error met after some data defers the throw to
    /// the next call, so the data before it is delivered whatever the split of the input.
    private mutating func stepChunked(
        _ bytes: UnsafeBufferPointer<UInt8>, _ decoder: inout ChunkedBodyDecoder
    ) throws(HTTPParseError) -> RequestParserEvent? {
        var output: [UInt8] = []
        while true {
            let event: ChunkedBodyDecoder.Event?
            do {
                event = try decoder.decode(bytes, index: &readIndex)
            } catch {
                if output.isEmpty { throw error }
                state = .failed(error)
                return .body(output)
            }
            switch event {
            case .data(let range):
                if output.isEmpty, range.upperBound == bytes.count {
                    state = .chunked(decoder)
                    return .body(Array(UnsafeBufferPointer(rebasing: bytes[range])))
                }
                output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[range]))
            case .end:
                if output.isEmpty {
                    state = .head
                    return .end
                }
                state = .endPending
                return .body(output)
            case nil:
                state = .chunked(decoder)
                return output.isEmpty ? nil : .body(output)
            }
        }
    }

    // MARK: Head

    /// Scans for complete lines, validating each as soon as it ends; returns the head once the empty line arrives.
    private mutating func parseHead(_ bytes: UnsafeBufferPointer<UInt8>) throws(HTTPParseError) -> RequestHead? {
        while true {
            let available = bytes.count - readIndex
            // Bytes past offset maxHeaderBytes can only produce 431, so never look further.
            let scanEnd = min(available, limits.maxHeaderBytes + 1)
            let lineFeed: Int?
            if !isInHead {
                lineFeed = scanRequestLine(bytes, to: scanEnd)
            } else {
                lineFeed = HTTPSyntax.firstLineFeed(bytes, from: readIndex + scanned, to: readIndex + scanEnd)
                    .map { $0 - readIndex }
            }
            guard let lineFeed else {
                scanned = scanEnd
                try checkLimits(upTo: scanEnd - 1)
                return nil
            }
            scanned = lineFeed + 1
            if !isInHead, secondSpace == nil { secondSpace = lineFeed }
            // Limits crossed before this LF come first, as they would for a byte-by-byte reader.
            try checkLimits(upTo: lineFeed - 1)
            guard lineFeed > lineStart, bytes[readIndex + lineFeed - 1] == HTTPSyntax.cr else {
                throw HTTPParseError.bareLineFeed()
            }
            let line = (readIndex + lineStart)..<(readIndex + lineFeed - 1)
            if !isInHead && line.isEmpty {
                // An empty line before the request line (RFC 9112 §2.2): skip it; it does not count as head bytes.
                readIndex += 2
                resetHeadScan()
                continue
            }
            try checkLimits(upTo: lineFeed)
            lineStart = lineFeed + 1
            // The builder is changed where it is stored: taken out and put back per line, the large struct was
            // copied and destroyed five times a request (callgrind: a quarter of parsing a head).
            if isInHead {
                if line.isEmpty {
                    let head = try builder.finish()
                    readIndex += lineStart
                    resetHeadScan()
                    return head
                }
                try builder.addField(bytes, line)
            } else {
                builder.reset()
                isInHead = true
                try builder.parseRequestLine(bytes, line)
            }
        }
    }

    private mutating func resetHeadScan() {
        isInHead = false
        scanned = 0
        lineStart = 0
        firstSpace = nil
        secondSpace = nil
    }

    /// Scans the request line for its LF, noting the first two spaces (they delimit the target) on the way.
    /// Returns the LF's offset, or nil.
    private mutating func scanRequestLine(_ bytes: UnsafeBufferPointer<UInt8>, to end: Int) -> Int? {
        var offset = scanned
        while offset < end {
            let byte = bytes[readIndex + offset]
            if byte == HTTPSyntax.lf { return offset }
            if byte == HTTPSyntax.space {
                if firstSpace == nil {
                    firstSpace = offset
                } else if secondSpace == nil {
                    secondSpace = offset
                }
            }
            offset += 1
        }
        return nil
    }

    /// Throws 414 or 431 if a limit was crossed by a byte at or before `last` (an offset from the head's start),
    /// whichever a byte-by-byte reader would meet first.
    /// Always inlined: called on this (large) struct from a mutating method, it was passed a copy of the whole
    /// parser, a 361-byte `memcpy` at each of its seven calls a request (callgrind).
    @inline(__always)
    private func checkLimits(upTo last: Int) throws(HTTPParseError) {
        var targetTrigger = Int.max
        if !isInHead, let firstSpace {
            // The (maxTargetBytes + 1)-th target byte; the target ends at the second space or the line's end.
            let trigger = firstSpace + 1 + limits.maxTargetBytes
            if trigger < (secondSpace ?? Int.max), trigger <= last { targetTrigger = trigger }
        }
        let headTrigger = limits.maxHeaderBytes <= last ? limits.maxHeaderBytes : Int.max
        if targetTrigger == Int.max && headTrigger == Int.max { return }
        if targetTrigger <= headTrigger {
            throw HTTPParseError(.uriTooLong, code: "uri_too_long", "The request target is too long.")
        }
        throw HTTPParseError(
            .requestHeaderFieldsTooLarge, code: "header_too_large", "The request head is too large.")
    }
}
