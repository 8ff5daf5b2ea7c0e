/// The bytes of one response head, and a small body behind it, in one buffer: the status line from a table, the
/// handler's fields, the loop's common lines (`CommonHeadLines`), `X-Request-Id`, the framing and the persistence
/// line. Two passes over the parts: their exact length first, then each part copied to its place in a buffer
/// allocated once at that size. Appending part by part to an array checked its capacity and uniqueness and
/// retained each string per append (callgrind: ~2 200 instructions of a `/health` request, now ~600).
struct ResponseHead {
    /// How the body is delimited, as the head says it.
    enum Framing {
        case length(Int64)
        case chunked
        /// No framing line: a status without a body, or an HTTP/1.0 body that the close ends.
        case none
    }

    /// The `Connection` line, if any.
    enum Persistence {
        case close
        /// `Connection: keep-alive`, which only an HTTP/1.0 client needs to hear.
        case keepAlive
        case implied
    }

    let status: HTTPStatus
    let fields: HTTPHeaders
    let commonLines: [UInt8]
    let requestId: String
    let framing: Framing
    let persistence: Persistence

    /// The head's bytes followed by `body`'s, and how many of them are the head.
    func bytes(followedBy body: [UInt8]?) -> (bytes: [UInt8], headLength: Int) {
        let statusLine = status.statusLine
        var length = statusLine?.count ?? (Self.statusPrefix.utf8CodeUnitCount + Self.digitCount(Int64(status.code)) + 1
            + status.reason.utf8.count + 2)
        for field in fields.fields where !Self.isOwned(field.name) {
            length += field.name.name.utf8.count + 2 + field.value.utf8.count + 2
        }
        length += commonLines.count + Self.requestIdName.utf8CodeUnitCount + requestId.utf8.count + 2
        switch framing {
        case .length(let count): length += Self.contentLengthName.utf8CodeUnitCount + Self.digitCount(count) + 2
        case .chunked: length += Self.chunkedLine.utf8CodeUnitCount
        case .none: break
        }
        switch persistence {
        case .close: length += Self.closeLine.utf8CodeUnitCount
        case .keepAlive: length += Self.keepAliveLine.utf8CodeUnitCount
        case .implied: break
        }
        length += 2
        let headLength = length
        let total = length + (body?.count ?? 0)
        // Reserved, then appended in one piece: `init(unsafeUninitializedCapacity:)` is not specialized for the
        // element type, and looking its storage type up at run time cost more than the rest of the head.
        var bytes: [UInt8] = []
        bytes.reserveCapacity(total)
        bytes.appendBytes(count: total) { start in
            var cursor = Cursor(next: start)
            if let statusLine {
                cursor.put(statusLine)
            } else {
                cursor.put(Self.statusPrefix)
                cursor.putDecimal(Int64(status.code), digits: Self.digitCount(Int64(status.code)))
                cursor.put(byte: UInt8(ascii: " "))
                cursor.put(status.reason)
                cursor.putLineEnd()
            }
            for field in fields.fields where !Self.isOwned(field.name) {
                cursor.put(field.name.name)
                cursor.put(byte: UInt8(ascii: ":"))
                cursor.put(byte: UInt8(ascii: " "))
                cursor.put(field.value)
                cursor.putLineEnd()
            }
            cursor.put(commonLines)
            cursor.put(Self.requestIdName)
            cursor.put(requestId)
            cursor.putLineEnd()
            switch framing {
            case .length(let count):
                cursor.put(Self.contentLengthName)
                cursor.putDecimal(count, digits: Self.digitCount(count))
                cursor.putLineEnd()
            case .chunked: cursor.put(Self.chunkedLine)
            case .none: break
            }
            switch persistence {
            case .close: cursor.put(Self.closeLine)
            case .keepAlive: cursor.put(Self.keepAliveLine)
            case .implied: break
            }
            cursor.putLineEnd()
            if let body { cursor.put(body) }
            precondition(cursor.next - start == total, "a response head's parts changed length while it was written")
        }
        return (bytes, headLength)
    }

    private static let statusPrefix: StaticString = "HTTP/1.1 "
    private static let requestIdName: StaticString = "X-Request-Id: "
    private static let contentLengthName: StaticString = "Content-Length: "
    private static let chunkedLine: StaticString = "Transfer-Encoding: chunked\r\n"
    private static let closeLine: StaticString = "Connection: close\r\n"
    private static let keepAliveLine: StaticString = "Connection: keep-alive\r\n"

    /// Headers the writer owns; a handler's values for them are ignored. Told by length first: most names a
    /// handler sets (`Content-Type`, `ETag`) are then rejected without comparing a byte.
    static func isOwned(_ name: HTTPHeader) -> Bool {
        switch name.canonical.utf8.count {
        case 4: name == .date
        case 6: name == .server
        case 10: name == .connection
        case 12: name == .xRequestId
        case 14: name == .contentLength
        case 17: name == .transferEncoding
        case 22: name == .xContentTypeOptions
        default: false
        }
    }

    /// Decimal digits of a count (a negative one is written as 0).
    private static func digitCount(_ value: Int64) -> Int {
        DecimalDigits.count(UInt64(max(0, value)))
    }

    /// Where the next byte goes; the first pass made room for every byte put.
    private struct Cursor {
        var next: UnsafeMutablePointer<UInt8>

        mutating func put(_ text: StaticString) {
            next.update(from: text.utf8Start, count: text.utf8CodeUnitCount)
            next += text.utf8CodeUnitCount
        }

        mutating func put(_ bytes: [UInt8]) {
            bytes.withUnsafeBufferPointer { source in
                guard let base = source.baseAddress else { return }
                next.update(from: base, count: source.count)
                next += source.count
            }
        }

        mutating func put(_ text: String) {
            let copied: Void? = text.utf8.withContiguousStorageIfAvailable { source in
                guard let base = source.baseAddress else { return }
                next.update(from: base, count: source.count)
                next += source.count
            }
            if copied == nil {
                for byte in text.utf8 { put(byte: byte) }
            }
        }

        mutating func put(byte: UInt8) {
            next.pointee = byte
            next += 1
        }

        mutating func putLineEnd() {
            put(byte: 13)
            put(byte: 10)
        }

        /// `value` in exactly `digits` decimal digits (its `digitCount`).
        mutating func putDecimal(_ value: Int64, digits: Int) {
            DecimalDigits.spell(UInt64(max(0, value)), width: digits, into: next)
            next += digits
        }
    }
}
